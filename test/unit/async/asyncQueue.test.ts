import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AsyncQueue } from "../../../emulator/triggers/async/asyncQueue";
import type { InvokeResult } from "../../../emulator/protocol";

function outcome(ok: boolean): InvokeResult {
  return {
    requestId: "r", function: "fn", ok, logs: [],
    ...(ok ? {} : { error: { errorType: "Error", errorMessage: "failed once" }, errorKind: "function" as const }),
    timings: { durationMs: 1, billedMs: 1, cold: false, queuedMs: 0 },
    memory: { sizeMb: 128 },
  };
}

test("a state folder that vanishes mid-retry neither loses the event nor crashes the emulator", async () => {
  const dir = mkdtempSync(join(tmpdir(), "faasbox-queue-"));
  let calls = 0;
  const queue = new AsyncQueue(dir, async () => {
    calls++;
    // The first attempt fails, and the folder its retry would be recorded in is gone.
    if (calls === 1) rmSync(dir, { recursive: true, force: true });
    return outcome(calls > 1);
  }, { retryDelayMs: 10 });
  const delivered = new Promise<string>((resolve) => queue.onOutcome((event, result) => result === "delivered" && resolve(event.function)));
  queue.start();
  await queue.enqueue("fn", "{}", "test");
  assert.equal(await delivered, "fn");
  assert.equal(calls, 2);
  queue.stop();
});

test("a dead letter added by another delivery (a database trigger's batch) is listed, survives a restart and replays to the function", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "faasbox-queue-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const payloads: string[] = [];
  const invoke = async (_name: string, payload: Buffer) => {
    payloads.push(payload.toString());
    return outcome(true);
  };
  const first = new AsyncQueue(dir, invoke);
  const added = await first.addDeadLetter("audit", '{"Records":[{"op":"insert"}]}', "database:shop", { errorType: "Error", errorMessage: "boom" }, 3);
  first.stop();
  assert.deepEqual(payloads, [], "a dead letter is kept, not invoked");

  const restarted = new AsyncQueue(dir, invoke);
  restarted.start();
  t.after(() => restarted.stop());
  const [listed] = restarted.deadLetters("audit");
  assert.deepEqual([listed.id, listed.source, listed.attempts, listed.lastError?.errorMessage], [added.id, "database:shop", 3, "boom"]);
  await restarted.replay(added.id);
  await restarted.idle();
  assert.deepEqual(payloads, ['{"Records":[{"op":"insert"}]}']);
  assert.deepEqual(restarted.deadLetters(), []);
});
