// `docker kill` of an instance's container, from outside the emulator: mid-invocation the
// invocation fails as the cloud reports a runtime that died, and while the instance is idle
// the next call runs on a fresh instance, never failing with a false init or exit error,
// even when it arrives while the pool still believes the killed instance is idle.
// Only this file's own containers are killed (found by its emulator's session label).
import { after, before, test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type Docker from "dockerode";
import { LABELS } from "../../../emulator/core/docker/labels";
import { Engine } from "../../../emulator/core/engine";
import { faasboxContainers, leftoverContainers, requireDocker } from "../../helpers/docker";
import { copyFixture } from "../../helpers/emulator";

let docker: Docker;
let emulator: Engine;

before(async () => {
  docker = await requireDocker();
  const root = copyFixture("runtime");
  appendFileSync(join(root, "faasbox.yml"), "  node-busy:\n    runtime: nodejs20.x\n    codeUri: node\n    handler: busy.handler\n    timeout: 30\n");
  writeFileSync(
    join(root, "node", "busy.js"),
    "exports.handler = async (event) => { console.log('busy handler started'); await new Promise((r) => setTimeout(r, event.ms)); return 'slept'; };\n",
  );
  emulator = await Engine.create({ root, executor: "docker", watch: false });
});

after(async () => {
  await emulator?.shutdown();
  assert.deepEqual((await leftoverContainers(docker)).map((c) => c.Names), [], "no container of this test is left");
});

/** The container of one of this emulator's instances. */
async function containerOf(instanceId: string): Promise<Docker.Container> {
  const found = await faasboxContainers(docker, [`${LABELS.session}=${emulator.id}`, `${LABELS.instance}=${instanceId}`]);
  assert.equal(found.length, 1, `one container for instance ${instanceId}: ${JSON.stringify(found.map((c) => c.State))}`);
  return docker.getContainer(found[0].Id);
}

test("docker kill mid-invocation: the invocation fails with Runtime.ExitError, and the next runs on a fresh instance", async (t: TestContext) => {
  const warm = await emulator.invoke("node-busy", { ms: 1 });
  assert.equal(warm.ok, true, JSON.stringify(warm.error));
  const container = await containerOf(warm.instanceId!);

  let started!: () => void;
  const handlerStarted = new Promise<void>((resolve) => (started = resolve));
  const unsubscribe = emulator.logBus.subscribe((record) => {
    if (record.text.includes("busy handler started") && record.instanceId === warm.instanceId) started();
  });
  try {
    const running = emulator.invoke("node-busy", { ms: 20_000 });
    await handlerStarted;
    const killedAt = performance.now();
    await container.kill();
    const result = await running;
    const failedInMs = performance.now() - killedAt;
    t.diagnostic(`killed mid-invocation: the invocation failed ${Math.round(failedInMs)} ms after docker kill returned: ${result.error?.errorType}: ${result.error?.errorMessage}`);
    assert.equal(result.ok, false);
    assert.equal(result.errorKind, "exit", JSON.stringify(result));
    assert.equal(result.error?.errorType, "Runtime.ExitError");
    assert.match(result.error!.errorMessage, new RegExp(`^RequestId: ${result.requestId} Error: Runtime exited with error: `));
    assert.equal(result.instanceId, warm.instanceId, "it was the invocation running on the killed instance");
    assert.ok(failedInMs < 5000, `reported within ${Math.round(failedInMs)} ms, not at the function's timeout`);
  } finally {
    unsubscribe();
  }

  const next = await emulator.invoke("node-busy", { ms: 1 });
  assert.equal(next.ok, true, JSON.stringify(next.error));
  assert.equal(next.timings.cold, true, "a killed instance is not reused");
  assert.notEqual(next.instanceId, warm.instanceId);
  await assert.rejects(container.inspect(), /no such container/i, "the killed container was removed");
});

test("docker kill while idle, then a call at once: it runs on a fresh instance, never fails", async (t: TestContext) => {
  // Several rounds: the call lands in the window where the pool still counts the killed
  // instance as idle (its exit not yet reported), whatever order the engine's answers come in.
  const rounds = 8;
  let previous = await emulator.invoke("node-cjs", { round: 0 });
  assert.equal(previous.ok, true, JSON.stringify(previous.error));
  const sawIdle: boolean[] = [];
  for (let round = 1; round <= rounds; round++) {
    const container = await containerOf(previous.instanceId!);
    const before = emulator.instances("node-cjs").find((i) => i.id === previous.instanceId);
    assert.equal(before?.state, "idle", "the instance is idle before the kill");
    await container.kill();
    // At once: no await between the kill's answer and the call.
    sawIdle.push(emulator.instances("node-cjs").find((i) => i.id === previous.instanceId)?.state === "idle");
    const result = await emulator.invoke("node-cjs", { round });
    assert.equal(result.ok, true, `round ${round}: the call after the kill failed: ${result.errorKind} ${JSON.stringify(result.error)}`);
    assert.deepEqual((result.result as { event: unknown }).event, { round }, "its own event");
    assert.equal(result.timings.cold, true, `round ${round}: it waited for a new instance to start`);
    assert.notEqual(result.instanceId, previous.instanceId, `round ${round}: not the killed instance`);
    previous = result;
  }
  t.diagnostic(`${rounds} kills of an idle instance: the call came while the pool still counted it idle in ${sawIdle.filter(Boolean).length} of them; every call succeeded on a new instance`);
  assert.ok(sawIdle.some(Boolean), "the window where the pool still thinks the killed instance is idle was exercised");
});

test("docker kill of an idle instance, then a call after the pool noticed: a fresh instance too", async () => {
  const first = await emulator.invoke("node-cjs", { n: 1 });
  assert.equal(first.ok, true, JSON.stringify(first.error));
  await (await containerOf(first.instanceId!)).kill();
  const deadline = Date.now() + 10_000;
  while (emulator.instances("node-cjs").some((i) => i.id === first.instanceId)) {
    assert.ok(Date.now() < deadline, "the pool noticed the killed instance");
    await new Promise((r) => setTimeout(r, 20));
  }
  // A fresh instance: started for the call (cold), or the function's standby, made before it and never given an event.
  const standby = emulator.instances("node-cjs").find((i) => i.standby && i.invocations === 0)?.id;
  const next = await emulator.invoke("node-cjs", { n: 2 });
  assert.equal(next.ok, true, JSON.stringify(next.error));
  assert.ok(next.timings.cold || (standby !== undefined && next.instanceId === standby), `cold, or run on the standby ${standby}: ${JSON.stringify(next.timings)} on ${next.instanceId}`);
  assert.notEqual(next.instanceId, first.instanceId);
});
