import * as assert from "node:assert/strict";
import { join } from "node:path";
import * as vscode from "vscode";
import type { FaasboxApi } from "../../../extension/extension";
import { signalDriver } from "./driverSignal";
import { waitFor } from "./waitFor";

interface Stop {
  session: vscode.DebugSession;
  threadId: number;
}

describe("debugging in the editor", () => {
  let api: FaasboxApi;
  before(async () => {
    api = await vscode.extensions.getExtension<FaasboxApi>("faasbox.faasbox")!.activate();
  });

  /**
   * Sets a breakpoint, debugs the function from the command a user clicks, and checks the
   * stop is in the workspace file (the path mapping), then continues to the result.
   */
  async function debugToBreakpoint(fn: string, relativeFile: string, line: number, onPaused?: () => Promise<void>): Promise<void> {
    const root = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const file = vscode.Uri.file(join(root, relativeFile));
    const breakpoint = new vscode.SourceBreakpoint(new vscode.Location(file, new vscode.Position(line - 1, 0)));
    vscode.debug.addBreakpoints([breakpoint]);
    await vscode.window.showTextDocument(file);

    let stopped: Stop | undefined;
    const tracker = vscode.debug.registerDebugAdapterTrackerFactory("*", {
      createDebugAdapterTracker: (session) => ({
        onDidSendMessage: (message: { type: string; event?: string; body?: { threadId: number; reason: string } }) => {
          if (message.type === "event" && message.event === "stopped" && message.body?.reason !== "entry") stopped ??= { session, threadId: message.body!.threadId };
        },
      }),
    });
    try {
      const started = await vscode.commands.executeCommand("faasbox.function.debug", fn, { queryStringParameters: { name: "Debugger" } });
      assert.equal(started, true);
      await waitFor(() => stopped !== undefined, `the debugger to stop at the breakpoint in ${fn}`, 60_000);
      const { stackFrames } = await stopped!.session.customRequest("stackTrace", { threadId: stopped!.threadId });
      // In code-server the client sees the workspace file as a vscode-remote: URI.
      const framePath = String(stackFrames[0].source.path).replace(/^vscode-remote:\/\/[^/]+/, "");
      assert.equal(framePath, file.fsPath, "the frame is the workspace file (path mapping)");
      assert.equal(stackFrames[0].line, line);
      await onPaused?.();
      await stopped!.session.customRequest("continue", { threadId: stopped!.threadId });
      await waitFor(() => api.logs!.recentLines(fn).some((r) => r.text.includes(`${fn} greets Debugger`)), `${fn}'s handler to finish`);
      await waitFor(() => api.model!.historyOf(fn).some((h) => h.ok && h.durationMs > 0), `${fn}'s result`);
    } finally {
      tracker.dispose();
      vscode.debug.removeBreakpoints([breakpoint]);
      await vscode.debug.stopDebugging();
    }
  }

  it("stops at a breakpoint in a Node handler running in a container, then continues to the result", async () => {
    await debugToBreakpoint("HelloNode", join("sam", "node", "app.js"), 3, () => signalDriver("paused")); // console.log(…); screenshot
  });

  it("stops at a breakpoint in a Python handler (VS Code speaking DAP to debugpy in the container), then continues", async () => {
    await debugToBreakpoint("HelloPython", join("sam", "python", "app.py"), 9); // print(…)
  });
});
