import * as vscode from "vscode";
import { registerCommand } from "./commands";
import { runDoctor } from "./doctor";
import { registerFunctionsTree } from "./functionsTree";

export interface FaasboxApi {
  /** Milliseconds spent in activate(), measured by the extension itself. */
  activationMs: number;
}

export function activate(context: vscode.ExtensionContext): FaasboxApi {
  const started = performance.now();
  const output = vscode.window.createOutputChannel("Faasbox");
  context.subscriptions.push(output);

  const tree = registerFunctionsTree(context);
  registerCommand(context, "faasbox.functions.refresh", () => tree.refresh());
  registerCommand(context, "faasbox.emulator.doctor", () => runDoctor(context, output));

  return { activationMs: performance.now() - started };
}

export function deactivate(): void {}
