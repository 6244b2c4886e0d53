// Asynchronous invocation: retries with back-off, the dead-letter queue, replay, and
// delivery across a restart. The queue's timers are mocked; its files are real.
import { test, mock } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AsyncQueue } from "../../../emulator/triggers/async/asyncQueue";
import type { AsyncEventInfo, InvokeResult } from "../../../emulator/protocol";
import { waitFor } from "../../helpers/fakeExecutor";

type After = { after(fn: () => unknown): void };
type Outcome = "delivered" | "retry" | "dead";

function result(ok: boolean, message = "it failed"): InvokeResult {
  return {
    requestId: "r", function: "fn", ok, logs: [],
    ...(ok ? {} : { error: { errorType: "Error", errorMessage: message }, errorKind: "function" as const }),
    timings: { durationMs: 1, billedMs: 1, cold: false, queuedMs: 0 },
    memory: { sizeMb: 128 },
  };
}

function stateDir(t: After): string {
  const dir = mkdtempSync(join(tmpdir(), "faasbox-queue-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A queue on `dir` whose invocations `answer` decides; it records calls and outcomes. */
function makeQueue(t: After, dir: string, answer: (call: number, payload: string) => Promise<InvokeResult> | InvokeResult, options = {}) {
  const calls: string[] = [];
  const outcomes: Array<[Outcome, AsyncEventInfo]> = [];
  const queue = new AsyncQueue(dir, async (_name: string, payload: Buffer) => {
    calls.push(payload.toString());
    return answer(calls.length, payload.toString());
  }, { retries: 2, retryDelayMs: 1000, ...options });
  queue.onOutcome((event, outcome) => outcomes.push([outcome, { ...event }]));
  t.after(() => queue.stop());
  const outcomesSoFar = (n: number) => waitFor(() => outcomes.length >= n, `${n} outcome(s) (got ${outcomes.map((o) => o[0]).join(", ")})`);
  return { queue, calls, outcomes, outcomesSoFar };
}

function fakeTimers(t: After): void {
  mock.timers.enable({ apis: ["setTimeout"] });
  t.after(() => mock.timers.reset());
}

test("a failed asynchronous invocation is retried after 1 s, then 2 s, then dead-lettered with its last error", async (t) => {
  fakeTimers(t);
  const dir = stateDir(t);
  const { queue, calls, outcomes, outcomesSoFar } = makeQueue(t, dir, (call) => result(false, `failure ${call}`));
  queue.start();
  const event = await queue.enqueue("fn", '{"order":42}', "invoke-api");
  await outcomesSoFar(1);
  assert.equal(calls.length, 1);
  assert.equal(outcomes[0][0], "retry");
  const recorded = queue.pending("fn");
  assert.equal(recorded.length, 1, "a retry is recorded on disk");
  assert.equal(recorded[0].attempts, 1);
  assert.equal(recorded[0].lastError?.errorMessage, "failure 1");

  mock.timers.tick(999);
  assert.equal(calls.length, 1, "not retried before the back-off");
  mock.timers.tick(1);
  assert.equal(calls.length, 2);
  await outcomesSoFar(2);
  assert.equal(outcomes[1][0], "retry");

  mock.timers.tick(1999);
  assert.equal(calls.length, 2, "the second back-off is twice the first");
  mock.timers.tick(1);
  assert.equal(calls.length, 3);
  await outcomesSoFar(3);
  assert.equal(outcomes[2][0], "dead");

  await queue.idle();
  assert.deepEqual(calls, ['{"order":42}', '{"order":42}', '{"order":42}'], "every attempt gets the same event");
  assert.deepEqual(queue.pending(), []);
  const dead = queue.deadLetters("fn");
  assert.equal(dead.length, 1);
  assert.equal(dead[0].id, event.id);
  assert.equal(dead[0].attempts, 3, "the first attempt and two retries");
  assert.equal(dead[0].lastError?.errorMessage, "failure 3");
  assert.equal(dead[0].source, "invoke-api");
  assert.equal(typeof dead[0].deadAt, "number");
  mock.timers.tick(60_000);
  assert.equal(calls.length, 3, "a dead-lettered event is not tried again on its own");
});

test("an invocation that throws counts as a failed attempt (Faasbox.InvokeFailed)", async (t) => {
  const dir = stateDir(t);
  const { queue, outcomesSoFar } = makeQueue(t, dir, () => {
    throw new Error("no function named fn");
  }, { retries: 0 });
  queue.start();
  await queue.enqueue("fn", "{}", "timer:nightly");
  await outcomesSoFar(1);
  await queue.idle();
  const [dead] = queue.deadLetters();
  assert.deepEqual(dead.lastError, { errorType: "Faasbox.InvokeFailed", errorMessage: "no function named fn" });
});

test("a dead-lettered event replays with fresh attempts and leaves the dead-letter queue once delivered", async (t) => {
  const dir = stateDir(t);
  let fixed = false;
  const { queue, calls, outcomes, outcomesSoFar } = makeQueue(t, dir, () => result(fixed), { retries: 0 });
  queue.start();
  const event = await queue.enqueue("fn", '{"n":1}', "topic:orders");
  await outcomesSoFar(1);
  await queue.idle();
  assert.equal(outcomes[0][0], "dead");
  assert.equal(queue.deadLetters().length, 1);

  assert.equal(await queue.replay("no-such-id"), undefined);
  fixed = true;
  const replayed = await queue.replay(event.id);
  assert.equal(replayed?.id, event.id);
  await outcomesSoFar(2);
  await queue.idle();
  assert.equal(outcomes[1][0], "delivered");
  assert.equal(outcomes[1][1].id, event.id);
  assert.equal(outcomes[1][1].attempts, 1, "its attempts start again from zero");
  assert.equal(outcomes[1][1].lastError, undefined);
  assert.deepEqual(calls, ['{"n":1}', '{"n":1}']);
  assert.deepEqual(queue.deadLetters(), []);
  assert.deepEqual(queue.pending(), []);
});

test("events pending when the emulator stopped are delivered by the next queue on the same folder", async (t) => {
  const dir = stateDir(t);
  // The first emulator never finishes an invocation: it is killed with them in flight.
  const first = makeQueue(t, dir, () => new Promise<InvokeResult>(() => undefined));
  first.queue.start();
  await first.queue.enqueue("fn", '{"n":1}', "invoke-api");
  await first.queue.enqueue("fn", '{"n":2}', "invoke-api");
  await waitFor(() => first.calls.length === 2);
  first.queue.stop();
  assert.equal(first.queue.pending().length, 2, "still on disk");

  const second = makeQueue(t, dir, () => result(true));
  assert.equal(second.queue.start(), 2, "start() reports what it found");
  await second.outcomesSoFar(2);
  await second.queue.idle();
  assert.deepEqual(second.calls.sort(), ['{"n":1}', '{"n":2}']);
  assert.deepEqual(second.outcomes.map((o) => o[0]), ["delivered", "delivered"]);
  assert.deepEqual(second.queue.pending(), []);
  assert.equal(first.outcomes.length, 0, "the stopped queue recorded nothing after it stopped");
});

test("a restart keeps an event's attempt count: it is not retried more than the retries allow", async (t) => {
  fakeTimers(t);
  const dir = stateDir(t);
  const first = makeQueue(t, dir, () => result(false));
  first.queue.start();
  await first.queue.enqueue("fn", "{}", "invoke-api");
  await first.outcomesSoFar(1); // attempt 1 failed, a retry is due
  first.queue.stop();

  const second = makeQueue(t, dir, () => result(false, "still failing"));
  second.queue.start();
  await second.outcomesSoFar(1);
  assert.equal(second.outcomes[0][0], "retry", "attempt 2 of 3");
  mock.timers.tick(2000);
  await second.outcomesSoFar(2);
  assert.equal(second.outcomes[1][0], "dead", "attempt 3 was the last");
  await second.queue.idle();
  assert.equal(second.calls.length, 2);
  assert.equal(second.queue.deadLetters()[0].attempts, 3);
});
