// The handlers of the commands that act on the workspace folder's functions, one for each
// id commandIds.ts marks `needsFolder` (the type makes a missing one a compile error).
import * as vscode from "vscode";
import { defaultTarget } from "../emulator/deploy/defaultTarget";
import { Requests, type InvokeResult } from "../emulator/protocol";
import type { FolderCommandId } from "./commandIds";
import { executeCommand, type CommandHandlers, type FunctionTarget } from "./commands";
import type { DaemonConnection } from "./daemon/daemonConnection";
import { DEBUG_TYPE, type FaasboxDebugConfiguration, type FaasboxDebugConfigurationProvider } from "./debug/debugProvider";
import { setCredentials, type CredentialStore } from "./deploy/credentials";
import { emulatorActions, startLoudly } from "./emulatorUi";
import type { InvocationService } from "./invocations/invocationService";
import type { FunctionsModel } from "./model/functionsModel";
import { runTriggerNow } from "./runTriggerNow";
import type { TreeNode } from "./views/treeNode";
import { RequestLogDocuments, type LogChannels } from "./views/logChannels";
import { InvokePanel, type InvokePanelDeps } from "./webviews/invokePanel";
import { parseOr } from "./util/parseOr";

export interface FolderServices {
  root: string;
  output: vscode.OutputChannel;
  manager: DaemonConnection;
  model: FunctionsModel;
  logs: LogChannels;
  invocations: InvocationService;
  panelDeps: InvokePanelDeps;
  debugProvider: FaasboxDebugConfigurationProvider;
  credentials: CredentialStore;
}

/** The function a target names, if it names one. */
function nameOf(target: FunctionTarget): string | undefined {
  if (typeof target === "string") return target;
  if (target && "name" in target) return target.name;
  if (target && "function" in target) return target.function;
  return undefined;
}

export function folderCommands(services: FolderServices): CommandHandlers<FolderCommandId> {
  const { root, output, manager, model, logs, invocations, panelDeps, debugProvider, credentials } = services;

  /** The function a command is about: its argument, or one the user picks. */
  const resolveTarget = async (target: FunctionTarget): Promise<string | undefined> => {
    const named = nameOf(target);
    if (named !== undefined) return named;
    if (model.functions.length === 0) await model.refresh();
    const picked = await vscode.window.showQuickPick(
      model.functions.map((f) => ({ label: f.name, description: `${f.runtime} · ${f.handler}` })),
      { title: "Which function?" },
    );
    return picked?.label;
  };

  const timerCommand = (action: "fire" | "enable" | "disable") => async (node: TreeNode) => {
    if (node?.kind !== "trigger" || node.trigger.kind !== "timer") return;
    const params = { function: node.function, trigger: node.trigger.name };
    if (action === "fire") await manager.request(Requests.timersFire, params);
    else await manager.request(Requests.timersSetEnabled, { ...params, enabled: action === "enable" });
    await model.refresh();
  };

  return {
    "faasbox.functions.refresh": () => model.refresh(),
    "faasbox.emulator.start": () => startLoudly(manager),
    "faasbox.emulator.stop": () => manager.stop(),
    "faasbox.emulator.showOutput": () => output.show(),
    "faasbox.emulator.actions": () => emulatorActions(manager),
    "faasbox.function.openInvokePanel": async (target) => {
      const name = await resolveTarget(target);
      if (name) InvokePanel.show(panelDeps, name);
    },
    // The panel is shown for the user, but the invocation runs in the service and the
    // result is this command's answer, whether or not the panel has loaded yet. Without an
    // event given it runs with the one last used (the panel's, else the remembered one); a
    // function never invoked is not run with `{}`: the panel opens on its trigger's event
    // for the user to edit and invoke.
    "faasbox.function.invoke": async (target, event): Promise<InvokeResult | undefined> => {
      const name = await resolveTarget(target);
      if (!name || !(await startLoudly(manager))) return undefined;
      const neverRun = !InvokePanel.get(name) && panelDeps.lastEvents.get(name) === undefined;
      const panel = InvokePanel.show(panelDeps, name);
      if (event !== undefined) return invocations.invoke(name, event);
      if (neverRun) return undefined;
      const text = await panel.eventTextToRun();
      return invocations.invoke(name, parseOr(text, {}), text);
    },
    "faasbox.pickFunction": () => resolveTarget(undefined),
    "faasbox.function.debug": async (target, event) => {
      const name = await resolveTarget(target);
      if (!name || !(await startLoudly(manager))) return false;
      const config: FaasboxDebugConfiguration = {
        type: DEBUG_TYPE, request: "launch", name: `Debug ${name}`, function: name,
        // Undefined: the session takes the panel's event (the last used, else the trigger's).
        event: event ?? InvokePanel.get(name)?.currentEvent,
      };
      debugProvider.lastNodeAttach = undefined;
      const started = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], config);
      return started || ((await debugProvider.lastNodeAttach) ?? false);
    },
    "faasbox.cloud.setCredentials": (target, given) => {
      if (target === "scf" || target === "lambda" || target === undefined) return setCredentials(credentials, target, given);
      // A function (tree item, CodeLens): its cloud, as its deploy would go.
      const fn = model.get(nameOf(target) ?? "");
      return setCredentials(credentials, fn ? defaultTarget(fn) : undefined, given);
    },
    "faasbox.function.deploy": async (target, options) => {
      const name = await resolveTarget(target);
      if (!name) return undefined;
      // Loaded on the first deploy: the cloud SDKs are most of the bundle and activation needs none of them.
      const { deployFunction } = await import("./deploy/deployCommand");
      // Never throws: it tells the user once and answers with the failure.
      return deployFunction(root, name, credentials, output, options);
    },
    "faasbox.function.showLogs": async (target) => {
      const name = await resolveTarget(target);
      if (name) logs.show(name);
    },
    "faasbox.logs.showRequest": async (functionName, requestId) => {
      const document = await vscode.workspace.openTextDocument(RequestLogDocuments.uri(functionName, requestId));
      await vscode.window.showTextDocument(document, { preview: true });
    },
    "faasbox.logs.showAll": () => logs.showAll(),
    "faasbox.metrics.show": () => executeCommand("faasbox.metrics.focus"),
    "faasbox.timer.fire": timerCommand("fire"),
    "faasbox.timer.enable": timerCommand("enable"),
    "faasbox.timer.disable": timerCommand("disable"),
    "faasbox.trigger.run": (node) => runTriggerNow(manager, model, node),
    // Run now on a trigger a database feeds sends it a sample change (runTrigger.ts); only the name differs.
    "faasbox.database.fireSample": (node) => runTriggerNow(manager, model, node),
    "faasbox.functionUrl.copy": async (node) => {
      const name = node?.kind === "trigger" ? node.function : undefined;
      const url = model.triggers?.urls?.find((u) => u.function === name)?.url;
      if (!url) return void vscode.window.showWarningMessage("Faasbox: this function URL is not served yet; start the emulator first.");
      await vscode.env.clipboard.writeText(url);
      void vscode.window.showInformationMessage(`Copied ${url}`);
    },
    "faasbox.topic.publish": async (node) => {
      const topics = model.triggers?.topics ?? [];
      const topic = node?.kind === "trigger" && node.trigger.kind === "topic"
        ? node.trigger.topic
        : await vscode.window.showQuickPick(topics, { title: "Publish to which topic or queue?" });
      if (!topic) return;
      const message = await vscode.window.showInputBox({ title: `Publish a message to ${topic}`, value: '{"hello":"faasbox"}', ignoreFocusOut: true });
      if (message === undefined) return;
      const { subscribers } = await manager.request(Requests.topicsPublish, { topic, messages: [message] });
      void vscode.window.showInformationMessage(`Published to ${topic}: ${subscribers} function(s) subscribed.`);
    },
  };
}
