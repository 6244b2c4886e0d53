// A pool's standby instance, on scripted runtimes: made after a call, taken by the next call that
// finds no idle instance (warm, no init in its report, its init output in the call's logs), refilled,
// replaced on new code, dropped when unwanted, never remade in a loop when it fails.
import { test } from "node:test";
import assert from "node:assert/strict";
import { FunctionPool } from "../../../emulator/core/pool/functionPool";
import { Invocation, type InvocationOutcome } from "../../../emulator/core/runtime/invocation";
import { LogBus } from "../../../emulator/core/logs/logBus";
import type { FunctionSpec } from "../../../emulator/project/spec";
import { FakeExecutor, gate, waitFor, within, type RuntimeScript } from "../../helpers/fakeExecutor";
import { fixedImage, functionSpec } from "../../helpers/specs";

type After = { after(fn: () => unknown): void };

function makePool(t: After, spec: Partial<FunctionSpec>, script: RuntimeScript | ((index: number) => RuntimeScript) = {}) {
  const executor = new FakeExecutor(script);
  const pool = new FunctionPool(functionSpec(spec), { executor, image: fixedImage("fake-image"), logBus: new LogBus(), labels: {} });
  t.after(async () => {
    await pool.close();
    await executor.close();
  });
  const invoke = (event: unknown = {}): Promise<InvocationOutcome> =>
    within(pool.invoke(new Invocation(Buffer.from(JSON.stringify(event)), { keepLogs: true })), `the invocation of ${JSON.stringify(event)} to settle`);
  const standby = () => pool.listInstances().find((i) => i.standby);
  const readyStandby = () => waitFor(() => standby()?.state === "idle", "a ready standby");
  return { executor, pool, invoke, standby, readyStandby };
}

/** Stops every instance but the standby, as idle reaping does. */
async function reapWarm(pool: FunctionPool): Promise<void> {
  for (const instance of pool.listInstances()) if (!instance.standby) await pool.stopInstanceById(instance.id);
}

test("after a call a standby is made; once the warm instances are reaped the next call runs on it, warm, without init in its report", async (t) => {
  const { executor, pool, invoke, standby, readyStandby } = makePool(t, {}, (index) => ({ initOutput: `init of launch ${index}` }));
  pool.setStandbyWanted(true);
  const first = await invoke({ n: 1 });
  assert.equal(first.cold, true);
  await readyStandby();
  assert.equal(executor.launches.length, 2, "the first call's instance and the standby");
  const standbyId = standby()!.id;
  assert.equal(pool.snapshot().standby, 1);
  assert.equal(pool.snapshot().idle, 1, "the standby is not counted as an idle warm instance");

  await reapWarm(pool);
  assert.deepEqual(pool.listInstances().map((i) => i.id), [standbyId], "the standby stays when warm instances go");

  const served = await invoke({ n: 2 });
  assert.equal(served.instanceId, standbyId);
  assert.equal(served.cold, false, "its init happened before the call");
  assert.equal(served.initMs, undefined, "no Init Duration for an instance initialised ahead of its call");
  assert.ok(served.logs.some((r) => r.text === "init of launch 1" && r.requestId === undefined), "its init output is in the logs of its first call");
  assert.equal(executor.launches[1].invocations.length, 1);

  await readyStandby();
  assert.notEqual(standby()!.id, standbyId, "a new standby was made after the old one was taken");
  assert.equal(executor.launches.length, 3);
});

test("a call that finds an idle warm instance leaves the standby alone", async (t) => {
  const { executor, pool, invoke, standby, readyStandby } = makePool(t, {});
  pool.setStandbyWanted(true);
  await invoke();
  await readyStandby();
  const standbyId = standby()!.id;
  const warm = await invoke();
  assert.notEqual(warm.instanceId, standbyId);
  assert.equal(standby()!.id, standbyId);
  assert.equal(executor.launches.length, 2);
});

test("a standby does not let a call past maxConcurrency", async (t) => {
  const release = gate();
  const { pool, invoke, standby, readyStandby } = makePool(t, { maxConcurrency: 1, queueSize: 5 }, { handler: async (event) => (await release.promise, event) });
  pool.setStandbyWanted(true);
  const running = invoke("running");
  await waitFor(() => pool.snapshot().busy === 1, "the first call running");
  release.open();
  await running;
  await readyStandby();
  const standbyId = standby()!.id;
  // Two calls at once: the idle warm instance takes one, the other waits for it rather than take the standby.
  const results = await Promise.all([invoke("a"), invoke("b")]);
  assert.ok(results.every((r) => r.instanceId !== standbyId));
  assert.equal(standby()!.id, standbyId);
});

test("new code replaces the standby; an unwanted standby stops", async (t) => {
  const { executor, pool, invoke, standby, readyStandby } = makePool(t, {});
  pool.setStandbyWanted(true);
  await invoke();
  await readyStandby();
  const old = standby()!.id;
  pool.retire();
  await waitFor(() => standby() !== undefined && standby()!.id !== old && standby()!.state === "idle", "a standby of the new code");
  assert.ok(executor.launches.find((l) => l.instanceId === old)!.killed, "the old standby was stopped");

  const current = standby()!.id;
  pool.setStandbyWanted(false);
  await waitFor(() => executor.launches.find((l) => l.instanceId === current)!.killed, "the unwanted standby to stop");
  await waitFor(() => !pool.listInstances().some((i) => i.standby));
});

test("a standby that fails its init is not made again until the next call", async (t) => {
  const { executor, pool, invoke } = makePool(t, {}, (index) => (index === 0 ? {} : { initError: { errorType: "Runtime.ImportModuleError", errorMessage: "broken" } }));
  pool.setStandbyWanted(true);
  await invoke();
  await executor.exitedCount(1);
  // Well past the refill delay: nothing more is launched.
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(executor.launches.length, 2, "one failed standby, no loop");
  assert.equal(pool.listInstances().filter((i) => i.standby).length, 0);
  const next = await invoke();
  assert.equal(next.failure, undefined, "the warm instance still serves");
});
