// Pools: concurrency up to the limit, queueing, throttling, keep-alive and hot reload.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Engine } from "../../emulator/core/engine";
import { leftoverContainers, requireDocker } from "../helpers/docker";
import { copyFixture, startEmulator, waitFor } from "../helpers/emulator";

describe("scaling (docker executor)", () => {
  let emulator: Engine;
  before(async () => {
    await requireDocker();
    emulator = await startEmulator("runtime", { executor: "docker" });
  });
  after(() => emulator.shutdown());

  test("20 parallel invocations with a limit of 5 and no queue: five instances serve, the rest are throttled", async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => emulator.invoke("node-slow", { ms: 600 })));
    const served = results.filter((r) => r.ok);
    const throttled = results.filter((r) => r.errorKind === "throttle");
    assert.equal(served.length, 5);
    assert.equal(throttled.length, 15);
    assert.equal(new Set(served.map((r) => r.instanceId)).size, 5);
    assert.equal(throttled[0].error?.errorType, "TooManyRequestsException");
    assert.match(throttled[0].error!.errorMessage, /concurrency limit of 5/);
  });

  test("with a queue, 20 parallel invocations all succeed on at most 5 instances", async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => emulator.invoke("node-slow-queued", { ms: 200 })));
    assert.deepEqual(results.filter((r) => !r.ok), []);
    const instances = new Set(results.map((r) => r.instanceId));
    assert.equal(instances.size, 5);
    assert.ok(results.some((r) => r.timings.queuedMs > 100), "some invocations waited for a free instance");
    // The pool may also hold its standby (one more, never given an event): it counts against no limit.
    assert.equal(emulator.instances("node-slow-queued").filter((i) => !i.standby).length, 5);
  });

  test("idle instances stop after the keep-alive", async () => {
    await Promise.all(Array.from({ length: 3 }, () => emulator.invoke("node-short-keepalive", {})));
    assert.ok(emulator.instances("node-short-keepalive").filter((i) => !i.standby).length >= 1);
    await waitFor(() => emulator.instances("node-short-keepalive").filter((i) => !i.standby).length === 0, "the warm instances to stop", 8000);
    // What stays is the function's standby (see standby.test.ts): one instance that never served an event.
    const left = emulator.instances("node-short-keepalive");
    assert.ok(left.length <= 1 && left.every((i) => i.standby && i.invocations === 0), JSON.stringify(left));
  });
});

describe("hot reload (docker executor)", () => {
  test("a change in a function's code folder retires its warm instances; the next invocation runs the new code", async () => {
    await requireDocker();
    const root = copyFixture("runtime");
    const emulator = await Engine.create({ root, executor: "docker", watch: true });
    try {
      const first = await emulator.invoke("node-esm", { v: 1 });
      assert.deepEqual(first.result, { style: "esm", echo: { v: 1 } });
      writeFileSync(join(root, "node", "esm.mjs"), "export const handler = async (event) => ({ style: 'esm v2', echo: event });\n");
      await waitFor(async () => (await emulator.invoke("node-esm", { v: 2 })).result !== undefined &&
        JSON.stringify((await emulator.invoke("node-esm", { v: 2 })).result).includes("esm v2"), "the new code to run", 10_000);
      const after = await emulator.invoke("node-esm", { v: 3 });
      assert.deepEqual(after.result, { style: "esm v2", echo: { v: 3 } });
      assert.notEqual(after.instanceId, first.instanceId);
      // Manifest changes reload the function's settings too.
      appendFileSync(join(root, "faasbox.yml"), "  added-later:\n    runtime: nodejs20.x\n    codeUri: node\n    handler: esm.handler\n");
      await waitFor(() => emulator.functions().some((f) => f.name === "added-later"), "the new function to appear", 10_000);
      assert.equal((await emulator.invoke("added-later", { x: 1 })).ok, true);
    } finally {
      await emulator.shutdown();
    }
  });
});

test("no container is left once the emulators have shut down", async () => {
  assert.deepEqual((await leftoverContainers(await requireDocker())).map((c) => c.Names), []);
});
