import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AsyncQueue } from "../../../emulator/triggers/async/asyncQueue";

const FAILED = { ok: false, error: { errorType: "Error", errorMessage: "boom" } };

test("a function's MaximumRetryAttempts replaces the queue's default: 0 retries means one attempt, then the dead-letter list", async () => {
  const dir = mkdtempSync(join(tmpdir(), "faasbox-queue-"));
  const calls: string[] = [];
  const queue = new AsyncQueue(dir, async (name) => (calls.push(name), FAILED), {
    retries: 2,
    retryDelayMs: 1,
    policy: (name) => (name === "strict" ? { retries: 0 } : {}),
  });
  queue.start();
  await queue.enqueue("strict", "{}", "test");
  await queue.enqueue("lenient", "{}", "test");
  await queue.idle();
  assert.deepEqual(calls.filter((name) => name === "strict").length, 1);
  assert.deepEqual(calls.filter((name) => name === "lenient").length, 3);
  assert.deepEqual(queue.deadLetters().map((e) => [e.function, e.attempts]).sort(), [["lenient", 3], ["strict", 1]]);
  queue.stop();
});

test("an event older than the function's MaximumEventAgeInSeconds is dead-lettered, not attempted", async () => {
  const dir = mkdtempSync(join(tmpdir(), "faasbox-queue-"));
  // Left pending by an earlier run, two minutes ago.
  const pending = join(dir, "pending");
  const first = new AsyncQueue(dir, async () => FAILED);
  first.stop();
  const event = { id: "old", function: "fn", payload: "{}", source: "test", enqueuedAt: Date.now() - 120_000, attempts: 0 };
  writeFileSync(join(pending, "old.json"), JSON.stringify(event));
  let calls = 0;
  const queue = new AsyncQueue(dir, async () => (calls++, { ok: true }), { policy: () => ({ maxEventAgeMs: 60_000 }) });
  queue.start();
  await queue.idle();
  assert.equal(calls, 0);
  const [dead] = queue.deadLetters();
  assert.equal(dead.lastError?.errorType, "Faasbox.EventTooOld");
  assert.match(dead.lastError?.errorMessage ?? "", /older than the function's MaximumEventAgeInSeconds \(60 s\)/);
  assert.deepEqual(readdirSync(pending), []);
  assert.equal(JSON.parse(readFileSync(join(dir, "dead", "old.json"), "utf8")).id, "old");
  queue.stop();
});
