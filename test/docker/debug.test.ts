// Breakpoints in functions running in containers, through the real debug protocols:
// Chrome DevTools Protocol (Node's inspector) and the Debug Adapter Protocol (debugpy).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import WebSocket from "ws";
import type { Engine } from "../../emulator/core/engine";
import { CdpClient } from "../helpers/cdpClient";
import type { FunctionSpec } from "../../emulator/project/spec";
import { lendableDebugpy, leftoverContainers, pythonImageWithoutDebugpy, requireDocker } from "../helpers/docker";
import { debugPythonAtBreakpoint, debugSessionEndsOnCrash } from "../helpers/debugScenarios";
import { startEmulator } from "../helpers/emulator";

describe("debugging (docker executor)", () => {
  let emulator: Engine;
  before(async () => {
    await requireDocker();
    emulator = await startEmulator("runtime", { executor: "docker" });
  });
  after(() => emulator?.shutdown());

  test("Node: a CDP client stops at breakpoints in module scope and in the handler, then the invoke completes", async () => {
    const session = await emulator.debugSessions.start(emulator.getFunction("node-cjs"), "test");
    assert.equal(session.protocol, "node");
    assert.equal(session.remoteRoot, "/var/task");
    const cdp = await CdpClient.connect(session);
    try {
      await cdp.send("Runtime.enable");
      await cdp.send("Debugger.enable");
      await cdp.send("Debugger.setBreakpointByUrl", { urlRegex: "cjs\\.js$", lineNumber: 3 }); // exports.handler = … (module scope)
      await cdp.send("Debugger.setBreakpointByUrl", { urlRegex: "cjs\\.js$", lineNumber: 4 }); // first line of the handler
      await cdp.send("Runtime.runIfWaitingForDebugger");
      const start = await cdp.next("Debugger.paused");
      assert.equal(start.reason, "Break on start", "the inspector breaks before any user code runs");
      await cdp.send("Debugger.resume");
      const moduleScope = await cdp.next("Debugger.paused");
      assert.deepEqual(cdp.where(moduleScope.callFrames[0]), { url: "file:///var/task/cjs.js", line: 3 });
      await cdp.send("Debugger.resume");

      const invoked = emulator.invoke("node-cjs", { debug: "me" });
      const inHandler = await cdp.next("Debugger.paused");
      assert.deepEqual(cdp.where(inHandler.callFrames[0]), { url: "file:///var/task/cjs.js", line: 4 });
      await cdp.send("Debugger.resume");
      const result = await invoked;
      assert.equal(result.ok, true, JSON.stringify(result.error));
      assert.deepEqual((result.result as any).event, { debug: "me" });

      // The debug instance serves the next invocations too, while the session lasts.
      const again = emulator.invoke("node-cjs", { n: 2 });
      await cdp.next("Debugger.paused");
      await cdp.send("Debugger.resume");
      assert.equal((await again).instanceId, result.instanceId);
    } finally {
      cdp.close();
      await emulator.debugSessions.stop(session.sessionId);
    }
    const after = await emulator.invoke("node-cjs", {});
    assert.equal(after.ok, true, "after the session, invocations run on the pool again");
  });

  test("Node: the inspector's address goes to the session's client only: nothing listed over HTTP, a guessed one refused, the log masks it", async () => {
    const lines: string[] = [];
    const unsubscribe = emulator.logBus.subscribe((record) => record.function === "node-cjs" && lines.push(record.text));
    const session = await emulator.debugSessions.start(emulator.getFunction("node-cjs"), "test");
    try {
      assert.match(session.webSocketPath ?? "", /^\/[0-9a-f-]{36}$/);
      // What a local process (another user's, a page's helper) learns by asking the port: no target.
      const listed = await fetch(`http://127.0.0.1:${session.port}/json/list`);
      assert.equal(listed.status, 404, "the inspector lists no target over HTTP");
      assert.equal(await listed.text(), "");
      const guessed = new WebSocket(`ws://127.0.0.1:${session.port}/${randomUUID()}`);
      const outcome = await new Promise<string>((resolve) => {
        guessed.once("open", () => resolve("open"));
        guessed.once("unexpected-response", (_request, response) => resolve(`HTTP ${response.statusCode}`));
        guessed.once("error", (error) => resolve(error.message));
      });
      guessed.terminate();
      assert.notEqual(outcome, "open", "a guessed address is refused");
      const listening = lines.find((line) => line.startsWith("Debugger listening on ws://"));
      assert.ok(listening, `the function's log says the debugger listens: ${JSON.stringify(lines)}`);
      assert.doesNotMatch(listening, /[0-9a-f]{8}-[0-9a-f]{4}-/, "without the address's secret path");
      // The client that started the session gets in.
      const cdp = await CdpClient.connect(session);
      await cdp.send("Runtime.runIfWaitingForDebugger");
      cdp.close();
    } finally {
      unsubscribe();
      await emulator.debugSessions.stop(session.sessionId);
    }
  });

  /** Attaches a DAP client, stops at app.py:7 in an invocation, continues, and checks the result. */
  async function debugPythonOnce(spec: FunctionSpec, debugpyPath?: string): Promise<void> {
    await debugPythonAtBreakpoint(emulator, spec, "py", debugpyPath);
  }

  test("Python: a DAP client (debugpy) stops at a breakpoint mapped to the workspace file, then the invoke completes", async () => {
    await debugPythonOnce(emulator.getFunction("python-aws"));
  });

  test("Python in an image without debugpy: refused with what to do, and debugged with a lent debugpy folder", async () => {
    const spec = { ...emulator.getFunction("python-aws"), image: await pythonImageWithoutDebugpy(await requireDocker()) };
    await assert.rejects(
      emulator.debugSessions.start(spec, "test"),
      /debugpy is not installed in this runtime image.*ms-python\.debugpy.*faasbox\.python\.debugpyPath/,
    );
    await assert.rejects(
      emulator.debugSessions.start(spec, "test", { debugpyPath: spec.codeDir }),
      (error: Error) => error.message.includes(`debugpyPath ${spec.codeDir} holds no debugpy package`),
    );
    await debugPythonOnce(spec, lendableDebugpy());
    // The lent folder is for debug instances only: the pool's instances run the image as it is.
    assert.equal((await emulator.invoke("python-aws", {})).ok, true);
  });

  test("debugging a custom runtime is refused with the reason", async () => {
    await assert.rejects(emulator.debugSessions.start(emulator.getFunction("custom-aws"), "test"), /custom runtime: Faasbox can debug Node\.js, Python and Java functions/);
  });

  test("a function that crashes while debugged reports the crash, and the session ends", async () => {
    await debugSessionEndsOnCrash(emulator);
  });
});

describe("debugging (process executor)", () => {
  test("Node: the inspector of a local process stops at the handler's breakpoint", async () => {
    const emulator = await startEmulator("runtime", { executor: "process" });
    try {
      const session = await emulator.debugSessions.start(emulator.getFunction("node-callback"), "test");
      assert.equal(session.remoteRoot, session.localRoot, "no container: the code is where it is");
      const cdp = await CdpClient.connect(session);
      try {
        await cdp.send("Debugger.enable");
        await cdp.send("Debugger.setBreakpointByUrl", { urlRegex: "callback\\.js$", lineNumber: 1 });
        await cdp.send("Runtime.runIfWaitingForDebugger");
        await cdp.next("Debugger.paused"); // break on start
        await cdp.send("Debugger.resume");
        const invoked = emulator.invoke("node-callback", { p: 1 });
        const paused = await cdp.next("Debugger.paused");
        assert.match(cdp.where(paused.callFrames[0]).url, /\/node\/callback\.js$/);
        await cdp.send("Debugger.resume");
        assert.deepEqual((await invoked).result, { style: "callback", echo: { p: 1 } });
      } finally {
        cdp.close();
      }
    } finally {
      await emulator.shutdown();
    }
  });
});

test("no container is left once the emulators have shut down", async () => {
  assert.deepEqual((await leftoverContainers(await requireDocker())).map((c) => c.Names), []);
});
