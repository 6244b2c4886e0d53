import * as assert from "node:assert/strict";
import { join } from "node:path";
import * as vscode from "vscode";
import type { FaasboxApi } from "../../../extension/extension";
import { signalDriver } from "./driverSignal";
import { waitFor } from "./waitFor";

describe("debugging in the editor", () => {
  let api: FaasboxApi;
  before(async () => {
    api = await vscode.extensions.getExtension<FaasboxApi>("faasbox.faasbox")!.activate();
  });

  it("stops at a breakpoint in a Node handler running in a container, then continues to the result", async () => {
    const root = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const file = vscode.Uri.file(join(root, "sam", "node", "app.js"));
    const breakpoint = new vscode.SourceBreakpoint(new vscode.Location(file, new vscode.Position(2, 0))); // console.log(…)
    vscode.debug.addBreakpoints([breakpoint]);
    await vscode.window.showTextDocument(file);

    let stopped: { session: vscode.DebugSession; threadId: number } | undefined;
    const tracker = vscode.debug.registerDebugAdapterTrackerFactory("*", {
      createDebugAdapterTracker: (session) => ({
        onDidSendMessage: (message: { type: string; event?: string; body?: { threadId: number; reason: string } }) => {
          if (message.type === "event" && message.event === "stopped" && message.body?.reason !== "entry") stopped ??= { session, threadId: message.body!.threadId };
        },
      }),
    });
    try {
      const started = await vscode.commands.executeCommand("faasbox.function.debug", "HelloNode", { queryStringParameters: { name: "Debugger" } });
      assert.equal(started, true);
      await waitFor(() => stopped !== undefined, "the debugger to stop at the breakpoint", 60_000);
      const { stackFrames } = await stopped!.session.customRequest("stackTrace", { threadId: stopped!.threadId });
      // In code-server the client sees the workspace file as a vscode-remote: URI.
      const framePath = String(stackFrames[0].source.path).replace(/^vscode-remote:\/\/[^/]+/, "");
      assert.equal(framePath, file.fsPath, "the frame is the workspace file (path mapping)");
      assert.equal(stackFrames[0].line, 3);
      await signalDriver("paused"); // screenshot of the paused editor
      await stopped!.session.customRequest("continue", { threadId: stopped!.threadId });
      await waitFor(() => api.logs!.recentLines("HelloNode").some((r) => r.text.startsWith("HelloNode greets Debugger")), "the handler to finish");
      await waitFor(() => api.model!.historyOf("HelloNode").some((h) => h.ok && h.durationMs > 0), "the invocation's result");
    } finally {
      tracker.dispose();
      vscode.debug.removeBreakpoints([breakpoint]);
      await vscode.debug.stopDebugging();
    }
  });
});
