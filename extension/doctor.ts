import { execFile } from "node:child_process";
import * as vscode from "vscode";

/**
 * Runs the bundled CLI's `doctor` with VS Code's own Node (ELECTRON_RUN_AS_NODE), so the
 * editor and the terminal give the same diagnosis.
 */
export function runDoctor(context: vscode.ExtensionContext, output: vscode.OutputChannel): Promise<number> {
  const cli = vscode.Uri.joinPath(context.extensionUri, "dist", "cli.js").fsPath;
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, "doctor"], { env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" } }, (error, stdout, stderr) => {
      output.append(stdout + stderr);
      output.show(true);
      resolve(error ? (typeof error.code === "number" ? error.code : 1) : 0);
    });
  });
}
