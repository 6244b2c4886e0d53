// Kinesis and DynamoDB stream mappings as Lambda runs them: records in AWS's shape with
// growing sequence numbers, BatchSize records per event, FilterCriteria on the decoded
// data (Kinesis) or the dynamodb field (DynamoDB), and ReportBatchItemFailures retrying
// from the lowest sequence number reported. The real broker and queue run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AsyncQueue } from "../../../emulator/triggers/async/asyncQueue";
import { StreamBroker } from "../../../emulator/triggers/streamBroker";
import type { StreamTrigger } from "../../../emulator/project/spec";
import { functionSpec } from "../../helpers/specs";
import { waitFor } from "../../helpers/fakeExecutor";

type After = { after(fn: () => unknown): void };
type StreamRecord = Record<string, any>;
interface StreamEvent {
  Records: StreamRecord[];
}

function streamTrigger(overrides: Partial<StreamTrigger> = {}): StreamTrigger {
  return { kind: "stream", name: "Clicks", source: "kinesis", stream: "clicks", batchSize: 100, startingPosition: "LATEST", ...overrides };
}

function setup(t: After, trigger: StreamTrigger, answer: (event: StreamEvent, call: number) => unknown = () => null) {
  const dir = mkdtempSync(join(tmpdir(), "faasbox-stream-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const events: StreamEvent[] = [];
  const queue: AsyncQueue = new AsyncQueue(dir, async (_name, payload) => {
    const event = JSON.parse(payload.toString()) as StreamEvent;
    events.push(event);
    const response = answer(event, events.length);
    if (response instanceof Error) return { ok: false, error: { errorType: "Error", errorMessage: response.message } };
    return { ok: true, payload: Buffer.from(JSON.stringify(response)) };
  }, { retries: 2, retryDelayMs: 1, remainder: (event, response) => streams.remainder(event, response) });
  const streams: StreamBroker = new StreamBroker(() => [functionSpec({ name: "reader", region: "eu-west-1", triggers: [trigger] })], queue);
  queue.start();
  t.after(() => queue.stop());
  const decoded = () => events.map((e) => e.Records.map((r) => Buffer.from(r.kinesis.data, "base64").toString()));
  return { streams, queue, events, decoded };
}

test("Kinesis records arrive in AWS's shape: base64 data, partition key, growing sequence numbers, BatchSize per event", async (t) => {
  const { streams, queue, events, decoded } = setup(t, streamTrigger({ batchSize: 2 }));
  assert.equal(await streams.putKinesis("clicks", [{ data: "a", partitionKey: "user-1" }, { data: "b" }, { data: "c" }]), 1);
  await queue.idle();
  assert.deepEqual(decoded().sort(), [["a", "b"], ["c"]]);
  const first = events.flatMap((e) => e.Records).find((r) => r.kinesis.partitionKey === "user-1")!;
  assert.equal(first.eventSource, "aws:kinesis");
  assert.equal(first.eventName, "aws:kinesis:record");
  assert.equal(first.kinesis.kinesisSchemaVersion, "1.0");
  assert.equal(first.eventSourceARN, "arn:aws:kinesis:eu-west-1:123456789012:stream/clicks");
  assert.equal(first.eventID, `shardId-000000000000:${first.kinesis.sequenceNumber}`);
  assert.equal(typeof first.kinesis.approximateArrivalTimestamp, "number");
  const sequences = events.flatMap((e) => e.Records).map((r) => BigInt(r.kinesis.sequenceNumber)).sort((x, y) => (x < y ? -1 : 1));
  assert.equal(new Set(sequences).size, 3, "each record has its own sequence number");
  assert.equal(await streams.putKinesis("other-stream", [{ data: "x" }]), 0, "a stream nobody reads has no consumers");
});

test("Kinesis FilterCriteria match the data decoded as JSON; records matching no filter, or not JSON, are skipped", async (t) => {
  const { streams, queue, decoded } = setup(t, streamTrigger({ filters: [{ data: { type: ["buy"] } }] }));
  await streams.putKinesis("clicks", [{ data: '{"type":"buy"}' }, { data: '{"type":"view"}' }, { data: "buy" }]);
  await queue.idle();
  assert.deepEqual(decoded(), [['{"type":"buy"}']]);
});

test("ReportBatchItemFailures on a stream: the batch is retried from the lowest sequence number reported on", async (t) => {
  const { streams, queue, decoded } = setup(t, streamTrigger({ reportBatchItemFailures: true }), (event, call) =>
    call === 1 ? { batchItemFailures: [{ itemIdentifier: event.Records[2].kinesis.sequenceNumber }, { itemIdentifier: event.Records[1].kinesis.sequenceNumber }] } : null,
  );
  await streams.putKinesis("clicks", [{ data: "a" }, { data: "b" }, { data: "c" }, { data: "d" }]);
  await waitFor(() => decoded().length === 2, "the retry");
  await queue.idle();
  assert.deepEqual(decoded(), [["a", "b", "c", "d"], ["b", "c", "d"]]);
  assert.deepEqual(queue.pending(), []);
});

test("ReportBatchItemFailures on a stream: an identifier that is no sequence number of the batch fails it whole", async (t) => {
  const { streams, queue, decoded } = setup(t, streamTrigger({ reportBatchItemFailures: true }), () => ({ batchItemFailures: [{ itemIdentifier: "42" }] }));
  await streams.putKinesis("clicks", [{ data: "a" }, { data: "b" }]);
  await waitFor(() => queue.deadLetters().length === 1, "the dead letter");
  assert.deepEqual(decoded(), [["a", "b"], ["a", "b"], ["a", "b"]]);
  assert.match(queue.deadLetters()[0].lastError?.errorMessage ?? "", /no sequence number of the batch/);
});

test("DynamoDB stream records carry Keys and images as attribute values; filters match the dynamodb field", async (t) => {
  const trigger = streamTrigger({ source: "dynamodb", stream: "orders", filters: [{ eventName: ["INSERT"], dynamodb: { NewImage: { status: { S: ["open"] } } } }] });
  const { streams, queue, events } = setup(t, trigger);
  await streams.putDynamoDb("orders", [
    { eventName: "INSERT", keys: { id: "1" }, newImage: { id: "1", status: "open", total: 5, tags: ["a"], paid: false, note: null } },
    { eventName: "INSERT", keys: { id: "2" }, newImage: { id: "2", status: "closed" } },
    { eventName: "MODIFY", keys: { id: "1" }, newImage: { id: "1", status: "open" }, oldImage: { id: "1", status: "new" } },
  ]);
  await queue.idle();
  assert.equal(events.length, 1);
  const [record] = events[0].Records;
  assert.equal(events[0].Records.length, 1);
  assert.equal(record.eventName, "INSERT");
  assert.equal(record.eventSource, "aws:dynamodb");
  assert.equal(record.eventVersion, "1.1");
  assert.equal(record.awsRegion, "eu-west-1");
  assert.match(record.eventSourceARN, /^arn:aws:dynamodb:eu-west-1:123456789012:table\/orders\/stream\//);
  assert.deepEqual(record.dynamodb.Keys, { id: { S: "1" } });
  assert.deepEqual(record.dynamodb.NewImage, { id: { S: "1" }, status: { S: "open" }, total: { N: "5" }, tags: { L: [{ S: "a" }] }, paid: { BOOL: false }, note: { NULL: true } });
  assert.equal(record.dynamodb.StreamViewType, "NEW_AND_OLD_IMAGES");
  assert.match(record.dynamodb.SequenceNumber, /^\d+$/);
  assert.equal(typeof record.dynamodb.SizeBytes, "number");
});

test("a table whose StreamViewType is KEYS_ONLY sends no images", async (t) => {
  const { streams, queue, events } = setup(t, streamTrigger({ source: "dynamodb", stream: "orders", viewType: "KEYS_ONLY" }));
  await streams.putDynamoDb("orders", [{ eventName: "MODIFY", keys: { id: "1" }, newImage: { id: "1", v: 2 }, oldImage: { id: "1", v: 1 } }]);
  await queue.idle();
  const { dynamodb } = events[0].Records[0];
  assert.deepEqual(Object.keys(dynamodb).sort(), ["ApproximateCreationDateTime", "Keys", "SequenceNumber", "SizeBytes", "StreamViewType"]);
  assert.equal(dynamodb.StreamViewType, "KEYS_ONLY");
});
