import * as assert from "node:assert/strict";
import { join } from "node:path";
import * as vscode from "vscode";
import { saveLaunchConfiguration } from "../../../extension/debug/launchConfiguration";
import { waitFor } from "./waitFor";

/** The function a debug session debugs: the `faasbox` session itself (Python) or the Node attach it started. */
function functionOf(session: vscode.DebugSession): string | undefined {
  const config = session.configuration as { function?: string; faasboxSession?: { function: string } };
  return config.faasboxSession?.function ?? config.function;
}

/** Runs `start`, then waits for a debug session of `fn` and ends it. */
async function expectSessionOf(fn: string, start: () => Thenable<unknown>): Promise<void> {
  let started: vscode.DebugSession | undefined;
  const listener = vscode.debug.onDidStartDebugSession((session) => {
    if (functionOf(session) === fn) started ??= session;
  });
  try {
    await start();
    await waitFor(() => started !== undefined, `a debug session of ${fn}`, 60_000);
  } finally {
    listener.dispose();
    await vscode.debug.stopDebugging();
  }
}

describe("F5 and launch configurations", () => {
  const folder = () => vscode.workspace.workspaceFolders![0];

  it("F5 with no launch.json debugs the function whose handler is open, without asking", async () => {
    await vscode.extensions.getExtension("faasbox.faasbox")!.activate();
    const file = vscode.Uri.file(join(folder().uri.fsPath, "sam", "python", "app.py"));
    await vscode.window.showTextDocument(file);
    // What F5 runs: VS Code picks the debugger for the open file's language and asks ours to resolve an empty configuration.
    await expectSessionOf("HelloPython", () => vscode.commands.executeCommand("workbench.action.debug.start"));
  });

  it("a saved launch configuration starts the same session, by its name", async () => {
    const launch = () => vscode.workspace.getConfiguration("launch", folder().uri);
    const saved = await saveLaunchConfiguration(folder(), "HelloNode", { queryStringParameters: { name: "Saved" } });
    try {
      const inFile = launch().get<vscode.DebugConfiguration[]>("configurations") ?? [];
      assert.deepEqual(inFile.find((c) => c.name === saved.name), {
        type: "faasbox", request: "launch", name: "Faasbox: Debug HelloNode", function: "HelloNode", event: { queryStringParameters: { name: "Saved" } },
      });
      await expectSessionOf("HelloNode", () => vscode.debug.startDebugging(folder(), saved.name));
    } finally {
      // The other tests (and the driver's F5) run with no launch.json.
      await launch().update("configurations", undefined, vscode.ConfigurationTarget.WorkspaceFolder);
      await launch().update("version", undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    }
  });
});
