// An SQS event source mapping as Lambda runs it: filters drop what they do not match,
// batches follow BatchSize and MaximumBatchingWindowInSeconds, and with
// ReportBatchItemFailures only the messages the response names come back. The real
// broker and asynchronous queue (files on disk) run; the function is a scripted answer.
import { test, mock } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AsyncQueue } from "../../../emulator/triggers/async/asyncQueue";
import { TopicBroker } from "../../../emulator/triggers/topicBroker";
import type { TopicTrigger } from "../../../emulator/project/spec";
import { functionSpec } from "../../helpers/specs";
import { waitFor } from "../../helpers/fakeExecutor";

type After = { after(fn: () => unknown): void };
interface SqsEvent {
  Records: Array<{ messageId: string; body: string; attributes: { ApproximateReceiveCount: string } }>;
}

function sqsTrigger(overrides: Partial<TopicTrigger> = {}): TopicTrigger {
  return { kind: "topic", name: "Orders", topic: "orders", batchSize: 10, source: "queue", ...overrides };
}

/** A broker and queue for one function consuming `orders`; `answer` is what the function returns (or throws, as `{error}`). */
function setup(t: After, trigger: TopicTrigger, answer: (event: SqsEvent, call: number) => unknown = () => null) {
  const dir = mkdtempSync(join(tmpdir(), "faasbox-sqs-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const events: SqsEvent[] = [];
  const fn = functionSpec({ name: "worker", triggers: [trigger] });
  const queue: AsyncQueue = new AsyncQueue(dir, async (_name, payload) => {
    const event = JSON.parse(payload.toString()) as SqsEvent;
    events.push(event);
    const response = answer(event, events.length);
    if (response instanceof Error) return { ok: false, error: { errorType: "Error", errorMessage: response.message } };
    return { ok: true, payload: Buffer.from(JSON.stringify(response)) };
  }, { retries: 2, retryDelayMs: 1, remainder: (event, response) => broker.remainder(event, response) });
  const broker: TopicBroker = new TopicBroker(() => [fn], queue);
  queue.start();
  t.after(() => queue.stop());
  const bodies = () => events.map((e) => e.Records.map((r) => r.body));
  return { broker, queue, events, bodies };
}

test("FilterCriteria: a message matching no filter is dropped without an invocation; JSON bodies are matched as JSON", async (t) => {
  const filters = [{ body: { kind: ["order"] } }, { body: { amount: [{ numeric: [">", 100] }] } }];
  const { broker, queue, bodies } = setup(t, sqsTrigger({ filters }));
  await broker.publish("orders", ['{"kind":"order","amount":1}', '{"kind":"refund","amount":5}', '{"kind":"refund","amount":500}', "not json"]);
  await queue.idle();
  assert.deepEqual(bodies(), [['{"kind":"order","amount":1}', '{"kind":"refund","amount":500}']]);
  assert.deepEqual(queue.pending(), [], "dropped messages are deleted, not kept for later");
  assert.deepEqual(queue.deadLetters(), []);
});

test("FilterCriteria on a plain-text body matches the body as a string", async (t) => {
  const { broker, queue, bodies } = setup(t, sqsTrigger({ filters: [{ body: [{ prefix: "urgent:" }] }] }));
  await broker.publish("orders", ["urgent: call back", "later: lunch"]);
  await queue.idle();
  assert.deepEqual(bodies(), [["urgent: call back"]]);
});

test("a mapping with no filters gets every message, BatchSize messages per event", async (t) => {
  const { broker, queue, bodies } = setup(t, sqsTrigger({ batchSize: 2 }));
  await broker.publish("orders", ["a", "b", "c", "d", "e"]);
  await queue.idle();
  // The queue runs batches in parallel: which finishes first is not the point here.
  assert.deepEqual(bodies().sort(), [["a", "b"], ["c", "d"], ["e"]]);
});

test("MaximumBatchingWindowInSeconds: messages published apart are gathered into one event until the window closes or the batch is full", async (t) => {
  mock.timers.enable({ apis: ["setTimeout"] });
  t.after(() => mock.timers.reset());
  const { broker, queue, bodies } = setup(t, sqsTrigger({ batchSize: 3, batchWindowSec: 5 }));
  let firstQueued = false;
  const first = broker.publish("orders", ["a"]).then(() => (firstQueued = true));
  const second = broker.publish("orders", ["b"]);
  await new Promise((resolve) => setImmediate(resolve));
  mock.timers.tick(4999);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(firstQueued, false, "publish waits for the window: its messages are not queued yet");
  assert.deepEqual(bodies(), []);
  mock.timers.tick(1);
  await Promise.all([first, second]);
  await queue.idle();
  assert.deepEqual(bodies(), [["a", "b"]]);

  // A full batch does not wait for the window; what is left over does.
  const third = broker.publish("orders", ["c", "d", "e", "f"]);
  await waitFor(() => bodies().length === 2, "the full batch");
  assert.deepEqual(bodies()[1], ["c", "d", "e"]);
  mock.timers.tick(5000);
  await third;
  await queue.idle();
  assert.deepEqual(bodies(), [["a", "b"], ["c", "d", "e"], ["f"]]);
});

test("ReportBatchItemFailures: only the messages named in batchItemFailures are retried, with their receive count raised", async (t) => {
  const { broker, queue, events, bodies } = setup(t, sqsTrigger({ reportBatchItemFailures: true }), (event, call) =>
    call === 1 ? { batchItemFailures: [{ itemIdentifier: event.Records[1].messageId }] } : { batchItemFailures: [] },
  );
  await broker.publish("orders", ["a", "b", "c"]);
  await waitFor(() => events.length === 2, "the retry");
  await queue.idle();
  assert.deepEqual(bodies(), [["a", "b", "c"], ["b"]]);
  assert.equal(events[1].Records[0].messageId, events[0].Records[1].messageId, "the same message comes back");
  assert.equal(events[1].Records[0].attributes.ApproximateReceiveCount, "2");
  assert.deepEqual(queue.pending(), []);
  assert.deepEqual(queue.deadLetters(), []);
});

test("ReportBatchItemFailures: an itemIdentifier naming no message of the batch fails the whole batch; a message that keeps failing is dead-lettered", async (t) => {
  const { broker, queue, bodies } = setup(t, sqsTrigger({ reportBatchItemFailures: true }), () => ({ batchItemFailures: [{ itemIdentifier: "no-such-id" }] }));
  await broker.publish("orders", ["a", "b"]);
  await waitFor(() => queue.deadLetters().length === 1, "the dead letter");
  await queue.idle();
  assert.deepEqual(bodies(), [["a", "b"], ["a", "b"], ["a", "b"]]);
  assert.match(queue.deadLetters()[0].lastError?.errorMessage ?? "", /names no message of the batch/);
});

test("without ReportBatchItemFailures a batchItemFailures response is ignored (the batch succeeded), and an error retries the whole batch", async (t) => {
  const ignored = setup(t, sqsTrigger(), (event) => ({ batchItemFailures: [{ itemIdentifier: event.Records[0].messageId }] }));
  await ignored.broker.publish("orders", ["a", "b"]);
  await ignored.queue.idle();
  assert.deepEqual(ignored.bodies(), [["a", "b"]]);

  const failing = setup(t, sqsTrigger({ reportBatchItemFailures: true }), (_event, call) => (call === 1 ? new Error("boom") : null));
  await failing.broker.publish("orders", ["a", "b"]);
  await waitFor(() => failing.events.length === 2, "the retry");
  await failing.queue.idle();
  assert.deepEqual(failing.bodies(), [["a", "b"], ["a", "b"]], "an error fails the whole batch even with ReportBatchItemFailures");
});
