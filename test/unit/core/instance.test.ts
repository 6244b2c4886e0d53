// One instance and its runtime API, with a scripted runtime instead of a container.
import { test, mock } from "node:test";
import assert from "node:assert/strict";
import { Instance } from "../../../emulator/core/runtime/instance";
import { Invocation } from "../../../emulator/core/runtime/invocation";
import { LogBus } from "../../../emulator/core/logs/logBus";
import type { InstanceState, LogRecord } from "../../../emulator/protocol";
import type { FunctionSpec } from "../../../emulator/project/spec";
import { FakeExecutor, gate, waitFor, within, type RuntimeScript } from "../../helpers/fakeExecutor";
import { fixedImage, functionSpec } from "../../helpers/specs";

type After = { after(fn: () => unknown): void };

/** An instance on a fake executor, its state changes and every log record it published. */
function makeInstance(t: After, script: RuntimeScript = {}, spec: FunctionSpec = functionSpec()) {
  const executor = new FakeExecutor(script);
  const logBus = new LogBus();
  const records: LogRecord[] = [];
  logBus.subscribe((record) => records.push(record));
  const instance = new Instance(spec, executor, fixedImage("fake-image"), logBus, {});
  const states: InstanceState[] = [];
  instance.on("state", (state) => states.push(state));
  t.after(async () => {
    await instance.stop();
    await executor.close();
  });
  return { executor, instance, states, records };
}

/** An invocation that keeps its log lines for its outcome, as the CLI's and the editor's do. */
function invocation(event: unknown = {}): Invocation {
  return new Invocation(Buffer.from(JSON.stringify(event)), { keepLogs: true });
}

/** The invocation's outcome; a guard fails the test if it never comes. */
function settled(invocation: Invocation) {
  return within(invocation.done, `invocation ${invocation.requestId} to settle`);
}

/** Lets pending I/O callbacks and promise continuations run. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

test("an instance goes starting → idle, busy while it runs an invocation, idle again, then stopping → stopped", async (t) => {
  const { executor, instance, states } = makeInstance(t);
  assert.equal(instance.state, "starting");
  await instance.start();
  await waitFor(() => instance.state === "idle", "the instance to be ready");

  const first = invocation({ n: 1 });
  instance.assign(first);
  assert.equal(instance.state, "busy");
  assert.equal(instance.isAvailable, false);
  const outcome = await settled(first);
  assert.deepEqual(JSON.parse(outcome.payload!.toString()), { n: 1 });
  assert.equal(outcome.failure, undefined);
  assert.equal(outcome.cold, false, "an instance that was ready before the invocation came serves it warm");
  assert.equal(instance.state, "idle");
  assert.equal(instance.invocationCount, 1);

  await instance.stop();
  assert.equal(instance.state, "stopped", "stop() resolves once the instance has stopped");
  assert.deepEqual(states, ["idle", "busy", "idle", "stopping", "stopped"]);
  assert.equal(executor.killed.length, 1);
  assert.equal(executor.launches[0].exit?.signal, "SIGKILL");
});

test("an invocation given to a starting instance is its cold start: busy as soon as it is ready, with the init duration", async (t) => {
  const { instance, states } = makeInstance(t);
  const first = invocation({ cold: true });
  instance.assign(first);
  await instance.start();
  const outcome = await settled(first);
  assert.equal(outcome.cold, true);
  assert.equal(typeof outcome.initMs, "number");
  assert.equal(outcome.instanceId, instance.id);
  assert.deepEqual(states, ["busy", "idle"]);
});

test("an instance refuses a second invocation while it is busy", async (t) => {
  const { instance } = makeInstance(t, { handler: (_event, ctx) => ctx.hang() });
  await instance.start();
  await waitFor(() => instance.state === "idle");
  instance.assign(invocation());
  assert.throws(() => instance.assign(invocation()), /cannot take an invocation while busy/);
});

test("an init error the runtime reports fails the cold invocation with kind init and stops the instance", async (t) => {
  const initError = { errorType: "Runtime.ImportModuleError", errorMessage: "Error: Cannot find module 'index'" };
  const { executor, instance, records } = makeInstance(t, { initError });
  const first = invocation();
  instance.assign(first);
  await instance.start();
  const outcome = await settled(first);
  assert.equal(outcome.failure?.kind, "init");
  assert.deepEqual(outcome.failure?.error, initError);
  assert.deepEqual(instance.startupError, initError);
  await waitFor(() => instance.state === "stopped", "the failed instance to stop");
  assert.equal(executor.killed.length, 1, "the runtime that failed to start is removed");
  const printed = records.find((r) => r.stream === "stderr" && r.text.includes("Runtime.ImportModuleError"));
  assert.equal(printed?.requestId, first.requestId, "the init error is shown in the logs of the request that waited for it");
});

test("a runtime that exits before it is ready fails the cold invocation with kind init, quoting its last output", async (t) => {
  const { instance } = makeInstance(t, { initOutput: "SyntaxError: Unexpected token '}'", initExit: 1 });
  const first = invocation();
  instance.assign(first);
  await instance.start();
  const outcome = await settled(first);
  assert.equal(outcome.failure?.kind, "init");
  assert.equal(outcome.failure?.error.errorType, "Runtime.ExitError");
  assert.match(outcome.failure!.error.errorMessage, /exited before it was ready \(exit status 1\)/);
  assert.match(outcome.failure!.error.errorMessage, /SyntaxError: Unexpected token/);
  await waitFor(() => instance.state === "stopped");
});

test("a runtime that never becomes ready fails with Runtime.InitTimeout after 10 s (or the function timeout, if longer)", async (t) => {
  mock.timers.enable({ apis: ["setTimeout"] });
  t.after(() => mock.timers.reset());
  const { executor, instance } = makeInstance(t, { neverReady: true }, functionSpec({ timeoutSec: 15 }));
  const first = invocation();
  instance.assign(first);
  let finished = false;
  void first.done.then(() => (finished = true));
  await instance.start();

  mock.timers.tick(14_999);
  await turn();
  assert.equal(finished, false, "the init limit is the function's timeout when that is longer than 10 s");
  mock.timers.tick(1);
  const outcome = await settled(first);
  assert.equal(outcome.failure?.kind, "init");
  assert.equal(outcome.failure?.error.errorType, "Runtime.InitTimeout");
  assert.match(outcome.failure!.error.errorMessage, /did not become ready within 15 s/);
  await waitFor(() => instance.state === "stopped");
  assert.equal(executor.killed.length, 1);
});

test("an SCF runtime that reports ready but never asks for work fails the cold invocation after the function's timeout", async (t) => {
  mock.timers.enable({ apis: ["setTimeout"] });
  t.after(() => mock.timers.reset());
  const { executor, instance } = makeInstance(t, { stopPollingAfter: 0 }, functionSpec({ dialect: "scf", timeoutSec: 3 }));
  const first = invocation();
  instance.assign(first);
  await instance.start();
  await waitFor(() => instance.state === "busy", "the runtime to report ready");
  let finished = false;
  void first.done.then(() => (finished = true));
  mock.timers.tick(2999);
  await turn();
  assert.equal(finished, false);
  mock.timers.tick(1);
  const outcome = await settled(first);
  assert.equal(outcome.failure?.kind, "timeout");
  assert.equal(outcome.failure?.error.errorType, "TimeLimitExceeded");
  await waitFor(() => instance.state === "stopped");
  assert.equal(executor.killed.length, 1);
});

test("an invocation that does not keep its logs gets none in its outcome, but every line is still published", async (t) => {
  const { instance, records } = makeInstance(t, {
    handler: async (_event, ctx) => {
      await ctx.log("printed");
      return null;
    },
  });
  await instance.start();
  const quiet = new Invocation(Buffer.from("{}"));
  instance.assign(quiet);
  const outcome = await settled(quiet);
  assert.deepEqual(outcome.logs, []);
  assert.deepEqual(records.filter((r) => r.requestId === quiet.requestId).map((r) => r.text.split(" ")[0]), ["START", "printed", "END", "REPORT"]);
});

test("a result posted for a request id that is not in flight is refused with 400 InvalidRequestID, and the real one still counts", async (t) => {
  const statuses: Array<{ status: number; errorType: string }> = [];
  const { instance } = makeInstance(t, {
    handler: async (event, ctx) => {
      const stray = await ctx.post("/2018-06-01/runtime/invocation/not-this-one/response", '{"stray":true}');
      statuses.push({ status: stray.status, errorType: JSON.parse(stray.body.toString()).errorType });
      const previous = (event as { previous?: string }).previous;
      if (previous) {
        // The earlier invocation is over: answering it again is refused too.
        const late = await ctx.post(`/2018-06-01/runtime/invocation/${previous}/response`, '{"late":true}');
        statuses.push({ status: late.status, errorType: JSON.parse(late.body.toString()).errorType });
      }
      return { answered: ctx.requestId };
    },
  });
  await instance.start();
  const first = invocation();
  instance.assign(first);
  const outcome = await settled(first);
  assert.deepEqual(JSON.parse(outcome.payload!.toString()), { answered: first.requestId });

  const second = invocation({ previous: first.requestId });
  instance.assign(second);
  const secondOutcome = await settled(second);
  assert.deepEqual(JSON.parse(secondOutcome.payload!.toString()), { answered: second.requestId });
  assert.deepEqual(statuses, [
    { status: 400, errorType: "InvalidRequestID" },
    { status: 400, errorType: "InvalidRequestID" },
    { status: 400, errorType: "InvalidRequestID" },
  ]);
});

test("a custom runtime's second answer to the same request is refused with 400, and the first answer stands", async (t) => {
  const again: number[] = [];
  const { instance } = makeInstance(t, {
    handler: () => ({ answer: 1 }),
    afterAnswer: async (ctx) => {
      again.push((await ctx.post(`/2018-06-01/runtime/invocation/${ctx.requestId}/response`, '{"answer":2}')).status);
    },
  }, functionSpec({ family: "custom", runtime: "provided.al2023", handler: "bootstrap" }));
  await instance.start();
  const first = invocation();
  instance.assign(first);
  const outcome = await settled(first);
  assert.deepEqual(JSON.parse(outcome.payload!.toString()), { answer: 1 });
  await waitFor(() => again.length === 1, "the second answer");
  assert.deepEqual(again, [400]);
});

for (const dialect of ["aws", "scf"] as const) {
  test(`${dialect}: START, END and REPORT lines are published with the request id, around what the function printed`, async (t) => {
    const { instance, records } = makeInstance(t, {
      handler: async (_event, ctx) => {
        await ctx.log("inside the handler");
        return "ok";
      },
    }, functionSpec({ dialect }));
    const first = invocation();
    instance.assign(first);
    await instance.start();
    const outcome = await settled(first);
    const id = first.requestId;
    const lines = records.filter((r) => r.requestId === id).map((r) => `${r.stream} ${r.text}`);
    if (dialect === "aws") {
      assert.equal(lines[0], `system START RequestId: ${id} Version: $LATEST`);
      assert.equal(lines[1], "stdout inside the handler");
      assert.equal(lines[2], `system END RequestId: ${id}`);
      assert.match(lines[3], new RegExp(`^system REPORT RequestId: ${id}\\tDuration: [\\d.]+ ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: n/a\\tInit Duration: [\\d.]+ ms$`));
    } else {
      assert.equal(lines[0], `system START RequestId:${id}`);
      assert.equal(lines[1], "stdout inside the handler");
      assert.equal(lines[2], `system END RequestId:${id}`);
      assert.match(lines[3], new RegExp(`^system Report RequestId:${id} Duration:[\\d.]+ms Billed Duration:\\d+ms Memory Size:128MB Max Memory Used:n/a Init Duration:[\\d.]+ms$`));
    }
    assert.equal(lines.length, 4);
    assert.deepEqual(outcome.logs.map((r) => `${r.stream} ${r.text}`), lines, "the invocation's own logs are the same lines");
    assert.ok(outcome.logs.every((r) => r.function === "fn" && r.instanceId === instance.id));
  });
}

test("lines from the shims' log channel and the process's own output belong to the request in flight; others do not", async (t) => {
  const { instance, records } = makeInstance(t, {
    handler: async (_event, ctx) => {
      await ctx.log("through the shim", "stderr");
      ctx.print("straight to stdout");
      // A line a background timer printed, outside any request.
      await ctx.post("/faasbox/v1/logs", JSON.stringify([{ stream: "stdout", time: Date.now(), text: "background" }]));
      // A shim line tagged with another request id.
      await ctx.post("/faasbox/v1/logs", JSON.stringify([{ stream: "stdout", requestId: "someone-else", time: Date.now(), text: "elsewhere" }]));
      return null;
    },
  });
  await instance.start();
  const first = invocation();
  instance.assign(first);
  const outcome = await settled(first);
  const own = outcome.logs.filter((r) => r.stream !== "system").map((r) => [r.stream, r.text, r.requestId]);
  assert.deepEqual(own, [
    ["stderr", "through the shim", first.requestId],
    ["stdout", "straight to stdout", first.requestId],
  ]);
  const background = records.find((r) => r.text === "background");
  assert.ok(background, "lines outside a request are still published");
  assert.equal(background.requestId, undefined);
  assert.equal(records.find((r) => r.text === "elsewhere")?.requestId, "someone-else");
});

test("a malformed batch on the log channel is refused with 400 and the instance keeps serving", async (t) => {
  const { instance } = makeInstance(t, {
    handler: async (_event, ctx) => (await ctx.post("/faasbox/v1/logs", "not json")).status,
  });
  await instance.start();
  const first = invocation();
  instance.assign(first);
  assert.equal((await settled(first)).payload?.toString(), "400");
  assert.equal(instance.state, "idle");
});

test("an instance stopped while it is being prepared launches nothing and arms no init timer", async (t) => {
  const { executor, instance, states } = makeInstance(t);
  // The image choice (an engine call) is still on its way when the instance is stopped.
  let reached!: () => void;
  const atChoice = new Promise<void>((resolve) => (reached = resolve));
  let choose!: () => void;
  const chosen = new Promise<void>((resolve) => (choose = resolve));
  Object.assign(executor, { chooseImage: async () => (reached(), await chosen, { image: "fake-image", notices: [] }) });
  const timers = mock.method(globalThis, "setTimeout");
  const starting = instance.start();
  await atChoice;
  await instance.stop();
  assert.equal(instance.state, "stopped");
  choose();
  await starting;
  await turn();
  assert.equal(executor.launches.length, 0, "nothing launched after stop()");
  assert.deepEqual(timers.mock.calls.filter((call) => Number(call.arguments[1]) >= 10_000).map((call) => call.arguments[1]), [], "no init timer armed: it would keep the process alive");
  assert.deepEqual(states, ["stopping", "stopped"]);
  timers.mock.restore();
});

test("the first event waits until the init phase's resources have ended, so no invocation runs with the init phase's CPU", async (t) => {
  // docker: the quota drops from a full vCPU to the function's share (initDone); an engine slow
  // to answer must not leave the first invocation running at the init phase's CPU meanwhile.
  const lowered = gate();
  const { executor, instance } = makeInstance(t, { initDoneGate: lowered.promise });
  const first = invocation({ n: 1 });
  instance.assign(first);
  await instance.start();
  await waitFor(() => executor.launches[0]?.initDoneCalled === true, "initDone to be called once the runtime is ready");
  for (let i = 0; i < 20; i++) await turn();
  assert.equal(executor.invocations.length, 0, "no event given while the quota is still the init phase's");
  lowered.open();
  const outcome = await settled(first);
  assert.deepEqual(JSON.parse(outcome.payload!.toString()), { n: 1 });
  assert.equal(outcome.cold, true);
});
