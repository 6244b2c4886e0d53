// The ordered delivery of database changes to one consumer, as Lambda's Kinesis event source
// mapping delivers a shard: batches in commit order, one at a time, the source acknowledged only
// at transaction ends and never past a failing record, ReportBatchItemFailures and bisect
// retrying only what failed, dead letters after the retries, and nothing acknowledged when the
// emulator stops mid-batch. The source is an in-memory slot (the real PostgreSQL is i18-pg's tier).
import { test } from "node:test";
import assert from "node:assert/strict";
import { ChangeDelivery, DEFAULT_MAX_RETRIES, type ChangeDeliveryOptions } from "../../../emulator/triggers/database/changeDelivery";
import type { ChangeInvokeResult } from "../../../emulator/triggers/database/batchSettlement";
import type { DeliveryStatus } from "../../../emulator/triggers/database/deliveryStatus";
import type { RowChange } from "../../../emulator/triggers/database/rowChange";
import type { FunctionError } from "../../../emulator/protocol";
import { dmsKinesisEvent } from "../../../emulator/triggers/database/dmsKinesisEvent";
import { dtsCkafkaEvent } from "../../../emulator/triggers/database/dtsCkafkaEvent";
import { plainChangeEvent } from "../../../emulator/triggers/database/plainChangeEvent";
import { MemoryChangeSource } from "../../helpers/memoryChangeSource";

type After = { after(fn: () => unknown): void };

interface TestEvent {
  Records: Array<{ kinesis: { sequenceNumber: string }; id: number }>;
}

/** A Kinesis-like event: one record per change, each with its own sequence number (the shapes derive theirs from the LSNs). */
function toEvent(changes: RowChange[]): TestEvent {
  return { Records: changes.map((c) => ({ kinesis: { sequenceNumber: `${c.commitLsn}#${c.indexInTransaction}` }, id: c.key.id as number })) };
}

const ok = (response?: unknown): ChangeInvokeResult => ({ ok: true, ...(response === undefined ? {} : { response: Buffer.from(JSON.stringify(response)) }) });
const failed = (message: string): ChangeInvokeResult => ({ ok: false, error: { errorType: "Error", errorMessage: message } });
const failuresAt = (event: TestEvent, ...ids: number[]) => ({ batchItemFailures: event.Records.filter((r) => ids.includes(r.id)).map((r) => ({ itemIdentifier: r.kinesis.sequenceNumber })) });

function setup(t: After, answer: (event: TestEvent, call: number) => ChangeInvokeResult | Promise<ChangeInvokeResult>, options: Partial<ChangeDeliveryOptions> = {}) {
  const source = new MemoryChangeSource();
  const invocations: number[][] = [];
  const deadLetters: Array<{ ids: number[]; error: FunctionError }> = [];
  const statuses: DeliveryStatus[] = [];
  const delivery = new ChangeDelivery(source, {
    batchSize: 100,
    batchWindowSec: 0,
    retryDelayMs: 0,
    toEvent,
    invoke: async (event) => {
      const e = event as TestEvent;
      invocations.push(e.Records.map((r) => r.id));
      return answer(e, invocations.length);
    },
    deadLetter: async (event, error) => {
      deadLetters.push({ ids: (event as TestEvent).Records.map((r) => r.id), error });
    },
    onStatus: (status) => statuses.push(status),
    ...options,
  });
  t.after(() => delivery.stop());
  const acknowledgedIds = () => source.acknowledged.map((c) => c.key.id);
  return { source, delivery, invocations, deadLetters, statuses, acknowledgedIds };
}

test("batches keep commit order, hold at most BatchSize changes, and only one is with the function at a time", async (t) => {
  let inFlight = 0;
  let mostInFlight = 0;
  const { source, delivery, invocations } = setup(t, async () => {
    inFlight++;
    mostInFlight = Math.max(mostInFlight, inFlight);
    await new Promise((resolve) => setImmediate(resolve));
    inFlight--;
    return ok();
  }, { batchSize: 4 });
  await delivery.start();
  const ids = Array.from({ length: 30 }, (_, i) => i + 1);
  // Transactions of 1 to 4 changes, committed while earlier batches are with the function.
  const committing: Array<Promise<unknown>> = [];
  for (let i = 0; i < ids.length; ) {
    const size = (i % 4) + 1;
    committing.push(source.commit(ids.slice(i, i + size)));
    i += size;
  }
  await Promise.all(committing);
  await delivery.idle();
  assert.deepEqual(invocations.flat(), ids, "every change exactly once, in commit order");
  assert.ok(invocations.every((batch) => batch.length >= 1 && batch.length <= 4), `batches of 1 to 4 changes: ${JSON.stringify(invocations)}`);
  assert.equal(mostInFlight, 1);
  assert.equal(source.confirmedChange()?.key.id, 30, "the slot is confirmed up to the last change");
});

test("changes that wait fill whole batches: BatchSize changes per event", async (t) => {
  const { source, delivery, invocations } = setup(t, () => ok(), { batchSize: 3 });
  // Committed before the consumer starts, as changes made while the emulator was stopped wait in the slot.
  void source.commit([1, 2, 3, 4]);
  void source.commit([5, 6, 7, 8]);
  await delivery.start();
  await source.handed();
  await delivery.idle();
  assert.deepEqual(invocations, [[1, 2, 3], [4, 5, 6], [7, 8]]);
});

test("a batching window gathers changes committed one by one into one event", async (t) => {
  const { source, delivery, invocations } = setup(t, () => ok(), { batchSize: 10, batchWindowSec: 1 });
  await delivery.start();
  await source.commit([1]);
  await source.commit([2]);
  await source.commit([3]);
  await delivery.idle();
  assert.deepEqual(invocations, [[1, 2, 3]]);
});

test("without a batching window each change goes as soon as it is there", async (t) => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const { source, delivery, invocations } = setup(t, async (_event, call) => {
    if (call === 1) await held;
    return ok();
  }, { batchSize: 10, batchWindowSec: 0 });
  await delivery.start();
  await source.commit([1]);
  await source.commit([2]);
  await source.commit([3]);
  release();
  await delivery.idle();
  // The first went alone; what came while it was with the function went together.
  assert.deepEqual(invocations, [[1], [2, 3]]);
});

test("a full batch does not wait for the window to close", async (t) => {
  const { source, delivery, invocations } = setup(t, () => ok(), { batchSize: 2, batchWindowSec: 300 });
  await delivery.start();
  await source.commit([1, 2]);
  await delivery.idle();
  assert.deepEqual(invocations, [[1, 2]]);
});

test("the source is acknowledged only at transaction ends: a transaction split across batches is confirmed with its last change", async (t) => {
  const { source, delivery, invocations, acknowledgedIds } = setup(t, () => ok(), { batchSize: 3 });
  void source.commit([1, 2, 3, 4, 5]);
  void source.commit([6, 7]);
  await delivery.start();
  await source.handed();
  await delivery.idle();
  assert.deepEqual(invocations, [[1, 2, 3], [4, 5, 6], [7]]);
  // After [1,2,3] nothing could be confirmed (the transaction goes on); after [4,5,6] its end, 5; then 7.
  assert.deepEqual(acknowledgedIds(), [5, 7]);
  assert.ok(source.acknowledged.every((c) => c.lastInTransaction));
});

test("ReportBatchItemFailures: the records before the lowest one reported are confirmed, only the rest is retried", async (t) => {
  const { source, delivery, invocations, acknowledgedIds, deadLetters } = setup(t, (event, call) => (call === 1 ? ok(failuresAt(event, 5, 3)) : ok()), {
    batchSize: 10,
    reportBatchItemFailures: true,
  });
  for (let id = 1; id <= 6; id++) void source.commit([id]);
  await delivery.start();
  await source.handed();
  await delivery.idle();
  assert.deepEqual(invocations, [[1, 2, 3, 4, 5, 6], [3, 4, 5, 6]]);
  assert.deepEqual(acknowledgedIds(), [2, 6]);
  assert.deepEqual(deadLetters, []);
});

test("ReportBatchItemFailures: a reported record inside a transaction confirms only the transactions before it", async (t) => {
  const { source, delivery, invocations, acknowledgedIds } = setup(t, (event, call) => (call === 1 ? ok(failuresAt(event, 3)) : ok()), {
    batchSize: 10,
    reportBatchItemFailures: true,
  });
  void source.commit([1]);
  void source.commit([2, 3, 4]);
  await delivery.start();
  await source.handed();
  await delivery.idle();
  assert.deepEqual(invocations, [[1, 2, 3, 4], [3, 4]]);
  // 2 was delivered, but confirming it would confirm half of its transaction: only 1, then 4.
  assert.deepEqual(acknowledgedIds(), [1, 4]);
});

test("ReportBatchItemFailures: an unknown itemIdentifier or a response that is not JSON fails the whole batch", async (t) => {
  const answers = [ok({ batchItemFailures: [{ itemIdentifier: "999" }] }), { ok: true, response: Buffer.from("not json") }, ok({ batchItemFailures: [] })];
  const { source, delivery, invocations, statuses } = setup(t, (_event, call) => answers[call - 1], { reportBatchItemFailures: true });
  void source.commit([1, 2]);
  await delivery.start();
  await source.handed();
  await delivery.idle();
  assert.deepEqual(invocations, [[1, 2], [1, 2], [1, 2]]);
  assert.ok(statuses.some((s) => s.state === "failing" && /itemIdentifier "999" names no record/.test(s.error ?? "")), "the status says why the batch failed");
});

test("without ReportBatchItemFailures a batchItemFailures response is a success, as Lambda ignores it", async (t) => {
  const { source, delivery, invocations } = setup(t, (event) => ok(failuresAt(event, 1)));
  void source.commit([1, 2]);
  await delivery.start();
  await source.handed();
  await delivery.idle();
  assert.deepEqual(invocations, [[1, 2]]);
});

test("BisectBatchOnFunctionError splits a failing batch in halves until the bad change is alone; splits do not use up retries", async (t) => {
  const poison = 5;
  const { source, delivery, invocations, deadLetters, acknowledgedIds } = setup(t, (event) => (event.Records.some((r) => r.id === poison) ? failed("cannot take 5") : ok()), {
    batchSize: 8,
    bisectOnError: true,
    maxRetries: 1,
  });
  for (let id = 1; id <= 8; id++) void source.commit([id]);
  await delivery.start();
  await source.handed();
  await delivery.idle();
  assert.deepEqual(invocations, [
    [1, 2, 3, 4, 5, 6, 7, 8],
    [1, 2, 3, 4],
    [5, 6, 7, 8],
    [5, 6],
    [5],
    [5], // its one retry
    [6],
    [7, 8],
  ]);
  assert.deepEqual(deadLetters.map((d) => d.ids), [[5]]);
  assert.equal(deadLetters[0].error.errorMessage, "cannot take 5");
  // Never past 5 while it was failing; past it once it was dead-lettered.
  assert.deepEqual(acknowledgedIds(), [4, 5, 6, 8]);
});

test("bisect with ReportBatchItemFailures: a partial response splits at the reported record", async (t) => {
  const { source, delivery, invocations } = setup(t, (event, call) => (call === 1 ? ok(failuresAt(event, 3)) : ok()), {
    batchSize: 4,
    bisectOnError: true,
    reportBatchItemFailures: true,
  });
  for (let id = 1; id <= 4; id++) void source.commit([id]);
  await delivery.start();
  await source.handed();
  await delivery.idle();
  assert.deepEqual(invocations, [[1, 2, 3, 4], [3, 4]]);
});

test("after its retries a failing batch is dead-lettered and acknowledged, and delivery goes on", async (t) => {
  const { source, delivery, invocations, deadLetters, acknowledgedIds, statuses } = setup(t, (event) => (event.Records[0].id === 1 ? failed("boom") : ok()), { batchSize: 3 });
  void source.commit([1, 2, 3]);
  void source.commit([4, 5]);
  await delivery.start();
  await source.handed();
  await delivery.idle();
  assert.equal(DEFAULT_MAX_RETRIES, 2);
  assert.deepEqual(invocations, [[1, 2, 3], [1, 2, 3], [1, 2, 3], [4, 5]], "the first attempt and DEFAULT_MAX_RETRIES retries, then the next batch");
  assert.deepEqual(deadLetters, [{ ids: [1, 2, 3], error: { errorType: "Error", errorMessage: "boom" } }]);
  assert.deepEqual(acknowledgedIds(), [3, 5]);
  const last = statuses[statuses.length - 1];
  assert.equal(last.deadLettered, 1);
  assert.equal(last.waiting, 0);
  assert.ok(statuses.some((s) => s.state === "failing" && s.error === "Error: boom"), "the editor sees the consumer failing, with the error");
  assert.deepEqual([delivery.status().state, delivery.status().error], ["idle", undefined], "the next batch's success clears the failure");
});

test("a record that keeps failing under ReportBatchItemFailures is dead-lettered alone, with what follows it in the batch", async (t) => {
  const { source, delivery, invocations, deadLetters, acknowledgedIds } = setup(t, (event) => (event.Records.some((r) => r.id === 2) ? ok(failuresAt(event, 2)) : ok()), {
    reportBatchItemFailures: true,
    maxRetries: 1,
  });
  for (let id = 1; id <= 3; id++) void source.commit([id]);
  await delivery.start();
  await source.handed();
  await delivery.idle();
  assert.deepEqual(invocations, [[1, 2, 3], [2, 3]]);
  assert.deepEqual(deadLetters.map((d) => d.ids), [[2, 3]]);
  assert.equal(deadLetters[0].error.errorType, "Faasbox.BatchItemFailures");
  assert.deepEqual(acknowledgedIds(), [1, 3]);
});

test("a function that cannot be invoked is retried, then dead-lettered; it is never bisected", async (t) => {
  const { source, delivery, invocations, deadLetters } = setup(t, () => {
    throw new Error("function not loaded");
  }, { bisectOnError: true, maxRetries: 1 });
  void source.commit([1, 2]);
  await delivery.start();
  await source.handed();
  await delivery.idle();
  assert.deepEqual(invocations, [[1, 2], [1, 2]]);
  assert.deepEqual(deadLetters.map((d) => [d.ids, d.error.errorType]), [[[1, 2], "Faasbox.InvokeFailed"]]);
});

test("stop() mid-batch leaves the batch unacknowledged, and the next start delivers it again", async (t) => {
  let release!: (result: ChangeInvokeResult) => void;
  const { source, delivery, invocations, deadLetters } = setup(t, (_event, call) => (call === 1 ? new Promise((resolve) => (release = resolve)) : ok()));
  void source.commit([1, 2]);
  void source.commit([3]);
  await delivery.start();
  while (invocations.length === 0) await new Promise((resolve) => setImmediate(resolve));
  await delivery.stop();
  release(ok()); // the function finishes after the emulator stopped: not recorded
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(source.acknowledged, []);
  assert.deepEqual(deadLetters, []);
  assert.equal(delivery.status().state, "stopped");

  // The same slot, read by the next run of the emulator.
  const redelivered: number[][] = [];
  const again = new ChangeDelivery(source, {
    batchSize: 100,
    batchWindowSec: 0,
    toEvent,
    invoke: async (event) => {
      redelivered.push((event as TestEvent).Records.map((r) => r.id));
      return ok();
    },
    deadLetter: async () => {},
  });
  t.after(() => again.stop());
  await again.start();
  await source.handed();
  await again.idle();
  assert.deepEqual(redelivered, [[1, 2, 3]], "nothing skipped, all delivered again");
  assert.equal(source.confirmedChange()?.key.id, 3);
});

test("changes a reconnecting source gives again are not delivered twice", async (t) => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const { source, delivery, invocations } = setup(t, async (_event, call) => {
    if (call === 2) await held;
    return ok();
  }, { batchSize: 2 });
  await delivery.start();
  void source.commit([1, 2, 3]);
  while (invocations.length < 2) await new Promise((resolve) => setImmediate(resolve));
  // 1 and 2 are delivered but not confirmed (their transaction ends with 3, still with the
  // function) when the connection drops: the slot gives 1, 2 and 3 again.
  const rewound = source.rewind();
  release();
  await rewound;
  await source.commit([4]);
  await source.handed();
  await delivery.idle();
  assert.deepEqual(invocations, [[1, 2], [3], [4]]);
});

test("MaximumRetryAttempts counts the retries of a record: a failure that moves on to a later record starts the count again", async (t) => {
  const { source, delivery, invocations, deadLetters } = setup(t, (event) => {
    const first = event.Records[0].id;
    return first < 4 ? ok(failuresAt(event, first + 1)) : ok();
  }, { reportBatchItemFailures: true, maxRetries: 1 });
  for (let id = 1; id <= 4; id++) void source.commit([id]);
  await delivery.start();
  await source.handed();
  await delivery.idle();
  assert.deepEqual(invocations, [[1, 2, 3, 4], [2, 3, 4], [3, 4], [4]]);
  assert.deepEqual(deadLetters, []);
});

test("a function that fails after stop() is neither retried nor dead-lettered", async (t) => {
  let release!: (result: ChangeInvokeResult) => void;
  const { source, delivery, invocations, deadLetters } = setup(t, () => new Promise((resolve) => (release = resolve)), { maxRetries: 0 });
  void source.commit([1]);
  await delivery.start();
  while (invocations.length === 0) await new Promise((resolve) => setImmediate(resolve));
  await delivery.stop();
  release(failed("late"));
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(deadLetters, []);
  assert.deepEqual(invocations, [[1]]);
  assert.deepEqual(source.acknowledged, []);
});

test("stop() ends a retry pause at once: no retry follows and no timer is left behind", async (t) => {
  const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
  const before = timers();
  const { source, delivery, invocations, deadLetters } = setup(t, () => failed("down"), { retryDelayMs: 60_000 });
  void source.commit([1]);
  await delivery.start();
  while (timers() === before) await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(invocations, [[1]], "the first attempt failed; the retry waits a minute");
  await delivery.stop();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(timers(), before, "the minute's wait ended with the stop");
  assert.deepEqual(invocations, [[1]]);
  assert.deepEqual(deadLetters, []);
  assert.deepEqual(source.acknowledged, []);
});

test("the status tells the editor how far behind the consumer is", async (t) => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const { source, delivery, statuses } = setup(t, async () => {
    await held;
    return ok();
  }, { batchSize: 2 });
  await delivery.start();
  void source.commit([1, 2, 3]);
  while (delivery.status().state !== "delivering") await new Promise((resolve) => setImmediate(resolve));
  const behind = delivery.status();
  assert.equal(behind.waiting, 3);
  assert.ok(behind.lagMs >= 0);
  release();
  await delivery.idle();
  const caughtUp = delivery.status();
  assert.equal(caughtUp.waiting, 0);
  assert.equal(caughtUp.lagMs, 0);
  assert.equal(caughtUp.delivered, 2);
  assert.equal(caughtUp.acknowledgedLsn, source.log[2].commitLsn);
  assert.ok(statuses.some((s) => s.state === "idle"));
});

test("a batch whose event passes Lambda's 6 MB payload limit goes in smaller parts, in order", async (t) => {
  const large = "x".repeat(2 * 1024 * 1024);
  const { source, delivery, invocations } = setup(t, () => ok(), {
    toEvent: (changes) => ({ Records: changes.map((c) => ({ kinesis: { sequenceNumber: c.lsn }, id: c.key.id, data: large })) }),
  });
  void source.commit([1, 2, 3, 4]);
  await delivery.start();
  await source.handed();
  await delivery.idle();
  assert.deepEqual(invocations, [[1, 2], [3, 4]]);
});

test("batchItemFailures name CKafka records by offset (a number is taken as its digits) and plain records by LSN", async (t) => {
  const ckafka = setup(t, (event, call) => (call === 1 ? ok({ batchItemFailures: [{ itemIdentifier: (event as unknown as CkafkaEvent).Records[1].Ckafka.offset }] }) : ok()), {
    reportBatchItemFailures: true,
    toEvent: (changes) => ({ Records: changes.map((c, i) => ({ Ckafka: { offset: 4096 + i, msgBody: "{}" }, id: c.key.id })) }),
  });
  const plain = setup(t, (event, call) => (call === 1 ? ok({ batchItemFailures: [{ itemIdentifier: (event as unknown as PlainEvent).Records[2].lsn }] }) : ok()), {
    reportBatchItemFailures: true,
    toEvent: (changes) => ({ Records: changes.map((c) => ({ lsn: c.lsn, id: c.key.id })) }),
  });
  for (const { source, delivery } of [ckafka, plain]) {
    void source.commit([1, 2, 3]);
    await delivery.start();
    await source.handed();
    await delivery.idle();
  }
  assert.deepEqual(ckafka.invocations, [[1, 2, 3], [2, 3]]);
  assert.deepEqual(plain.invocations, [[1, 2, 3], [3]]);
});

interface CkafkaEvent {
  Records: Array<{ Ckafka: { offset: number } }>;
}
interface PlainEvent {
  Records: Array<{ lsn: string }>;
}

test("a throttled invocation is tried again without using up a retry, and never dead-lettered", async (t) => {
  const throttled: ChangeInvokeResult = { ok: false, errorKind: "throttle", error: { errorType: "TooManyRequestsException", errorMessage: "Rate Exceeded." } };
  const { source, delivery, invocations, deadLetters } = setup(t, (_event, call) => (call <= 3 ? throttled : ok()), { maxRetries: 0 });
  void source.commit([1, 2]);
  await delivery.start();
  await source.handed();
  await delivery.idle();
  assert.deepEqual(invocations, [[1, 2], [1, 2], [1, 2], [1, 2]]);
  assert.deepEqual(deadLetters, []);
  assert.equal(source.confirmedChange()?.key.id, 2);
});

test("with the real shapes, batchItemFailures name records as a function reads them: Kinesis sequenceNumber, CKafka offset, plain lsn", async (t) => {
  const shapes: Array<[string, (changes: RowChange[]) => unknown, (record: Record<string, any>) => unknown]> = [
    ["DMS on Kinesis", (changes) => dmsKinesisEvent("shop-changes", "eu-west-1", changes), (record) => record.kinesis.sequenceNumber],
    ["DTS on CKafka", (changes) => dtsCkafkaEvent("shop-changes", changes), (record) => record.Ckafka.offset],
    ["plain", (changes) => plainChangeEvent(changes), (record) => record.lsn],
  ];
  for (const [name, shape, identifier] of shapes) {
    const source = new MemoryChangeSource();
    const seen: number[] = [];
    const delivery = new ChangeDelivery(source, {
      batchSize: 10,
      batchWindowSec: 0,
      reportBatchItemFailures: true,
      retryDelayMs: 0,
      toEvent: shape,
      invoke: async (event) => {
        const records = (event as { Records: Array<Record<string, any>> }).Records;
        seen.push(records.length);
        // The third record fails once.
        return ok(seen.length === 1 ? { batchItemFailures: [{ itemIdentifier: identifier(records[2]) }] } : {});
      },
      deadLetter: async () => assert.fail(`${name}: nothing is dead-lettered`),
    });
    t.after(() => delivery.stop());
    void source.commit([1, 2]);
    void source.commit([3, 4, 5]);
    await delivery.start();
    await source.handed();
    await delivery.idle();
    assert.deepEqual(seen, [5, 3], `${name}: retried from the third record on`);
    assert.deepEqual(source.acknowledged.map((c) => c.key.id), [2, 5], `${name}: confirmed at transaction ends`);
  }
});

test("a shape that throws is shown as failing and tried again; its changes are not skipped", async (t) => {
  let shaped = 0;
  const { source, delivery, invocations, statuses } = setup(t, () => ok(), {
    toEvent: (changes) => {
      if (++shaped === 1) throw new Error("numeric value out of range");
      return toEvent(changes);
    },
    onStatus: (status) => {
      statuses.push(status);
      throw new Error("a listener's own fault");
    },
  });
  void source.commit([1, 2]);
  await delivery.start();
  await source.handed();
  await delivery.idle();
  assert.deepEqual(invocations, [[1, 2]]);
  assert.ok(statuses.some((s) => s.state === "failing" && /numeric value out of range/.test(s.error ?? "")));
  assert.equal(source.confirmedChange()?.key.id, 2);
});
