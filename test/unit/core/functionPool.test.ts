// A function's pool of instances: scale-out, queueing, throttling, warm reuse, keep-alive,
// minWarm, crashes, timeouts and hot reload, on scripted runtimes instead of containers.
import { test, mock } from "node:test";
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
  // Every outcome is awaited with a guard: an invocation that never settles fails the test.
  const invoke = (event: unknown = {}): Promise<InvocationOutcome> =>
    within(pool.invoke(new Invocation(Buffer.from(JSON.stringify(event)), { keepLogs: true })), `the invocation of ${JSON.stringify(event)} to settle`);
  return { executor, pool, invoke };
}

function parsed(outcome: InvocationOutcome): unknown {
  assert.equal(outcome.failure, undefined, `expected success, got ${JSON.stringify(outcome.failure)}`);
  return JSON.parse(outcome.payload!.toString());
}

/** Mocked setTimeout for the pool's and instances' timers; the fake runtimes keep real time. */
function fakeTimers(t: After): void {
  mock.timers.enable({ apis: ["setTimeout"] });
  t.after(() => mock.timers.reset());
}

/** Lets pending I/O callbacks and promise continuations run. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

test("concurrent invocations start one instance each, up to maxConcurrency; the rest wait and then run on warm instances", async (t) => {
  const release = gate();
  const { executor, pool, invoke } = makePool(t, { maxConcurrency: 3 }, {
    handler: async (event) => {
      await release.promise;
      return event;
    },
  });
  const outcomes = Promise.all([1, 2, 3, 4, 5].map((n) => invoke({ n })));
  await executor.received(3);
  assert.equal(executor.launches.length, 3, "no more instances than maxConcurrency");
  assert.deepEqual(pool.snapshot(), { starting: 0, idle: 0, busy: 3, stopping: 0, queued: 2 });

  release.open();
  const results = await outcomes;
  assert.deepEqual(results.map(parsed), [1, 2, 3, 4, 5].map((n) => ({ n })));
  assert.equal(executor.launches.length, 3, "the queued invocations reused the instances");
  assert.equal(new Set(results.map((r) => r.instanceId)).size, 3);
  assert.deepEqual(results.map((r) => r.cold), [true, true, true, false, false]);
  assert.deepEqual(pool.snapshot(), { starting: 0, idle: 3, busy: 0, stopping: 0, queued: 0 });
});

for (const [dialect, errorType] of [["aws", "TooManyRequestsException"], ["scf", "ResourceLimitReached"]] as const) {
  test(`${dialect}: past maxConcurrency and a full queue, invocations are throttled at once with ${errorType}`, async (t) => {
    const release = gate();
    const { executor, pool, invoke } = makePool(t, { dialect, maxConcurrency: 1, queueSize: 2 }, {
      handler: async (event) => {
        await release.promise;
        return event;
      },
    });
    const running = invoke("running");
    const queued = [invoke("queued-1"), invoke("queued-2")];
    const throttled = await invoke("throttled");
    assert.equal(throttled.failure?.kind, "throttle");
    assert.equal(throttled.failure?.error.errorType, errorType);
    assert.match(throttled.failure!.error.errorMessage, /concurrency limit of 1/);
    assert.equal(throttled.instanceId, undefined, "a throttled invocation never reached an instance");
    assert.equal(pool.snapshot().queued, 2);

    release.open();
    assert.deepEqual([await running, ...(await Promise.all(queued))].map(parsed), ["running", "queued-1", "queued-2"]);
    assert.equal(executor.launches.length, 1);
    assert.deepEqual(executor.invocations.map((i) => i.event), ["running", "queued-1", "queued-2"], "the queue is first in, first out");
  });
}

test("a second invocation runs warm on the same instance; only the first is cold", async (t) => {
  const { executor, invoke } = makePool(t, {});
  const first = await invoke({ n: 1 });
  const second = await invoke({ n: 2 });
  assert.deepEqual([parsed(first), parsed(second)], [{ n: 1 }, { n: 2 }]);
  assert.equal(first.cold, true);
  assert.equal(typeof first.initMs, "number");
  assert.equal(second.cold, false);
  assert.equal(second.initMs, undefined);
  assert.equal(second.instanceId, first.instanceId);
  assert.equal(executor.launches.length, 1);
});

test("an idle instance stops after keepAliveMs without invocations, and the next invocation starts cold", async (t) => {
  fakeTimers(t);
  const { executor, pool, invoke } = makePool(t, { keepAliveMs: 60_000 });
  await invoke();
  const warm = await invoke();
  assert.equal(warm.cold, false);

  mock.timers.tick(59_999);
  await turn();
  assert.equal(executor.killed.length, 0, "kept alive until the keep-alive has passed");
  mock.timers.tick(1);
  await waitFor(() => pool.listInstances().length === 0, "the idle instance to stop");
  assert.equal(executor.killed.length, 1);

  const next = await invoke();
  assert.equal(next.cold, true);
  assert.equal(executor.launches.length, 2);
});

test("each invocation restarts the keep-alive: an instance used within it stays", async (t) => {
  fakeTimers(t);
  const { executor, invoke } = makePool(t, { keepAliveMs: 60_000 });
  await invoke();
  mock.timers.tick(40_000);
  await invoke();
  mock.timers.tick(40_000);
  await turn();
  assert.equal(executor.killed.length, 0);
  mock.timers.tick(20_000);
  await waitFor(() => executor.killed.length === 1);
});

test("minWarm instances start with the pool, serve the first invocation warm, and outlive the keep-alive", async (t) => {
  fakeTimers(t);
  const { executor, pool, invoke } = makePool(t, { minWarm: 2, keepAliveMs: 1000 });
  await executor.launched(2); // started before any invocation
  await waitFor(() => pool.snapshot().idle === 2, "the warm instances to be ready");
  const first = await invoke();
  assert.equal(first.cold, false);

  mock.timers.tick(10_000);
  await turn();
  assert.equal(executor.killed.length, 0, "the keep-alive does not take the pool below minWarm");
  assert.equal(pool.snapshot().idle, 2);
});

test("minWarm replaces a warm instance that stopped, at once", async (t) => {
  const { executor, pool } = makePool(t, { minWarm: 1 });
  await waitFor(() => pool.snapshot().idle === 1);
  const [info] = pool.listInstances();
  assert.equal(await pool.stopInstanceById(info.id), true);
  await waitFor(() => pool.snapshot().idle === 1, "a replacement to be ready");
  assert.equal(executor.launches.length, 2);
  assert.notEqual(pool.listInstances()[0].id, info.id);
});

test("minWarm instances that fail to start are retried with a doubling back-off (1 s, 2 s, …)", async (t) => {
  fakeTimers(t);
  const executor = { failing: true };
  const { executor: fake, pool } = makePool(t, { minWarm: 1 }, () => (executor.failing ? { launchError: "image not found" } : {}));
  await waitFor(() => pool.listInstances().length === 0, "the failed launch to be cleaned up");
  assert.equal(fake.launches.length, 1);

  mock.timers.tick(999);
  await turn();
  assert.equal(fake.launches.length, 1, "not retried before the back-off");
  mock.timers.tick(1);
  await fake.launched(2);
  await waitFor(() => pool.listInstances().length === 0);

  mock.timers.tick(1999);
  await turn();
  assert.equal(fake.launches.length, 2, "the second back-off is twice the first");
  executor.failing = false;
  mock.timers.tick(1);
  await fake.launched(3);
  await waitFor(() => pool.snapshot().idle === 1, "the third attempt to be ready");
});

test("a launch that fails fails its invocation with Faasbox.LaunchFailed; the next invocation tries a new instance", async (t) => {
  const { executor, invoke } = makePool(t, {}, (index) => (index === 0 ? { launchError: "no such image: node:20" } : {}));
  const failed = await invoke();
  assert.equal(failed.failure?.kind, "platform");
  assert.equal(failed.failure?.error.errorType, "Faasbox.LaunchFailed");
  assert.match(failed.failure!.error.errorMessage, /no such image/);
  assert.deepEqual(parsed(await invoke("again")), "again");
  assert.equal(executor.launches.length, 2);
});

test("a function whose init fails fails its cold invocation with kind init; the next invocation tries a fresh instance", async (t) => {
  const initError = { errorType: "Runtime.UserCodeSyntaxError", errorMessage: "SyntaxError: Unexpected token" };
  const { executor, invoke } = makePool(t, {}, (index) => (index === 0 ? { initError } : {}));
  const failed = await invoke();
  assert.equal(failed.failure?.kind, "init");
  assert.deepEqual(failed.failure?.error, initError);
  assert.deepEqual(parsed(await invoke("fixed")), "fixed");
  assert.equal(executor.launches.length, 2);
  assert.equal(executor.launches[0].killed, true, "the instance that failed to start was removed");
});

test("a handler's own error fails the invocation with kind function and keeps the instance warm", async (t) => {
  const { executor, invoke } = makePool(t, {}, {
    handler: (event) => {
      if (event === "fail") throw new TypeError("bad input");
      return event;
    },
  });
  const failed = await invoke("fail");
  assert.equal(failed.failure?.kind, "function");
  assert.equal(failed.failure?.error.errorType, "TypeError");
  assert.equal(failed.failure?.error.errorMessage, "bad input");
  const next = await invoke("fine");
  assert.equal(parsed(next), "fine");
  assert.equal(next.cold, false);
  assert.equal(executor.launches.length, 1);
});

for (const [dialect, errorType] of [["aws", "Runtime.ExitError"], ["scf", "RuntimeExited"]] as const) {
  test(`${dialect}: an instance that exits mid-invocation fails it with kind exit (${errorType}); the next invocation gets a new instance`, async (t) => {
    const { executor, invoke } = makePool(t, { dialect }, {
      handler: (event, ctx) => (event === "crash" ? ctx.exit(3) : event),
    });
    const crashed = await invoke("crash");
    assert.equal(crashed.failure?.kind, "exit");
    assert.equal(crashed.failure?.error.errorType, errorType);
    assert.match(crashed.failure!.error.errorMessage, /exit status 3/);
    const next = await invoke("after");
    assert.equal(parsed(next), "after");
    assert.equal(next.cold, true);
    assert.notEqual(next.instanceId, crashed.instanceId);
    assert.equal(executor.launches.length, 2);
  });
}

for (const [dialect, errorType] of [["aws", "Runtime.OutOfMemory"], ["scf", "MemoryLimitExceeded"]] as const) {
  test(`${dialect}: an instance killed for its memory fails the invocation with kind oom (${errorType}) and is replaced`, async (t) => {
    const { executor, invoke } = makePool(t, { dialect, memoryMb: 256 }, {
      handler: (event, ctx) => (event === "big" ? ctx.oom() : event),
    });
    const killed = await invoke("big");
    assert.equal(killed.failure?.kind, "oom");
    assert.equal(killed.failure?.error.errorType, errorType);
    assert.match(killed.failure!.error.errorMessage, /256 MB/);
    assert.equal(killed.maxUsedMb, 256, "it used all of its memory");
    const next = await invoke("small");
    assert.equal(parsed(next), "small");
    assert.notEqual(next.instanceId, killed.instanceId);
    assert.equal(executor.launches.length, 2);
  });
}

test("an invocation waiting in the queue runs on a new instance when the busy one crashes", async (t) => {
  const { executor, invoke } = makePool(t, { maxConcurrency: 1 }, {
    handler: (event, ctx) => (event === "crash" ? ctx.exit(1) : event),
  });
  const crashed = invoke("crash");
  const queued = invoke("queued");
  assert.equal((await crashed).failure?.kind, "exit");
  assert.equal(parsed(await queued), "queued");
  assert.equal(executor.launches.length, 2);
});

for (const [dialect, errorType, message] of [
  ["aws", "Sandbox.Timedout", /Task timed out after 2\.00 seconds/],
  ["scf", "TimeLimitExceeded", /timed out after 2 seconds/],
] as const) {
  test(`${dialect}: an invocation past the function's timeout fails with ${errorType}; the instance is replaced`, async (t) => {
    fakeTimers(t);
    const { executor, pool, invoke } = makePool(t, { dialect, timeoutSec: 2 }, { handler: (event, ctx) => (event === "slow" ? ctx.hang() : event) });
    let settled = false;
    const slow = invoke("slow");
    void slow.then(() => (settled = true));
    await executor.received(1);

    mock.timers.tick(1999);
    await turn();
    assert.equal(settled, false, "not before the timeout");
    mock.timers.tick(1);
    const timedOut = await slow;
    assert.equal(timedOut.failure?.kind, "timeout");
    assert.equal(timedOut.failure?.error.errorType, errorType);
    assert.match(timedOut.failure!.error.errorMessage, message);
    assert.equal(timedOut.durationMs, 2000, "billed as its whole timeout");
    assert.ok(timedOut.logs.some((r) => r.stream === "system" && message.test(r.text)), "the timeout is in the invocation's logs");
    await waitFor(() => executor.killed.length === 1, "the timed-out instance to be killed");

    const next = await invoke("quick");
    assert.equal(parsed(next), "quick");
    assert.notEqual(next.instanceId, timedOut.instanceId);
    assert.equal(pool.listInstances().length, 1);
  });
}

test("retire() (hot reload) stops idle instances at once, lets busy ones finish, and runs the next invocation on a fresh instance", async (t) => {
  const release = gate();
  const { executor, pool, invoke } = makePool(t, {}, {
    handler: async (event) => {
      if (event === "busy") await release.promise;
      return event;
    },
  });
  const busy = invoke("busy");
  assert.equal(parsed(await invoke("quick")), "quick");
  await executor.received(2);
  const busyLaunch = executor.launches.find((l) => l.invocations.some((i) => i.event === "busy"))!;
  const idleLaunch = executor.launches.find((l) => l !== busyLaunch)!;

  pool.retire(functionSpec({ environment: { GREETING: "new code" } }));
  await waitFor(() => idleLaunch.killed, "the idle instance to stop");
  assert.equal(busyLaunch.killed, false, "a busy instance is not cut off");

  release.open();
  assert.equal(parsed(await busy), "busy", "the busy instance finishes its invocation normally");
  await waitFor(() => busyLaunch.killed, "the retired instance to stop once idle");

  const next = await invoke("after reload");
  assert.equal(parsed(next), "after reload");
  assert.equal(next.cold, true);
  assert.equal(executor.launches.length, 3);
  assert.equal(executor.launches[2].env.GREETING, "new code", "the fresh instance runs the new configuration");
});

test("an invocation that arrives while an instance is busy after retire() does not wait for the retired instance", async (t) => {
  const release = gate();
  const { executor, pool, invoke } = makePool(t, { maxConcurrency: 2 }, {
    handler: async (event) => {
      if (event === "busy") await release.promise;
      return event;
    },
  });
  const busy = invoke("busy");
  await executor.received(1);
  pool.retire();
  const next = await invoke("new");
  assert.equal(parsed(next), "new");
  assert.equal(next.cold, true);
  release.open();
  assert.equal(parsed(await busy), "busy");
});

test("close() fails queued invocations with Faasbox.ShuttingDown and stops every instance, even one still launching", async (t) => {
  const slowLaunch = gate();
  const { executor, pool, invoke } = makePool(t, { maxConcurrency: 1 }, (index) => (index === 0 ? { launchGate: slowLaunch.promise } : {}));
  const first = invoke("first");
  const queued = invoke("queued");
  await executor.launched(1);
  const closing = pool.close();
  const queuedOutcome = await queued;
  assert.equal(queuedOutcome.failure?.error.errorType, "Faasbox.ShuttingDown");

  slowLaunch.open();
  await within(closing, "close() to finish");
  const firstOutcome = await first;
  assert.ok(firstOutcome.failure, "the invocation on the instance being stopped fails instead of hanging");
  assert.equal(executor.launches[0].killed, true, "the instance that finished launching after the stop is removed");
  assert.equal(executor.running.length, 0);
  const after = await invoke("late");
  assert.equal(after.failure?.error.errorType, "Faasbox.ShuttingDown");
});

test("a runtime that stops asking for work fails the invocation given to it after the function's timeout, and is replaced", async (t) => {
  fakeTimers(t);
  const { executor, invoke } = makePool(t, { timeoutSec: 2 }, (index) => (index === 0 ? { stopPollingAfter: 1 } : {}));
  assert.equal(parsed(await invoke("one")), "one");
  let settled = false;
  const stuck = invoke("two");
  void stuck.then(() => (settled = true));

  mock.timers.tick(1999);
  await turn();
  assert.equal(settled, false, "not before the timeout");
  mock.timers.tick(1);
  const outcome = await stuck;
  assert.equal(outcome.failure?.kind, "timeout");
  assert.equal(outcome.failure?.error.errorType, "Sandbox.Timedout");
  assert.equal(outcome.cold, false);
  assert.equal(executor.launches[0].invocations.length, 1, "the runtime never received it");
  await waitFor(() => executor.launches[0].killed, "the stuck instance to be killed");

  const next = await invoke("three");
  assert.equal(parsed(next), "three");
  assert.equal(executor.launches.length, 2);
});

test("an invocation handed to an instance whose runtime exits before taking it runs on another instance", async (t) => {
  // A custom runtime that handles one event and exits: it answered the first invocation, the
  // second was waiting for it, and the runtime never asked for it. The clouds only hand an
  // invocation to a runtime that asks for one, so the second runs on a fresh instance.
  const { executor, invoke } = makePool(t, { maxConcurrency: 1 }, { stopPollingAfter: 1, thenExit: 0 });
  const first = invoke("first");
  const second = invoke("second");
  assert.equal(parsed(await first), "first");
  const outcome = await second;
  assert.notEqual(outcome.failure?.kind, "init", `not an init failure: ${JSON.stringify(outcome.failure)}`);
  assert.equal(parsed(outcome), "second");
  assert.equal(executor.launches.length, 2);
});

test("an invocation waits for an instance at most the init limit plus the timeout, then is throttled with the cloud's error", async (t) => {
  fakeTimers(t);
  // One instance; every handler hangs, so each waiting call gets the instance only when the one before it timed out (3 s each).
  const { executor, invoke } = makePool(t, { maxConcurrency: 1, queueSize: 10, timeoutSec: 3 }, { handler: (_event, ctx) => ctx.hang() });
  const calls = Array.from({ length: 6 }, (_, n) => invoke(n));
  const settled = new Set<number>();
  calls.forEach((call, n) => void call.then(() => settled.add(n)));
  // Budget: max(10 s init limit, 3 s) + 3 s = 13 s from when each call was accepted.
  for (let delivered = 1; delivered <= 4; delivered++) {
    await executor.received(delivered);
    mock.timers.tick(3000);
    await waitFor(() => settled.has(delivered - 1), `call ${delivered - 1} to time out`);
  }
  // 12 s: calls 0-3 timed out on the instance, call 4 was just handed it, call 5 still waits.
  await executor.received(5);
  mock.timers.tick(1000);
  const last = await calls[5];
  assert.equal(last.failure?.kind, "throttle");
  assert.equal(last.failure?.error.errorType, "TooManyRequestsException");
  assert.match(last.failure!.error.errorMessage, /No instance was free within 13 s/);
  assert.equal(last.instanceId, undefined);
  assert.equal(settled.has(4), false, "the call handed an instance in time runs its course");
  mock.timers.tick(2000);
  assert.equal((await calls[4]).failure?.kind, "timeout");
});
