import * as vscode from "vscode";
import type { InvokeResult } from "../emulator/protocol/index";
import type { TreeNode } from "./views/functionsTree";
import type { AwsCredentialInput, DeployTarget, ScfCredentialInput } from "../emulator/deploy";
import type { DeployOptions } from "./deploy/deployCommand";

/** A function as commands receive it: its name (CodeLens, API), a tree item, or nothing (palette: pick one). */
export type FunctionTarget = string | TreeNode | undefined;

/**
 * Every command id, declared once with its argument types: a misspelled id or a wrong
 * argument is a compile error wherever the command is registered or executed.
 */
export interface CommandArgs {
  "faasbox.functions.refresh": [];
  "faasbox.emulator.doctor": [];
  "faasbox.emulator.start": [];
  "faasbox.emulator.stop": [];
  "faasbox.emulator.showOutput": [];
  "faasbox.emulator.actions": [];
  "faasbox.function.invoke": [target?: FunctionTarget, event?: unknown];
  "faasbox.function.openInvokePanel": [target?: FunctionTarget];
  "faasbox.function.showLogs": [target?: FunctionTarget];
  "faasbox.function.debug": [target?: FunctionTarget, event?: unknown];
  "faasbox.pickFunction": [];
  "faasbox.function.deploy": [target?: FunctionTarget, options?: DeployOptions];
  "faasbox.cloud.setCredentials": [target?: DeployTarget, credentials?: ScfCredentialInput | AwsCredentialInput];
  "faasbox.logs.showRequest": [functionName: string, requestId: string];
  "faasbox.function.new": [];
  "faasbox.metrics.show": [];
  "faasbox.timer.fire": [node: TreeNode];
  "faasbox.timer.enable": [node: TreeNode];
  "faasbox.timer.disable": [node: TreeNode];
  "faasbox.topic.publish": [node?: TreeNode];
}

export interface CommandResults {
  "faasbox.function.invoke": InvokeResult | undefined;
  "faasbox.function.debug": boolean;
}

export type CommandId = keyof CommandArgs;

export function registerCommand<K extends CommandId>(
  context: vscode.ExtensionContext,
  id: K,
  handler: (...args: CommandArgs[K]) => unknown,
): void {
  context.subscriptions.push(vscode.commands.registerCommand(id, handler as (...args: unknown[]) => unknown));
}

export function executeCommand<K extends CommandId>(id: K, ...args: CommandArgs[K]): Thenable<K extends keyof CommandResults ? CommandResults[K] : unknown> {
  return vscode.commands.executeCommand(id, ...args);
}
