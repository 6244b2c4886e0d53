// Who owns a container: an emulator's session, held by a lease (the container's stdin, see
// emulator/shims/lease.sh), never a PID. An emulator killed with SIGKILL leaves nothing
// running, and removing what it left never touches another emulator's instances.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type Docker from "dockerode";
import { resolveImages } from "../../emulator/config/images";
import { LABELS, PROCESS_TOKEN } from "../../emulator/core/docker/labels";
import type { Engine } from "../../emulator/core/engine";
import { DockerExecutor } from "../../emulator/core/executors/dockerExecutor";
import { hostShimsDir } from "../../emulator/core/runtime/shimsDir";
import { runCliAsync } from "../helpers/cli";
import { faasboxContainers, leftoverContainers, requireDocker } from "../helpers/docker";
import { copyFixture, startEmulator, waitFor } from "../helpers/emulator";
import { CLI } from "../helpers/paths";

/** Short enough for a test, long enough for other test files' emulators sharing the engine. */
const TEST_GRACE_MS = 3000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `faasbox start` on `root` as a separate process, as a user runs it. */
async function startCli(root: string, executor: "docker" | "process"): Promise<{ server: ChildProcess; output: () => string }> {
  let output = "";
  // Not --quiet: the tests wait for a handler's own log line. These tests count each emulator's
  // containers, so none keeps standby instances (standby.test.ts covers those).
  const server = spawn(process.execPath, [CLI, "start", root, "--executor", executor, "--http-port", "0", "--invoke-port", "0", "--no-watch"], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, FAASBOX_STANDBY: "0" },
  });
  server.stdout!.on("data", (d) => (output += d));
  server.stderr!.on("data", (d) => (output += d));
  await waitFor(async () => (await runCliAsync(["status", "--project", root, "--json"])).status === 0, `faasbox start to come up:\n${output}`, 20_000);
  return { server, output: () => output };
}

/** Invokes `name` through the emulator running for `root`; its parsed result. */
async function invokeThroughCli(root: string, name: string): Promise<unknown> {
  const result = await runCliAsync(["invoke", name, "--project", root]);
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

async function sigkill(server: ChildProcess): Promise<number> {
  const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
  server.kill("SIGKILL");
  await exited;
  return performance.now();
}

test("SIGKILL an emulator: its containers stop on their lease and are removed; another emulator's are untouched", async (t: TestContext) => {
  const docker = await requireDocker();
  const rootA = copyFixture("runtime");
  // A runtime busy in a handler does not notice its emulator is gone (an idle one's poll of the
  // runtime API fails and it exits by itself): only the lease can stop it.
  appendFileSync(join(rootA, "faasbox.yml"), "  node-busy:\n    runtime: nodejs20.x\n    codeUri: node\n    handler: busy.handler\n    timeout: 300\n");
  writeFileSync(
    join(rootA, "node", "busy.js"),
    "exports.handler = async (event) => { console.log('busy handler started'); await new Promise((r) => setTimeout(r, event.ms)); };\n",
  );
  writeFileSync(join(rootA, "busy.json"), JSON.stringify({ ms: 120_000 }));
  const a = await startCli(rootA, "docker");
  let b: Engine | undefined;
  const saved = { grace: process.env.FAASBOX_REAP_GRACE_MS, interval: process.env.FAASBOX_REAP_INTERVAL_MS };
  try {
    await invokeThroughCli(rootA, "node-cjs");
    await invokeThroughCli(rootA, "python-package");
    const busyInvoke = runCliAsync(["invoke", "node-busy", "--project", rootA, "--event", join(rootA, "busy.json")]);
    await waitFor(async () => (await faasboxContainers(docker, [`${LABELS.project}=${rootA}`, `${LABELS.function}=node-busy`])).length === 1, "A's busy instance");
    await waitFor(() => a.output().includes("busy handler started"), `A's busy handler to start:\n${a.output()}`);
    const ofA = await faasboxContainers(docker, [`${LABELS.project}=${rootA}`]);
    assert.equal(ofA.length, 3, "A has a warm Node and a warm Python container, and a busy one");
    const busy = ofA.find((c) => c.Labels[LABELS.function] === "node-busy")!;
    const sessionA = ofA[0].Labels[LABELS.session];
    assert.ok(sessionA && ofA.every((c) => c.Labels[LABELS.session] === sessionA && c.State === "running"), JSON.stringify(ofA.map((c) => c.Labels)));
    assert.equal(ofA[0].Labels[LABELS.emulator], undefined, "no PID label any more");

    // B sweeps every half second with a short grace, so the test need not wait a minute.
    process.env.FAASBOX_REAP_GRACE_MS = String(TEST_GRACE_MS);
    process.env.FAASBOX_REAP_INTERVAL_MS = "500";
    b = await startEmulator("runtime", { executor: "docker", standby: { enabled: false } });
    const first = await b.invoke("node-cjs", {});
    assert.equal(first.ok, true, JSON.stringify(first.error));
    const ofB = await faasboxContainers(docker, [`${LABELS.session}=${b.id}`]);
    assert.equal(ofB.length, 1);
    assert.ok(b.id.startsWith(`${PROCESS_TOKEN}-`) && b.id !== sessionA);
    const startedB = (await docker.getContainer(ofB[0].Id).inspect()).State.StartedAt;

    // A live emulator's running containers survive any number of other emulators' sweeps.
    await sleep(1200);
    assert.deepEqual((await faasboxContainers(docker, [`${LABELS.session}=${sessionA}`])).map((c) => c.State), ["running", "running", "running"]);

    const killedAt = await sigkill(a.server);
    const seenExited = new Map<string, number>();
    let allStoppedMs: number | undefined;
    let goneMs: number | undefined;
    await waitFor(async () => {
      const left = await faasboxContainers(docker, [`${LABELS.session}=${sessionA}`]);
      const now = performance.now() - killedAt;
      for (const c of left) if (c.State === "exited" && !seenExited.has(c.Id)) seenExited.set(c.Id, (await docker.getContainer(c.Id).inspect()).State.ExitCode);
      if (allStoppedMs === undefined && left.every((c) => c.State !== "running")) allStoppedMs = now;
      if (left.length === 0) goneMs = now;
      return left.length === 0;
    }, "A's containers to stop and be removed", 60_000);
    t.diagnostic(`after SIGKILL: A's containers stopped within ${Math.round(allStoppedMs!)} ms, were removed within ${Math.round(goneMs!)} ms (grace ${TEST_GRACE_MS} ms)`);
    assert.equal(seenExited.get(busy.Id), 137, "the busy instance was stopped by its lease (the agent's exit status 137: it killed the runtime), then removed");
    assert.ok(ofA.every((c) => seenExited.has(c.Id)), "each container was seen stopped before it was removed");
    await busyInvoke; // the CLI that waited on A ends with it
    assert.ok(allStoppedMs! < 5000, `the lease stopped them in ${allStoppedMs} ms`);

    const afterB = await docker.getContainer(ofB[0].Id).inspect();
    assert.equal(afterB.State.Running, true, "B's container still runs");
    assert.equal(afterB.State.StartedAt, startedB, "and was never restarted");
    const again = await b.invoke("node-cjs", { after: "A died" });
    assert.equal(again.ok, true, JSON.stringify(again.error));
    assert.equal(again.timings.cold, false);
    assert.equal(again.instanceId, first.instanceId, "the same warm instance served it");
  } finally {
    if (a.server.exitCode === null && a.server.signalCode === null) a.server.kill("SIGKILL");
    await b?.shutdown();
    for (const [key, value] of [["FAASBOX_REAP_GRACE_MS", saved.grace], ["FAASBOX_REAP_INTERVAL_MS", saved.interval]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
});

/** Pids whose working directory is inside `dir` and that are not zombies. */
function processesIn(dir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readlinkSync(`/proc/${entry}/cwd`).startsWith(dir)) continue;
      const state = readFileSync(`/proc/${entry}/stat`, "utf8").replace(/^.*\) /s, "")[0];
      if (state !== "Z") found.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "")[0] !== "Z";
  } catch {
    return false;
  }
}

test("SIGKILL an emulator running local processes: no runtime process of it, nor their children, is left", async (t: TestContext) => {
  const root = copyFixture("runtime");
  // A handler that starts a process of its own: the lease must end it too.
  writeFileSync(
    join(root, "node", "spawner.js"),
    "const { spawn } = require('node:child_process');\nlet child;\n" +
      "exports.handler = async () => { child ??= spawn('sleep', ['300'], { stdio: 'ignore' }); return { runtime: process.pid, child: child.pid }; };\n",
  );
  appendFileSync(join(root, "faasbox.yml"), "  node-spawner:\n    runtime: nodejs20.x\n    codeUri: node\n    handler: spawner.handler\n");
  const a = await startCli(root, "process");
  try {
    const { runtime, child } = (await invokeThroughCli(root, "node-spawner")) as { runtime: number; child: number };
    await invokeThroughCli(root, "node-cjs");
    const before = processesIn(root);
    assert.ok(before.includes(runtime) && before.includes(child), `runtime ${runtime} and its child ${child} run in ${root}: ${before}`);
    assert.ok(before.length >= 3, `two runtimes and a child at least: ${before}`);
    assert.ok(alive(runtime) && alive(child));

    const killedAt = await sigkill(a.server);
    await waitFor(() => processesIn(root).length === 0, `A's runtime processes to go (left: ${processesIn(root)})`, 10_000);
    t.diagnostic(`after SIGKILL: no process of A left within ${Math.round(performance.now() - killedAt)} ms`);
    assert.equal(alive(runtime), false);
    assert.equal(alive(child), false);
  } finally {
    if (a.server.exitCode === null && a.server.signalCode === null) a.server.kill("SIGKILL");
  }
});

test("the sweep removes stopped containers past the grace, whatever their session, and never a running one", async () => {
  const docker = await requireDocker();
  const project = `faasbox-test-ownership-${PROCESS_TOKEN}`;
  const make = async (cmd: string[], labels: Record<string, string>): Promise<Docker.Container> => {
    const container = await docker.createContainer({
      Image: resolveImages().nodejs.image,
      Cmd: cmd,
      Labels: { [LABELS.managed]: "true", [LABELS.project]: project, ...labels },
      HostConfig: { NetworkMode: "none" },
    });
    await container.start();
    return container;
  };
  // A live emulator of another host or PID namespace: its PID label, if it had one, means
  // nothing here (this PID is dead on this host), its lease is what counts.
  const foreign = { [LABELS.session]: "another-host-session", [LABELS.emulator]: `${2 ** 22 + 4321}-deadbeef` };
  const executor = new DockerExecutor(docker, { network: "host", hostShimsDir: hostShimsDir(), reapGraceMs: TEST_GRACE_MS, sweepIntervalMs: 0 });
  try {
    const running = await make(["sleep", "300"], foreign);
    const old = await make(["true"], { [LABELS.session]: "a-dead-session" });
    await old.wait();
    await sleep(TEST_GRACE_MS + 300);
    const young = await make(["true"], { [LABELS.session]: "a-live-session" });
    await young.wait();
    await executor.reapOrphans();
    await assert.rejects(old.inspect(), /no such container/i, "stopped for longer than the grace: removed");
    assert.equal((await young.inspect()).State.Status, "exited", "stopped just now: its emulator may still be removing it");
    assert.equal((await running.inspect()).State.Running, true, "running: its owner holds the lease");
  } finally {
    await executor.close();
    for (const c of await faasboxContainers(docker, [`${LABELS.project}=${project}`])) await docker.getContainer(c.Id).remove({ force: true });
  }
});

test("no container is left once the emulators have shut down", async () => {
  assert.deepEqual((await leftoverContainers(await requireDocker())).map((c) => c.Names), []);
});
