import * as vscode from "vscode";
import { Requests } from "../emulator/protocol";
import { FOLDER_COMMANDS, type AnywhereCommandId, type FolderCommandId } from "./commandIds";
import { registerCommands, type CommandHandlers } from "./commands";
import { runDoctor } from "./doctor";
import { DaemonConnection } from "./daemon/daemonConnection";
import { startQuietly, warnIfNotIsolated, offerRestart } from "./emulatorUi";
import { folderCommands } from "./folderCommands";
import { InvocationService } from "./invocations/invocationService";
import { FunctionsModel } from "./model/functionsModel";
import { LastEvents } from "./model/lastEvents";
import { SavedEvents } from "./model/savedEvents";
import { newFunction } from "./newFunction";
import { CredentialStore } from "./deploy/credentials";
import { FunctionsTreeProvider } from "./views/functionsTree";
import { manifestDiagnostics } from "./views/manifestDiagnostics";
import { offerToSaveLaunchConfiguration } from "./debug/launchConfiguration";
import { DEBUG_TYPE, FaasboxDebugAdapterFactory, FaasboxDebugConfigurationProvider, type FaasboxDebugConfiguration } from "./debug/debugProvider";
import { HandlerCodeLensProvider } from "./views/handlerCodeLens";
import { LogChannels, REQUEST_LOG_SCHEME, RequestLogDocuments } from "./views/logChannels";
import { registerStatusBar } from "./views/statusBar";
import { InvokePanel, type InvokePanelDeps } from "./webviews/invokePanel";
import { MetricsViewProvider } from "./webviews/metricsView";
import { parseOr } from "./util/parseOr";

export interface FaasboxApi {
  /** Milliseconds spent in activate(), measured by the extension itself. */
  activationMs: number;
  manager?: DaemonConnection;
  model?: FunctionsModel;
  tree?: FunctionsTreeProvider;
  logs?: LogChannels;
  /** Where every invocation from the editor runs; tests watch its events. */
  invocations?: InvocationService;
}

export function activate(context: vscode.ExtensionContext): FaasboxApi {
  const started = performance.now();
  const output = vscode.window.createOutputChannel("Faasbox");
  context.subscriptions.push(output);
  const anywhere: CommandHandlers<AnywhereCommandId> = {
    "faasbox.emulator.doctor": () => runDoctor(context, output),
    "faasbox.function.new": () => newFunction(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath),
  };

  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!root) {
    // No folder: the commands still answer, with what to do, instead of "command not found".
    const needsFolder = () => void vscode.window.showInformationMessage("Open a folder with a serverless.yml, template.yaml or faasbox.yml first: Faasbox runs the functions it describes.");
    // Each answers undefined, even those typed with a result: without a folder there is none.
    const stubs = Object.fromEntries(FOLDER_COMMANDS.map((id) => [id, needsFolder])) as unknown as CommandHandlers<FolderCommandId>;
    registerCommands(context, { ...anywhere, ...stubs });
    return { activationMs: performance.now() - started };
  }

  const manager = new DaemonConnection(context.extensionUri, root, output);
  activeManager = manager;
  const model = new FunctionsModel(manager);
  const logs = new LogChannels(manager, model);
  const invocations = new InvocationService(manager, logs.onDidReceive);
  const tree = new FunctionsTreeProvider(model, manager);
  const savedEvents = new SavedEvents(root);
  const lastEvents = new LastEvents(context.workspaceState);
  const panelDeps: InvokePanelDeps = { extensionUri: context.extensionUri, manager, model, logs, savedEvents, invocations, lastEvents };
  const requestLogs = new RequestLogDocuments(manager, model);
  const treeView = vscode.window.createTreeView("faasbox.functions", { treeDataProvider: tree, showCollapseAll: true });
  const metricsView = new MetricsViewProvider(context.extensionUri, manager, model, (name) => InvokePanel.show(panelDeps, name));
  const codeLenses = new HandlerCodeLensProvider(model);
  // Debugging: a `faasbox` launch starts a debug instance, the matching debugger attaches,
  // and the event is invoked at once (it waits in the instance until the debugger lets it run).
  const debugProvider = new FaasboxDebugConfigurationProvider(manager, savedEvents, model, (config, info) => {
    // A web function takes HTTP requests, not events: its routes' requests stop at the breakpoints.
    const web = model.functions.find((fn) => fn.name === info.function)?.web;
    if (web) {
      const urls = model.triggers?.routes.filter((route) => route.function === info.function).map((route) => `${route.method} ${route.url}`) ?? [];
      void vscode.window.showInformationMessage(`Debugging web function ${info.function}: send a request to ${urls.join(", ") || "its routes"}; breakpoints in your route handlers stop it.`);
      return;
    }
    const panel = InvokePanel.show(panelDeps, info.function);
    void (async () => {
      // Without an event in the configuration: the one the panel runs (the last used, else the
      // function's own trigger's), never `{}` on a function that expects its trigger's shape.
      const event = config.event !== undefined ? config.event : parseOr(await panel.eventTextToRun(), {});
      void invocations.invoke(info.function, event).catch(() => undefined); // the panel shows a failure
      const folder = vscode.workspace.workspaceFolders?.[0];
      if (config.faasboxUnsaved && folder) void offerToSaveLaunchConfiguration(context.workspaceState, folder, info.function, event);
    })();
  });
  context.subscriptions.push(
    manager, model, logs, invocations, tree, treeView, metricsView, codeLenses,
    manifestDiagnostics(model),
    vscode.window.registerWebviewViewProvider("faasbox.metrics", metricsView),
    vscode.languages.registerCodeLensProvider(
      [{ language: "javascript" }, { language: "typescript" }, { language: "javascriptreact" }, { language: "typescriptreact" }, { language: "python" }, { language: "java" }],
      codeLenses,
    ),
    vscode.workspace.registerTextDocumentContentProvider(REQUEST_LOG_SCHEME, requestLogs),
    vscode.languages.registerDocumentLinkProvider({ scheme: REQUEST_LOG_SCHEME }, requestLogs),
    // The emulator starts when first needed: here, when the Functions view is shown.
    treeView.onDidChangeVisibility(({ visible }) => {
      if (visible) void startQuietly(manager);
    }),
    // Trusted now: start as the open view would have, instead of staying "untrusted".
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      if (treeView.visible) void startQuietly(manager);
      void model.refresh();
    }),
    manager.onDidConnect(() => warnIfNotIsolated(manager)),
    // Whatever started it (the panel, the lens, a debug session), a function's next Invoke reuses its event.
    invocations.onEvent((event) => {
      if (event.type === "started") void lastEvents.remember(event.function, JSON.stringify(event.event ?? {}, null, 2));
    }),
    vscode.workspace.onDidChangeConfiguration((change) => void offerRestart(change, manager)),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, debugProvider),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new FaasboxDebugAdapterFactory()),
    vscode.debug.onDidTerminateDebugSession((session) => {
      const info = (session.configuration as FaasboxDebugConfiguration).faasboxSession;
      if (info) void manager.request(Requests.debugStop, { sessionId: info.sessionId }).catch(() => undefined);
    }),
  );
  registerStatusBar(context, manager, model);
  const credentials = new CredentialStore(context.secrets);
  registerCommands(context, { ...anywhere, ...folderCommands({ root, output, manager, model, logs, invocations, panelDeps, debugProvider, credentials }) });

  void model.refresh();
  return { activationMs: performance.now() - started, manager, model, tree, logs, invocations };
}

let activeManager: DaemonConnection | undefined;

/** VS Code waits for this: the emulator this window started is shut down, its containers removed. */
export function deactivate(): Promise<void> | undefined {
  return activeManager?.stop();
}
