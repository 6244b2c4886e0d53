// Breakpoints in instances under the in-container agent (FAASBOX_DOCKER_NETWORK=none): the
// debugger listens on the container's own 127.0.0.1, and the emulator forwards a port on the
// host's loopback to it over the agent's channel. The same CDP and DAP clients as debug.test.ts
// attach to the session's host and port, as the editor does.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { connect } from "node:net";
import type { Engine } from "../../emulator/core/engine";
import { CdpClient } from "../helpers/cdpClient";
import { LABELS } from "../../emulator/core/docker/labels";
import { faasboxContainers, leftoverContainers, requireDocker } from "../helpers/docker";
import { debugPythonAtBreakpoint, debugSessionEndsOnCrash } from "../helpers/debugScenarios";
import { startAgentEmulator } from "../helpers/agent";

/** Resolves true when something accepts a connection on 127.0.0.1:port, false when refused. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Runs a command as `uid` (and the same gid) and collects its output. */
function runAs(uid: number, command: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { uid, gid: uid, timeout: 10_000 });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

describe("debugging through the agent (docker executor, FAASBOX_DOCKER_NETWORK=none)", () => {
  let emulator: Engine;

  before(async () => {
    await requireDocker();
    emulator = await startAgentEmulator("runtime");
    assert.equal(emulator.executor.agent, true);
  });
  after(() => emulator?.shutdown());

  test("Node: a CDP client on the forwarded port stops at the handler's breakpoint, evaluates, and the invoke completes", async (t) => {
    const startedAt = performance.now();
    const session = await emulator.debugSessions.start(emulator.getFunction("node-cjs"), "test");
    assert.equal(session.protocol, "node");
    assert.equal(session.host, "127.0.0.1");
    assert.equal(session.remoteRoot, "/var/task");
    const docker = await requireDocker();
    const containers = await faasboxContainers(docker, [`${LABELS.session}=${emulator.id}`]);
    assert.ok(containers.length > 0);
    for (const c of containers) assert.equal((await docker.getContainer(c.Id).inspect()).HostConfig.NetworkMode, "none");
    const cdp = await CdpClient.connect(session);
    try {
      await cdp.send("Runtime.enable");
      await cdp.send("Debugger.enable");
      await cdp.send("Debugger.setBreakpointByUrl", { urlRegex: "cjs\\.js$", lineNumber: 4 }); // first line of the handler
      await cdp.send("Runtime.runIfWaitingForDebugger");
      const start = await cdp.next("Debugger.paused");
      assert.equal(start.reason, "Break on start", "the inspector breaks before any user code runs");
      t.diagnostic(`debug start → break on start: ${Math.round(performance.now() - startedAt)} ms`);
      await cdp.send("Debugger.resume");

      const invokedAt = performance.now();
      const invoked = emulator.invoke("node-cjs", { debug: "agent" });
      const inHandler = await cdp.next("Debugger.paused");
      t.diagnostic(`invoke → handler breakpoint: ${Math.round(performance.now() - invokedAt)} ms`);
      assert.deepEqual(cdp.where(inHandler.callFrames[0]), { url: "file:///var/task/cjs.js", line: 4 });
      const evaluated = await cdp.send("Debugger.evaluateOnCallFrame", {
        callFrameId: inHandler.callFrames[0].callFrameId,
        expression: "JSON.stringify(event)",
        returnByValue: true,
      });
      assert.equal(evaluated.result.value, JSON.stringify({ debug: "agent" }));
      await cdp.send("Debugger.resume");
      const result = await invoked;
      assert.equal(result.ok, true, JSON.stringify(result.error));
      assert.deepEqual((result.result as any).event, { debug: "agent" });
    } finally {
      cdp.close();
      await emulator.debugSessions.stop(session.sessionId);
    }
    assert.equal(await accepts(session.port), false, "the forwarding listener closes with the session");
    const again = await emulator.invoke("node-cjs", {});
    assert.equal(again.ok, true, "after the session, invocations run on the pool again");
  });

  test("Python: a DAP client (debugpy) on the forwarded port stops at a breakpoint, evaluates, and the invoke completes", async () => {
    const session = await debugPythonAtBreakpoint(emulator, emulator.getFunction("python-aws"), "py-agent");
    assert.equal(await accepts(session.port), false, "the forwarding listener closes with the session");
  });

  test("another user's process is refused at the forwarded debug port before a byte reaches the debugger; the editor's user gets through", async () => {
    assert.equal(process.getuid?.(), 0, "this test acts as another user (uid 65534) and so needs root, as CI has");
    const warnings: string[] = [];
    const onWarning = (message: string) => warnings.push(message);
    emulator.on("warning", onWarning);
    const session = await emulator.debugSessions.start(emulator.getFunction("node-cjs"), "test");
    try {
      // Another local user asks the inspector for its WebSocket address, as a debugger would first.
      // (Not spawnSync: the emulator under test runs in this process and must answer meanwhile.)
      const probe = await runAs(65534, process.execPath, ["-e", `
        const socket = require("net").connect(${session.port}, "127.0.0.1", () => socket.write("GET /json HTTP/1.0\\r\\n\\r\\n"));
        let bytes = 0;
        socket.on("data", (chunk) => (bytes += chunk.length));
        socket.on("error", () => {});
        socket.on("close", () => console.log(JSON.stringify({ bytes })));
      `]);
      assert.equal(probe.status, 0, probe.stderr);
      assert.deepEqual(JSON.parse(probe.stdout), { bytes: 0 }, "closed without an answer");
      assert.ok(warnings.some((w) => /refused a connection to the debug port of node-cjs from a process of another user/.test(w)), JSON.stringify(warnings));
      const cdp = await CdpClient.connect(session);
      try {
        await cdp.send("Runtime.enable");
      } finally {
        cdp.close();
      }
    } finally {
      emulator.off("warning", onWarning);
      await emulator.debugSessions.stop(session.sessionId);
    }
  });

  test("a debugged function that crashes ends its session, and its forwarding listener with it", async () => {
    const session = await debugSessionEndsOnCrash(emulator);
    // The listener's close follows the instance's stop.
    const deadline = Date.now() + 5_000;
    while ((await accepts(session.port)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await accepts(session.port), false);
  });
});

test("no container is left once the emulator has shut down", async () => {
  assert.deepEqual((await leftoverContainers(await requireDocker())).map((c) => c.Names), []);
});
