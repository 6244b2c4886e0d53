// Debugging a Node.js function again starts on a spare debug instance (emulator/core/debug/debugSpares.ts):
// started when the last session ended, waiting with nothing of the function run, so module-scope
// breakpoints still bind; replaced when the code changes; none when standby instances are off.
// Real containers, Node's real inspector, the same CDP client as debug.test.ts.
import { after, afterEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type Docker from "dockerode";
import { Engine } from "../../emulator/core/engine";
import { LABELS } from "../../emulator/core/docker/labels";
import type { LogRecord } from "../../emulator/protocol";
import { CdpClient } from "../helpers/cdpClient";
import { faasboxContainers, leftoverContainers, requireDocker } from "../helpers/docker";
import { copyFixture } from "../helpers/emulator";
import { REPO_ROOT } from "../helpers/paths";

const code = (version: string) => `const version = ${JSON.stringify(version)};\nexports.handler = async () => ({ version });\n`;

function project(): string {
  const root = copyFixture("hostile");
  mkdirSync(join(root, "dbg"));
  writeFileSync(join(root, "dbg", "index.js"), code("v1"));
  writeFileSync(join(root, "faasbox.yml"), "functions:\n  dbg: { runtime: nodejs20.x, codeUri: dbg, handler: index.handler }\n");
  return root;
}

/** The instance ids of the running containers of `dbg` under `engine`. */
async function containers(docker: Docker, engine: Engine): Promise<string[]> {
  const list = await faasboxContainers(docker, [`${LABELS.session}=${engine.id}`, `${LABELS.function}=dbg`]);
  return list.filter((c) => c.State === "running").map((c) => c.Labels[LABELS.instance]);
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** One session as the editor runs it: attach, module-scope breakpoint, invoke; the handler's answer. */
async function debugOnce(engine: Engine): Promise<{ version: string; moduleScopeHit: boolean }> {
  const session = await engine.debugSessions.start(engine.getFunction("dbg"), "test");
  const cdp = await CdpClient.connect(session);
  try {
    await cdp.send("Debugger.enable");
    await cdp.send("Debugger.setBreakpointByUrl", { urlRegex: "dbg/index\\.js$|/var/task/index\\.js$", lineNumber: 0 });
    await cdp.send("Runtime.runIfWaitingForDebugger");
    await cdp.next("Debugger.paused"); // break on start
    await cdp.send("Debugger.resume");
    const moduleScope = await cdp.next("Debugger.paused");
    const moduleScopeHit = cdp.where(moduleScope.callFrames[0]).line === 0;
    await cdp.send("Debugger.resume");
    const result = await engine.invoke("dbg", {});
    assert.equal(result.ok, true, JSON.stringify(result.error));
    return { version: (result.result as { version: string }).version, moduleScopeHit };
  } finally {
    cdp.close();
    await engine.debugSessions.stop(session.sessionId);
  }
}

describe("spare debug instances", () => {
  let engine: Engine | undefined;
  afterEach(async () => {
    await engine?.shutdown();
    engine = undefined;
  });
  after(async () => assert.deepEqual(await leftoverContainers(await requireDocker()), []));

  test("the next session of a function takes the spare its last one left: nothing of it ran before, and its log waited", async () => {
    const docker = await requireDocker();
    engine = await Engine.create({ root: project(), executor: "docker", watch: false });
    assert.deepEqual(await debugOnce(engine), { version: "v1", moduleScopeHit: true });
    const spare = await until("a spare of dbg runs", async () => {
      const running = await containers(docker, engine!);
      return engine!.debugSessions.hasSpare("dbg") && running.length === 1 ? running[0] : undefined;
    });
    const lines: LogRecord[] = [];
    const unsubscribe = engine.logBus.subscribe((record) => lines.push(record));
    try {
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(lines.map((r) => r.text), [], "a spare no session took yet says nothing in the function's log");
      assert.deepEqual(await debugOnce(engine), { version: "v1", moduleScopeHit: true }, "module-scope breakpoints bind: the spare ran nothing of the function");
      const listening = lines.filter((r) => r.text.startsWith("Debugger listening on ws://"));
      assert.equal(listening.length, 1, `its lines come once a session takes it: ${JSON.stringify(lines.map((r) => r.text))}`);
      assert.equal(listening[0].instanceId, spare, "the session ran on the spare");
    } finally {
      unsubscribe();
    }
  });

  test("a code change replaces the spare: the next session runs the new code", async () => {
    const docker = await requireDocker();
    const root = project();
    engine = await Engine.create({ root, executor: "docker", watch: true });
    await debugOnce(engine);
    const before = await until("a spare of dbg runs", async () => {
      const running = await containers(docker, engine!);
      return engine!.debugSessions.hasSpare("dbg") && running.length === 1 ? running[0] : undefined;
    });
    writeFileSync(join(root, "dbg", "index.js"), code("v2"));
    await until("the spare is replaced", async () => {
      const running = await containers(docker, engine!);
      return running.length === 1 && running[0] !== before ? true : undefined;
    });
    assert.deepEqual(await debugOnce(engine), { version: "v2", moduleScopeHit: true });
  });

  test("a Python function keeps none: debugpy would take any client on a shared loopback", async () => {
    const docker = await requireDocker();
    engine = await Engine.create({ root: copyFixture("runtime"), executor: "docker", watch: false });
    const session = await engine.debugSessions.start(engine.getFunction("python-aws"), "test");
    await engine.debugSessions.stop(session.sessionId);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(engine.debugSessions.hasSpare("python-aws"), false);
    const left = await faasboxContainers(docker, [`${LABELS.session}=${engine.id}`, `${LABELS.function}=python-aws`]);
    assert.deepEqual(left.filter((c) => c.State === "running"), []);
  });

  test("shutting down while a spare is being prepared leaves nothing that keeps the process alive", () => {
    // The spare's start is at its first steps when shutdown stops it: it must launch nothing and
    // arm no init timer (a debug instance's is 30 minutes: it once kept a test process alive).
    const script = `
      const { Engine } = require(${JSON.stringify(join(REPO_ROOT, "emulator/core/engine"))});
      (async () => {
        const engine = await Engine.create({ root: ${JSON.stringify(project())}, executor: "docker", watch: false });
        const session = await engine.debugSessions.start(engine.getFunction("dbg"), "test");
        await engine.debugSessions.stop(session.sessionId); // its spare starts now
        await engine.shutdown();
        console.log("shut down");
      })();
    `;
    const child = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: REPO_ROOT, encoding: "utf8", timeout: 120_000 });
    assert.equal(child.signal, null, `the process did not end by itself within 120 s: ${child.stdout}${child.stderr}`);
    assert.equal(child.status, 0, child.stderr);
    assert.match(child.stdout, /shut down/);
  });

  test("with standby instances off (FAASBOX_STANDBY=0), no spare is kept", async () => {
    const docker = await requireDocker();
    engine = await Engine.create({ root: project(), executor: "docker", watch: false, standby: { enabled: false } });
    await debugOnce(engine);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(engine.debugSessions.hasSpare("dbg"), false);
    assert.deepEqual(await containers(docker, engine), []);
  });
});
