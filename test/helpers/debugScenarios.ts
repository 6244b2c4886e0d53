import assert from "node:assert/strict";
import { join } from "node:path";
import type { Engine } from "../../emulator/core/engine";
import type { DebugSessionInfo } from "../../emulator/protocol";
import type { FunctionSpec } from "../../emulator/project/spec";
import { CdpClient } from "./cdpClient";
import { DapClient } from "./dapClient";

/**
 * A debugged Node function that exits mid-invocation ("node-exit" of the runtime fixture):
 * the crash is reported as an exit and the session ends. The same in every network mode.
 */
export async function debugSessionEndsOnCrash(emulator: Engine): Promise<DebugSessionInfo> {
  const session = await emulator.debugSessions.start(emulator.getFunction("node-exit"), "test");
  const cdp = await CdpClient.connect(session);
  try {
    await cdp.send("Debugger.enable");
    await cdp.send("Runtime.runIfWaitingForDebugger");
    await cdp.next("Debugger.paused");
    await cdp.send("Debugger.resume");
    const result = await emulator.invoke("node-exit", {});
    assert.equal(result.errorKind, "exit");
    assert.match(result.error!.errorMessage, /exit status 3/);
    assert.equal(emulator.debugSessions.list().some((s) => s.sessionId === session.sessionId), false);
  } finally {
    cdp.close();
  }
  return session;
}

/**
 * A DAP client (as VS Code speaks to debugpy) attaches with the path mapping, stops at app.py:7
 * of an invocation with `{ debug: marker }`, reads `event['debug']` there, continues, and the
 * invocation completes with its event. Returns the ended session.
 */
export async function debugPythonAtBreakpoint(emulator: Engine, spec: FunctionSpec, marker: string, debugpyPath?: string): Promise<DebugSessionInfo> {
  const session = await emulator.debugSessions.start(spec, "test", { debugpyPath });
  assert.equal(session.protocol, "python");
  const dap = await DapClient.connect(session.port);
  const file = join(spec.codeDir, "app.py");
  try {
    await dap.request("initialize", { adapterID: "faasbox", pathFormat: "path", linesStartAt1: true, columnsStartAt1: true });
    // As the editor attaches (extension/debug/debugProvider.ts): Faasbox's shim excluded.
    const attached = dap.request("attach", { pathMappings: [{ localRoot: session.localRoot, remoteRoot: session.remoteRoot }], justMyCode: true, rules: [{ path: "/opt/faasbox", include: false }] });
    await dap.next("initialized");
    const { breakpoints } = await dap.request("setBreakpoints", { source: { path: file }, breakpoints: [{ line: 7 }] });
    assert.equal(breakpoints[0].line, 7);
    await dap.request("configurationDone");
    await attached;

    const invoked = emulator.invoke(spec.name, { debug: marker });
    const stopped = await dap.next("stopped");
    assert.equal(stopped.reason, "breakpoint");
    const { stackFrames } = await dap.request("stackTrace", { threadId: stopped.threadId });
    assert.equal(stackFrames[0].source.path, file, "the frame is the workspace file, not the container path");
    assert.equal(stackFrames[0].line, 7);
    const shown = (stackFrames as { source?: { path?: string } }[]).map((f) => f.source?.path ?? "");
    assert.deepEqual(shown.filter((path) => !path.startsWith(spec.codeDir)), [], "no frame of Faasbox's shim");
    const { threads } = await dap.request("threads", {});
    assert.deepEqual((threads as { name: string }[]).map((t) => t.name), [spec.name], "one thread, named after the function");
    const evaluated = await dap.request("evaluate", { expression: "event['debug']", frameId: stackFrames[0].id, context: "repl" });
    assert.equal(evaluated.result, `'${marker}'`);
    await dap.request("continue", { threadId: stopped.threadId });
    const result = await invoked;
    assert.equal(result.ok, true, JSON.stringify(result.error));
    assert.deepEqual((result.result as { event: unknown }).event, { debug: marker });
  } finally {
    dap.close();
    await emulator.debugSessions.stop(session.sessionId);
  }
  return session;
}
