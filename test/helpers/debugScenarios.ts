import assert from "node:assert/strict";
import type { Engine } from "../../emulator/core/engine";
import type { DebugSessionInfo } from "../../emulator/protocol";
import { CdpClient } from "./cdpClient";

/**
 * A debugged Node function that exits mid-invocation ("node-exit" of the runtime fixture):
 * the crash is reported as an exit and the session ends. The same in every network mode.
 */
export async function debugSessionEndsOnCrash(emulator: Engine): Promise<DebugSessionInfo> {
  const session = await emulator.debugSessions.start(emulator.getFunction("node-exit"), "test");
  const cdp = await CdpClient.connect(session.port);
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
