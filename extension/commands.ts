// Registering, executing and linking commands through the one typed list in
// commandIds.ts: no command id is a bare string anywhere else in the extension.
import * as vscode from "vscode";
import type { CommandArgs, CommandId, CommandResults } from "./commandIds";

export type { CommandArgs, CommandId, FunctionTarget } from "./commandIds";

/**
 * Commands VS Code itself provides that the extension calls: `faasbox.metrics.focus` is
 * the one VS Code makes for the contributed Metrics view.
 */
interface BuiltinCommandArgs {
  "vscode.open": [uri: vscode.Uri, options?: vscode.TextDocumentShowOptions];
  "faasbox.metrics.focus": [];
}

type AnyCommandArgs = CommandArgs & BuiltinCommandArgs;
type AnyCommandId = keyof AnyCommandArgs;
type ResultOf<K> = K extends keyof CommandResults ? CommandResults[K] : unknown;

export type CommandHandler<K extends CommandId> = (...args: CommandArgs[K]) => ResultOf<K> | Thenable<ResultOf<K>>;
/** A handler for each of `ids`; given for all of them at once, none can be forgotten. */
export type CommandHandlers<K extends CommandId = CommandId> = { [Id in K]: CommandHandler<Id> };

export function registerCommands<K extends CommandId>(context: vscode.ExtensionContext, handlers: CommandHandlers<K>): void {
  for (const [id, handler] of Object.entries(handlers) as [K, (...args: unknown[]) => unknown][]) {
    context.subscriptions.push(vscode.commands.registerCommand(id, handler));
  }
}

export function executeCommand<K extends AnyCommandId>(id: K, ...args: AnyCommandArgs[K]): Thenable<ResultOf<K>> {
  return vscode.commands.executeCommand<ResultOf<K>>(id, ...args);
}

/** A command for a tree item, CodeLens or status bar item, with its arguments checked. */
export function commandLink<K extends AnyCommandId>(title: string, id: K, ...args: AnyCommandArgs[K]): vscode.Command {
  return { title, command: id, arguments: args };
}
