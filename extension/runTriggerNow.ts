import * as vscode from "vscode";
import { Requests } from "../emulator/protocol";
import { triggerLabel } from "../emulator/triggers/events/triggerSample";
import type { TriggerRunOutcome } from "./commandIds";
import { executeCommand } from "./commands";
import type { DaemonConnection } from "./daemon/daemonConnection";
import { startLoudly } from "./emulatorUi";
import { nextInvocation } from "./invocations/nextInvocation";
import type { FunctionsModel } from "./model/functionsModel";
import type { TreeNode } from "./views/treeNode";

type TriggerNode = Extract<TreeNode, { kind: "trigger" }>;

/** Time for a cold start beside the function's own timeout, before Run now stops waiting for the report. */
const START_ALLOWANCE_MS = 120_000;

async function pickTrigger(model: FunctionsModel): Promise<TriggerNode | undefined> {
  const items = model.functions.flatMap((fn) => fn.triggers.map((trigger, index) => ({
    label: triggerLabel(trigger), description: fn.name, node: { kind: "trigger", function: fn.name, trigger, index } as TriggerNode,
  })));
  const picked = await vscode.window.showQuickPick(items, { title: "Run which trigger now?" });
  return picked?.node;
}

/**
 * "Run now" on a trigger (the tree's item, the handler's CodeLens): the emulator sends a sample
 * through the trigger itself, then the invocation it causes is reported as every other one is
 * (in the tree's history, its logs one click away) and is this command's answer.
 */
export async function runTriggerNow(manager: DaemonConnection, model: FunctionsModel, given: TreeNode | undefined): Promise<TriggerRunOutcome | undefined> {
  const node = given?.kind === "trigger" ? given : await pickTrigger(model);
  if (!node || !(await startLoudly(manager))) return undefined;
  const label = `${triggerLabel(node.trigger)} of ${node.function}`;
  const timeoutMs = (model.get(node.function)?.timeoutSec ?? 60) * 1000 + START_ALLOWANCE_MS;
  const next = nextInvocation(manager, node.function, timeoutMs);
  let run;
  try {
    run = await manager.request(Requests.triggersRun, { function: node.function, trigger: node.index });
  } catch (error) {
    next.cancel();
    void vscode.window.showErrorMessage(`Run now: ${label} failed: ${(error as Error).message}`);
    throw error;
  }
  const invocation = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Run now: ${run.sent}, waiting for ${node.function}…` },
    () => next.finished,
  );
  if (!invocation) {
    void vscode.window.showWarningMessage(`Run now: ${run.sent}, but no invocation of ${node.function} was reported (a filter may have dropped it).`);
    return { ...run };
  }
  const outcome = invocation.ok ? `ran in ${invocation.durationMs.toFixed(1)} ms` : `failed: ${invocation.errorMessage ?? invocation.errorKind ?? "error"}`;
  const answered = run.status !== undefined ? ` · HTTP ${run.status}` : "";
  const message = `Run now: ${label} ${outcome}${answered}`;
  const show = invocation.ok ? vscode.window.showInformationMessage : vscode.window.showErrorMessage;
  void show(message, "Show Logs").then((choice) => {
    if (choice === "Show Logs") void executeCommand("faasbox.logs.showRequest", invocation.function, invocation.requestId);
  });
  return { ...run, invocation };
}
