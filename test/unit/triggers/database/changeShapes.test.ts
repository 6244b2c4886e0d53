// The three shapes a database change reaches a function in, field by field: faasbox.yml's plain
// event, the Kinesis event whose data is DMS's record (SAM), the CKafka event whose msgBody is DTS's
// record (SCF). One INSERT, one UPDATE and one DELETE of the same row, committed in two transactions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { dmsKinesisEvent } from "../../../../emulator/triggers/database/dmsKinesisEvent";
import { dtsCkafkaEvent } from "../../../../emulator/triggers/database/dtsCkafkaEvent";
import { kafkaOffset, kinesisSequenceNumber, lsnValue } from "../../../../emulator/triggers/database/changePosition";
import { LOCAL_ACCOUNT_ID } from "../../../../emulator/project/localAccount";
import { plainChangeEvent } from "../../../../emulator/triggers/database/plainChangeEvent";
import type { RowChange } from "../../../../emulator/triggers/database/rowChange";

const TYPES = { id: "int4", status: "text", total: "numeric", paid_at: "timestamptz", doc: "bytea" };
const common = { schema: "public", table: "orders", columnTypes: TYPES };

const INSERT: RowChange = {
  ...common, op: "insert", key: { id: 7 },
  after: { id: 7, status: "new", total: "42.50", paid_at: null, doc: Buffer.from([0xca, 0xfe]) },
  transactionId: "771", commitTime: "2026-12-02T10:20:30.123456+00:00", commitLsn: "0/1A2B3D0", lsn: "0/1A2B3C0",
  indexInTransaction: 0, lastInTransaction: false,
};
const UPDATE: RowChange = {
  ...common, op: "update", key: { id: 7 },
  before: { id: 7, status: "new", total: "42.50", paid_at: null, doc: null },
  after: { id: 7, status: "paid", total: "42.50", paid_at: "2026-12-02T10:20:31Z", doc: null },
  transactionId: "771", commitTime: "2026-12-02T10:20:30.123456+00:00", commitLsn: "0/1A2B3D0", lsn: "0/1A2B3C8",
  indexInTransaction: 1, lastInTransaction: true,
};
// REPLICA IDENTITY DEFAULT: a delete logs the key only.
const DELETE: RowChange = {
  ...common, op: "delete", key: { id: 7 }, before: { id: 7 },
  transactionId: "772", commitTime: "2026-12-02T18:20:31.5+08:00", commitLsn: "1/10", lsn: "1/8",
  indexInTransaction: 0, lastInTransaction: true,
};
const CHANGES = [INSERT, UPDATE, DELETE];

test("plain: one record per change with op, schema, table, key, before, after, commitTime, lsn and transactionId", () => {
  assert.deepEqual(plainChangeEvent(CHANGES), {
    Records: [
      { op: "insert", schema: "public", table: "orders", key: { id: 7 }, before: null, after: INSERT.after, commitTime: INSERT.commitTime, lsn: "0/1A2B3C0", transactionId: "771" },
      { op: "update", schema: "public", table: "orders", key: { id: 7 }, before: UPDATE.before, after: UPDATE.after, commitTime: UPDATE.commitTime, lsn: "0/1A2B3C8", transactionId: "771" },
      { op: "delete", schema: "public", table: "orders", key: { id: 7 }, before: { id: 7 }, after: null, commitTime: DELETE.commitTime, lsn: "1/8", transactionId: "772" },
    ],
  });
});

test("positions: sequence numbers and offsets come from the commit LSN and the index, so they grow in commit order", () => {
  assert.equal(lsnValue("16/B374D848"), (0x16n << 32n) | 0xb374d848n);
  assert.throws(() => lsnValue("B374D848"), /is not a PostgreSQL LSN/);
  const sequences = CHANGES.map(kinesisSequenceNumber);
  assert.deepEqual(sequences, [
    `49${String(0x1a2b3d0).padStart(20, "0")}0000000000`,
    `49${String(0x1a2b3d0).padStart(20, "0")}0000000001`,
    `49${String(2 ** 32 + 0x10).padStart(20, "0")}0000000000`,
  ]);
  assert.ok(BigInt(sequences[0]) < BigInt(sequences[1]) && BigInt(sequences[1]) < BigInt(sequences[2]));
  // A transaction committed later may hold changes of an earlier LSN (interleaved transactions): still later in the stream.
  const interleaved = { commitLsn: "1/20", indexInTransaction: 0 };
  assert.ok(BigInt(kinesisSequenceNumber(interleaved)) > BigInt(sequences[2]));
  assert.deepEqual(CHANGES.map(kafkaOffset), [0x1a2b3d0 * 16384, 0x1a2b3d0 * 16384 + 1, (2 ** 32 + 0x10) * 16384]);
  // More changes than an offset can number apart: the later ones share the last offset, never go back.
  assert.equal(kafkaOffset({ commitLsn: "0/10", indexInTransaction: 50_000 }), 0x10 * 16384 + 16383);
});

test("AWS: a Lambda Kinesis event whose data is DMS's JSON record, with the before image on updates", () => {
  const event = dmsKinesisEvent("shop-changes", "eu-west-1", CHANGES);
  assert.equal(event.Records.length, 3);
  const [insert, update, remove] = event.Records as Array<Record<string, any>>;
  assert.deepEqual({ ...insert, kinesis: { ...insert.kinesis, data: "(checked below)" } }, {
    kinesis: {
      kinesisSchemaVersion: "1.0",
      partitionKey: "public.orders",
      sequenceNumber: kinesisSequenceNumber(INSERT),
      data: "(checked below)",
      approximateArrivalTimestamp: Date.parse("2026-12-02T10:20:30.123Z") / 1000,
    },
    eventSource: "aws:kinesis",
    eventVersion: "1.0",
    eventID: `shardId-000000000000:${kinesisSequenceNumber(INSERT)}`,
    eventName: "aws:kinesis:record",
    invokeIdentityArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/faasbox-local`,
    awsRegion: "eu-west-1",
    eventSourceARN: `arn:aws:kinesis:eu-west-1:${LOCAL_ACCOUNT_ID}:stream/shop-changes`,
  });
  const data = (record: Record<string, any>) => JSON.parse(Buffer.from(record.kinesis.data, "base64").toString("utf8"));
  const metadata = (operation: string, timestamp: string, transactionId: number) => ({
    timestamp, "record-type": "data", operation, "partition-key-type": "schema-table", "schema-name": "public", "table-name": "orders", "transaction-id": transactionId,
  });
  assert.deepEqual(data(insert), {
    data: { id: 7, status: "new", total: "42.50", paid_at: null, doc: "0xcafe" },
    metadata: metadata("insert", "2026-12-02T10:20:30.123456Z", 771),
  });
  assert.deepEqual(data(update), {
    data: { id: 7, status: "paid", total: "42.50", paid_at: "2026-12-02T10:20:31Z", doc: null },
    "before-image": { id: 7, status: "new", total: "42.50", paid_at: null, doc: null },
    metadata: metadata("update", "2026-12-02T10:20:30.123456Z", 771),
  });
  // A delete's data is the deleted row as logged (the key here); the commit time in UTC.
  assert.deepEqual(data(remove), { data: { id: 7 }, metadata: metadata("delete", "2026-12-02T10:20:31.500000Z", 772) });
  assert.deepEqual(event.Records.map((r: Record<string, any>) => r.kinesis.sequenceNumber), CHANGES.map(kinesisSequenceNumber));
});

test("SCF: a CKafka trigger event whose msgBody is DTS's JSON record, values as strings", () => {
  const readAt = Date.parse("2026-12-02T10:20:32Z");
  const event = dtsCkafkaEvent("shop-topic", CHANGES, readAt);
  const envelopes = event.Records.map((r) => ({ ...r.Ckafka, msgBody: "(checked below)" }));
  assert.deepEqual(envelopes, CHANGES.map((change) => ({ topic: "shop-topic", partition: 0, offset: kafkaOffset(change), msgKey: "public.orders", msgBody: "(checked below)" })));
  const [insert, update, remove] = event.Records.map((r) => JSON.parse(r.Ckafka.msgBody));
  const columns = [
    { name: "id", isKey: true, originalType: "int4" },
    { name: "status", isKey: false, originalType: "text" },
    { name: "total", isKey: false, originalType: "numeric" },
    { name: "paid_at", isKey: false, originalType: "timestamptz" },
    { name: "doc", isKey: false, originalType: "bytea" },
  ];
  const fixed = {
    version: 1, fileName: "", gtid: "", serverId: 0, threadId: 0, sourceType: "postgresql", sourceVersion: "",
    schemaName: "public", tableName: "orders", objectName: "public.orders", columns, sql: "", executionTime: 0,
    heartbeatTimestamp: 0, syncedGtid: "", fakeGtid: false, pkNames: ["id"], readerTimestamp: readAt, tags: {}, total: 0, index: 0,
  };
  assert.deepEqual(insert, {
    ...fixed, id: kafkaOffset(INSERT), messageType: "INSERT", position: 0x1a2b3c0, safePosition: 0x1a2b3d0,
    timestamp: Math.floor(Date.parse(INSERT.commitTime) / 1000), transactionId: "771",
    oldColumns: null, newColumns: ["7", "new", "42.50", null, "0xcafe"],
  });
  assert.deepEqual(update, {
    ...fixed, id: kafkaOffset(UPDATE), messageType: "UPDATE", position: 0x1a2b3c8, safePosition: 0x1a2b3d0,
    timestamp: Math.floor(Date.parse(UPDATE.commitTime) / 1000), transactionId: "771",
    // A timestamp as milliseconds, as DTS writes MySQL's.
    oldColumns: ["7", "new", "42.50", null, null], newColumns: ["7", "paid", "42.50", String(Date.parse("2026-12-02T10:20:31Z")), null],
  });
  assert.deepEqual(remove, {
    ...fixed, id: kafkaOffset(DELETE), messageType: "DELETE", position: 2 ** 32 + 8, safePosition: 2 ** 32 + 0x10,
    timestamp: Math.floor(Date.parse("2026-12-02T10:20:31.5Z") / 1000), transactionId: "772",
    oldColumns: ["7", null, null, null, null], newColumns: null,
  });
});
