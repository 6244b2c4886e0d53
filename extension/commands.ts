import * as vscode from "vscode";

/**
 * Every command id, declared once with its argument types: a misspelled id or a wrong
 * argument is a compile error wherever the command is registered or executed.
 */
export interface CommandArgs {
  "faasbox.functions.refresh": [];
  "faasbox.emulator.doctor": [];
}

export type CommandId = keyof CommandArgs;

export function registerCommand<K extends CommandId>(
  context: vscode.ExtensionContext,
  id: K,
  handler: (...args: CommandArgs[K]) => unknown,
): void {
  context.subscriptions.push(vscode.commands.registerCommand(id, handler as (...args: unknown[]) => unknown));
}

export function executeCommand<K extends CommandId>(id: K, ...args: CommandArgs[K]): Thenable<unknown> {
  return vscode.commands.executeCommand(id, ...args);
}
