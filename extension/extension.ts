import * as vscode from "vscode";
import { Requests, type InvokeResult } from "../emulator/protocol/index";
import { registerCommand, type FunctionTarget } from "./commands";
import { runDoctor } from "./doctor";
import { DaemonConnection } from "./daemon/daemonConnection";
import { FunctionsModel } from "./model/functionsModel";
import { SavedEvents } from "./model/savedEvents";
import { newFunction } from "./newFunction";
import { CredentialStore, setCredentials } from "./deploy/credentials";
import { readSettings } from "./settings";
import { FunctionsTreeProvider, type TreeNode } from "./views/functionsTree";
import { DEBUG_TYPE, FaasboxDebugAdapterFactory, FaasboxDebugConfigurationProvider, type FaasboxDebugConfiguration } from "./debug/debugProvider";
import { HandlerCodeLensProvider } from "./views/handlerCodeLens";
import { LogChannels, REQUEST_LOG_SCHEME, RequestLogDocuments } from "./views/logChannels";
import { registerStatusBar } from "./views/statusBar";
import { InvokePanel, type InvokePanelDeps } from "./webviews/invokePanel";
import { MetricsViewProvider } from "./webviews/metricsView";

/** Commands that act on the workspace folder's functions. */
const FOLDER_COMMANDS = [
  "faasbox.functions.refresh", "faasbox.emulator.start", "faasbox.emulator.stop", "faasbox.emulator.showOutput", "faasbox.emulator.actions",
  "faasbox.function.invoke", "faasbox.function.openInvokePanel", "faasbox.function.showLogs", "faasbox.function.debug", "faasbox.function.deploy",
  "faasbox.logs.showRequest", "faasbox.metrics.show", "faasbox.timer.fire", "faasbox.timer.enable", "faasbox.timer.disable", "faasbox.topic.publish",
  "faasbox.pickFunction", "faasbox.cloud.setCredentials",
] as const;

export interface FaasboxApi {
  /** Milliseconds spent in activate(), measured by the extension itself. */
  activationMs: number;
  manager?: DaemonConnection;
  model?: FunctionsModel;
  tree?: FunctionsTreeProvider;
  logs?: LogChannels;
}

export function activate(context: vscode.ExtensionContext): FaasboxApi {
  const started = performance.now();
  const output = vscode.window.createOutputChannel("Faasbox");
  context.subscriptions.push(output);
  registerCommand(context, "faasbox.emulator.doctor", () => runDoctor(context, output));
  registerCommand(context, "faasbox.function.new", () => newFunction(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath));

  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!root) {
    // No folder: the commands still answer, with what to do, instead of "command not found".
    const needsFolder = () => void vscode.window.showInformationMessage("Open a folder with a serverless.yml, template.yaml or faasbox.yml first: Faasbox runs the functions it describes.");
    for (const command of FOLDER_COMMANDS) context.subscriptions.push(vscode.commands.registerCommand(command, needsFolder));
    return { activationMs: performance.now() - started };
  }

  const manager = new DaemonConnection(context.extensionUri, root, output);
  activeManager = manager;
  const model = new FunctionsModel(manager);
  const logs = new LogChannels(manager, model);
  const tree = new FunctionsTreeProvider(model, manager);
  const panelDeps: InvokePanelDeps = { extensionUri: context.extensionUri, manager, model, logs, savedEvents: new SavedEvents(root) };
  const requestLogs = new RequestLogDocuments(manager, model);
  const treeView = vscode.window.createTreeView("faasbox.functions", { treeDataProvider: tree, showCollapseAll: true });
  const metricsView = new MetricsViewProvider(context.extensionUri, manager, model, (name) => InvokePanel.show(panelDeps, name));
  context.subscriptions.push(
    manager, model, logs, treeView, metricsView,
    vscode.window.registerWebviewViewProvider("faasbox.metrics", metricsView),
    vscode.languages.registerCodeLensProvider(
      [{ language: "javascript" }, { language: "typescript" }, { language: "javascriptreact" }, { language: "typescriptreact" }, { language: "python" }],
      new HandlerCodeLensProvider(model),
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
  );
  registerStatusBar(context, manager, model);

  /** The function a command is about: its argument, or one the user picks. */
  const resolveTarget = async (target: FunctionTarget): Promise<string | undefined> => {
    if (typeof target === "string") return target;
    if (target && "name" in target) return target.name;
    if (target && "function" in target) return target.function;
    if (model.functions.length === 0) await model.refresh();
    const picked = await vscode.window.showQuickPick(
      model.functions.map((f) => ({ label: f.name, description: `${f.runtime} · ${f.handler}` })),
      { title: "Which function?" },
    );
    return picked?.label;
  };

  registerCommand(context, "faasbox.functions.refresh", () => model.refresh());
  registerCommand(context, "faasbox.emulator.start", () => startLoudly(manager));
  registerCommand(context, "faasbox.emulator.stop", () => manager.stop());
  registerCommand(context, "faasbox.emulator.showOutput", () => output.show());
  registerCommand(context, "faasbox.emulator.actions", () => emulatorActions(manager));
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration((change) => void offerRestart(change, manager)));
  registerCommand(context, "faasbox.function.openInvokePanel", async (target) => {
    const name = await resolveTarget(target);
    if (name) InvokePanel.show(panelDeps, name);
  });
  registerCommand(context, "faasbox.function.invoke", async (target, event): Promise<InvokeResult | undefined> => {
    const name = await resolveTarget(target);
    if (!name) return undefined;
    if (!(await startLoudly(manager))) return undefined;
    const panel = InvokePanel.show(panelDeps, name);
    return panel.invoke(event === undefined ? undefined : JSON.stringify(event, null, 2));
  });
  // Debugging: a `faasbox` launch starts a debug instance, the matching debugger attaches,
  // and the event is invoked at once (it waits in the instance until the debugger lets it run).
  const debugProvider = new FaasboxDebugConfigurationProvider(manager, panelDeps.savedEvents, (config, info) => {
    const panel = InvokePanel.show(panelDeps, info.function);
    const eventText = config.event === undefined ? undefined : JSON.stringify(config.event, null, 2);
    void panel.invoke(eventText).catch(() => undefined);
  });
  context.subscriptions.push(
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, debugProvider),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new FaasboxDebugAdapterFactory()),
    vscode.debug.onDidTerminateDebugSession((session) => {
      const info = (session.configuration as FaasboxDebugConfiguration).faasboxSession;
      if (info) void manager.request(Requests.debugStop, { sessionId: info.sessionId }).catch(() => undefined);
    }),
  );
  registerCommand(context, "faasbox.pickFunction", () => resolveTarget(undefined));
  registerCommand(context, "faasbox.function.debug", async (target, event) => {
    const name = await resolveTarget(target);
    if (!name || !(await startLoudly(manager))) return false;
    const panelEvent = InvokePanel.get(name)?.currentEventText;
    const config: FaasboxDebugConfiguration = {
      type: DEBUG_TYPE, request: "launch", name: `Debug ${name}`, function: name,
      event: event ?? (panelEvent ? JSON.parse(panelEvent) : {}),
    };
    debugProvider.lastNodeAttach = undefined;
    const started = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], config);
    return started || ((await debugProvider.lastNodeAttach) ?? false);
  });
  const credentials = new CredentialStore(context.secrets);
  registerCommand(context, "faasbox.cloud.setCredentials", (target, given) => setCredentials(credentials, target, given));
  registerCommand(context, "faasbox.function.deploy", async (target, options) => {
    const name = await resolveTarget(target);
    if (!name) return undefined;
    try {
      // Loaded on the first deploy: the cloud SDKs are most of the bundle and activation needs none of them.
      const { deployFunction } = await import("./deploy/deployCommand");
      return await deployFunction(root, name, credentials, output, options);
    } catch (error) {
      if (error instanceof vscode.CancellationError) return undefined;
      const kind = (error as { kind?: string }).kind;
      const actions = kind === "credentials" ? ["Set Cloud Credentials", "Show Output"] : ["Show Output"];
      output.appendLine(`deploy of ${name} failed: ${(error as Error).message}`);
      // Not awaited: the command settles now; the buttons act whenever the user clicks.
      void vscode.window.showErrorMessage(`Deploy of ${name} failed: ${(error as Error).message}`, ...actions).then((choice) => {
        if (choice === "Set Cloud Credentials") void vscode.commands.executeCommand("faasbox.cloud.setCredentials");
        if (choice === "Show Output") output.show();
      });
      throw error;
    }
  });
  registerCommand(context, "faasbox.function.showLogs", async (target) => {
    const name = await resolveTarget(target);
    if (name) logs.show(name);
  });
  registerCommand(context, "faasbox.logs.showRequest", async (functionName, requestId) => {
    const document = await vscode.workspace.openTextDocument(RequestLogDocuments.uri(functionName, requestId));
    await vscode.window.showTextDocument(document, { preview: true });
  });
  registerCommand(context, "faasbox.metrics.show", () => vscode.commands.executeCommand("faasbox.metrics.focus"));
  const timerCommand = (action: "fire" | "enable" | "disable") => async (node: TreeNode) => {
    if (node?.kind !== "trigger" || node.trigger.kind !== "timer") return;
    const params = { function: node.function, trigger: node.trigger.name };
    if (action === "fire") await manager.request(Requests.timersFire, params);
    else await manager.request(Requests.timersSetEnabled, { ...params, enabled: action === "enable" });
    await model.refresh();
  };
  registerCommand(context, "faasbox.timer.fire", timerCommand("fire"));
  registerCommand(context, "faasbox.timer.enable", timerCommand("enable"));
  registerCommand(context, "faasbox.timer.disable", timerCommand("disable"));
  registerCommand(context, "faasbox.topic.publish", async (node) => {
    const topics = model.triggers?.topics ?? [];
    const topic = node?.kind === "trigger" && node.trigger.kind === "topic"
      ? node.trigger.topic
      : await vscode.window.showQuickPick(topics, { title: "Publish to which topic or queue?" });
    if (!topic) return;
    const message = await vscode.window.showInputBox({ title: `Publish a message to ${topic}`, value: '{"hello":"faasbox"}', ignoreFocusOut: true });
    if (message === undefined) return;
    const { subscribers } = await manager.request(Requests.topicsPublish, { topic, messages: [message] });
    void vscode.window.showInformationMessage(`Published to ${topic}: ${subscribers} function(s) subscribed.`);
  });

  void model.refresh();
  return { activationMs: performance.now() - started, manager, model, tree, logs };
}

async function startQuietly(manager: DaemonConnection): Promise<void> {
  await manager.ensureStarted().catch(() => undefined); // the status bar and output say why
}

/** Starts (or attaches to) the emulator, telling the user plainly when it cannot. */
async function startLoudly(manager: DaemonConnection): Promise<boolean> {
  try {
    await manager.ensureStarted();
    return true;
  } catch (error) {
    const choice = await vscode.window.showErrorMessage(`Faasbox could not start the emulator: ${(error as Error).message.split("\n")[0]}`, "Show Output", "Run Doctor");
    if (choice === "Show Output") await vscode.commands.executeCommand("faasbox.emulator.showOutput");
    if (choice === "Run Doctor") await vscode.commands.executeCommand("faasbox.emulator.doctor");
    return false;
  }
}

let warnedNotIsolated = false;

/** Docker missing: one warning with ways out, never a loop of error toasts. */
function warnIfNotIsolated(manager: DaemonConnection): void {
  if (warnedNotIsolated || manager.status?.isolated !== false || readSettings().executor === "process") return;
  warnedNotIsolated = true;
  void vscode.window
    .showWarningMessage(
      "Faasbox found no Docker engine: functions run as local processes (not isolated, no memory limit).",
      "Docker Install Guide",
      "Keep Using Processes",
      "Run Doctor",
    )
    .then(async (choice) => {
      if (choice === "Docker Install Guide") await vscode.env.openExternal(vscode.Uri.parse("https://docs.docker.com/engine/install/"));
      if (choice === "Keep Using Processes") await vscode.workspace.getConfiguration("faasbox").update("executor", "process", vscode.ConfigurationTarget.Workspace);
      if (choice === "Run Doctor") await vscode.commands.executeCommand("faasbox.emulator.doctor");
    });
}

/** Settings the emulator reads when it starts: a change applies once it restarts. */
const STARTUP_SETTINGS = ["executor", "images", "httpPort", "invokePort", "keepAliveSeconds", "maxConcurrency"].map((key) => `faasbox.${key}`);

async function offerRestart(change: vscode.ConfigurationChangeEvent, manager: DaemonConnection): Promise<void> {
  if (!manager.isConnected || !STARTUP_SETTINGS.some((key) => change.affectsConfiguration(key))) return;
  const choice = await vscode.window.showInformationMessage("Faasbox settings changed: the running emulator applies them once it restarts.", "Restart Emulator");
  if (choice !== "Restart Emulator") return;
  await manager.stop();
  await vscode.commands.executeCommand("faasbox.emulator.start");
}

async function emulatorActions(manager: DaemonConnection): Promise<void> {
  const running = manager.isConnected;
  const items = [
    running ? { label: "$(debug-stop) Stop the Emulator", command: "faasbox.emulator.stop" } : { label: "$(play) Start the Emulator", command: "faasbox.emulator.start" },
    { label: "$(output) Show Emulator Output", command: "faasbox.emulator.showOutput" },
    { label: "$(pulse) Check Setup (Doctor)", command: "faasbox.emulator.doctor" },
    { label: "$(graph) Show Metrics", command: "faasbox.metrics.show" },
  ];
  if (running) {
    const status = await manager.request(Requests.emulatorStatus).catch(() => undefined);
    if (status?.httpUrl) items.push({ label: `$(globe) Open ${status.httpUrl}`, command: status.httpUrl });
  }
  const choice = await vscode.window.showQuickPick(items, { title: `Faasbox emulator: ${manager.state}` });
  if (!choice) return;
  // The gateway's address opens in the browser; the other items are commands.
  if (/^https?:\/\//.test(choice.command)) await vscode.env.openExternal(vscode.Uri.parse(choice.command));
  else await vscode.commands.executeCommand(choice.command);
}

let activeManager: DaemonConnection | undefined;

/** VS Code waits for this: the emulator this window started is shut down, its containers removed. */
export function deactivate(): Promise<void> | undefined {
  return activeManager?.stop();
}
