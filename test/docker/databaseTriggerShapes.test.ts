// A database's changes in each cloud's shape, through the real daemon and function containers:
// a SAM function with a Kinesis event on the source's `kinesis:` stream gets DMS records in a
// Kinesis event; an SCF function with a CKafka trigger on its `ckafka:` topic gets DTS records in a
// CKafka event.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Daemon } from "../../emulator/daemon/daemon";
import type { LogRecord } from "../../emulator/protocol";
import { dtsAuditServerless, printedBy, samKinesisFunction, samTemplate, writeDatabaseProject } from "../helpers/databaseProject";
import { leftoverContainers, requireDocker } from "../helpers/docker";
import { waitFor } from "../helpers/emulator";
import { asOwner, startPostgresCluster, type PostgresCluster } from "../helpers/postgresCluster";

const TEMPLATE = samTemplate(
  samKinesisFunction("DmsAudit", "audit.handler", { StartingPosition: "TRIM_HORIZON", BatchSize: 10 }),
  samKinesisFunction("Picky", "picky.handler", { StartingPosition: "LATEST", BatchSize: 10, FunctionResponseTypes: "[ReportBatchItemFailures]" }),
  samKinesisFunction("Splitter", "splitter.handler", { StartingPosition: "LATEST", BatchSize: 10, BisectBatchOnFunctionError: true, MaximumRetryAttempts: 1 }),
);

/** Reports the change of row 13 as failed the first time it sees it (ReportBatchItemFailures). */
const PICKY = `
let failedOnce = false;
const idOf = (r) => JSON.parse(Buffer.from(r.kinesis.data, "base64").toString()).data.id;
exports.handler = async (event) => {
  console.log("IDS " + JSON.stringify(event.Records.map(idOf)));
  const bad = event.Records.find((r) => idOf(r) === 13);
  if (bad && !failedOnce) { failedOnce = true; return { batchItemFailures: [{ itemIdentifier: bad.kinesis.sequenceNumber }] }; }
  return { batchItemFailures: [] };
};
`;

/** Fails every batch holding row 23's change (BisectBatchOnFunctionError isolates it). */
const SPLITTER = `
const idOf = (r) => JSON.parse(Buffer.from(r.kinesis.data, "base64").toString()).data.id;
exports.handler = async (event) => {
  const ids = event.Records.map(idOf);
  console.log("IDS " + JSON.stringify(ids));
  if (ids.includes(23)) throw new Error("row 23 is poison");
  return {};
};
`;

const SERVERLESS = dtsAuditServerless(10);

describe("database changes in each cloud's shape", () => {
  let pg: PostgresCluster;
  let daemon: Daemon;
  const records: LogRecord[] = [];
  const idsOf = (fn: string): number[][] => printedBy(records, fn, "IDS ");
  const eventsOf = (fn: string) => printedBy(records, fn, "EVENT ");

  before(async () => {
    await requireDocker();
    pg = await startPostgresCluster();
    await asOwner(pg, "CREATE TABLE orders (id int PRIMARY KEY, status text, v int)");
    const root = writeDatabaseProject({ url: pg.url, functions: "{}\n" });
    writeFileSync(join(root, "faasbox.yml"), `databases:
  shop:
    url: \${env:SHOP_DATABASE_URL}
    tables: [orders]
    kinesis: shop-changes
    ckafka: shop-changes
`);
    writeFileSync(join(root, "template.yaml"), TEMPLATE);
    writeFileSync(join(root, "serverless.yml"), SERVERLESS);
    writeFileSync(join(root, "node", "picky.js"), PICKY);
    writeFileSync(join(root, "node", "splitter.js"), SPLITTER);
    daemon = await Daemon.start({ root, executor: "docker", watch: false, httpPort: 0, invokePort: 0 });
    assert.deepEqual(daemon.engine.problems.map((p) => p.message), []);
    daemon.engine.logBus.subscribe((record) => records.push(record));
    await waitFor(() => daemon.databases.list().length === 4 && daemon.databases.list().every((c) => c.status === "running"), `both consumers streaming: ${JSON.stringify(daemon.databases.list())}`, 20_000);
    // Four consumers of one source start together: one publication, four slots, no failure on the way.
    assert.deepEqual(daemon.engine.warnings.filter((w) => w.includes("databases.shop")), []);
    assert.equal((await pg.query("SELECT 1 FROM pg_publication")).length, 1);
    assert.equal((await pg.query("SELECT 1 FROM pg_replication_slots")).length, 4);
    for (const sql of ["INSERT INTO orders VALUES (7, 'new', 1)", "UPDATE orders SET status = 'paid' WHERE id = 7", "DELETE FROM orders WHERE id = 7"]) {
      const [dms, dts] = [eventsOf("DmsAudit").length, eventsOf("dts-audit").length];
      await asOwner(pg, sql);
      await waitFor(() => eventsOf("DmsAudit").length > dms && eventsOf("dts-audit").length > dts, `the events of ${sql}`, 30_000);
    }
    // Every consumer drained: the batches the tests below count then hold only their own rows (a
    // consumer still starting would batch row 7's update and delete with them).
    const sawRow7 = (fn: string) => idsOf(fn).flat().filter((id) => id === 7).length === 3;
    const drained = () => sawRow7("Picky") && sawRow7("Splitter") && daemon.databases.list().every((c) => c.delivery?.waiting === 0 && c.delivery.state === "idle");
    await waitFor(drained, () => `every consumer idle with nothing waiting, row 7's three changes delivered: ${JSON.stringify(idsOf("Picky"))} ${JSON.stringify(idsOf("Splitter"))} ${JSON.stringify(daemon.databases.list())}`, 30_000);
  });
  after(async () => {
    await daemon?.shutdown();
    await pg?.remove();
    assert.deepEqual((await leftoverContainers(await requireDocker())).map((c) => c.Names), []);
  });

  test("SAM Kinesis event: one Kinesis record per change whose data is DMS's JSON record", () => {
    const events = eventsOf("DmsAudit");
    assert.equal(events.length, 3);
    const records = events.map((e) => e.Records[0]);
    for (const record of records) {
      assert.deepEqual(Object.keys(record).sort(), ["awsRegion", "eventID", "eventName", "eventSource", "eventSourceARN", "eventVersion", "invokeIdentityArn", "kinesis"]);
      assert.equal(record.eventSource, "aws:kinesis");
      assert.equal(record.eventName, "aws:kinesis:record");
      assert.match(record.eventSourceARN, /^arn:aws:kinesis:[a-z0-9-]+:\d{12}:stream\/shop-changes$/);
      assert.equal(record.kinesis.partitionKey, "public.orders");
      assert.equal(record.kinesis.kinesisSchemaVersion, "1.0");
      assert.match(record.kinesis.sequenceNumber, /^49\d+$/);
      assert.equal(typeof record.kinesis.approximateArrivalTimestamp, "number");
    }
    const sequence = records.map((r) => BigInt(r.kinesis.sequenceNumber));
    assert.ok(sequence[0] < sequence[1] && sequence[1] < sequence[2], "sequence numbers grow in commit order");
    const [insert, update, del] = records.map((r) => JSON.parse(Buffer.from(r.kinesis.data, "base64").toString("utf8")));
    assert.deepEqual(insert.data, { id: 7, status: "new", v: 1 });
    assert.deepEqual(
      { ...insert.metadata, timestamp: undefined, "transaction-id": undefined },
      { timestamp: undefined, "record-type": "data", operation: "insert", "partition-key-type": "schema-table", "schema-name": "public", "table-name": "orders", "transaction-id": undefined },
    );
    assert.equal(typeof insert.metadata["transaction-id"], "number");
    assert.match(insert.metadata.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.equal(update.metadata.operation, "update");
    assert.deepEqual(update.data, { id: 7, status: "paid", v: 1 });
    assert.equal(del.metadata.operation, "delete");
    assert.deepEqual(del.data, { id: 7 }); // the default replica identity logs the key of a deleted row
  });

  test("SCF CKafka event: one record per change whose msgBody is DTS's JSON record", () => {
    const events = eventsOf("dts-audit");
    assert.equal(events.length, 3);
    const records = events.map((e) => e.Records[0].Ckafka);
    for (const record of records) {
      assert.deepEqual(Object.keys(record).sort(), ["msgBody", "msgKey", "offset", "partition", "topic"]);
      assert.equal(record.topic, "shop-changes");
      assert.equal(record.partition, 0);
      assert.equal(record.msgKey, "public.orders");
    }
    assert.ok(records[0].offset < records[1].offset && records[1].offset < records[2].offset, "offsets grow in commit order");
    const [insert, update, del] = records.map((r) => JSON.parse(r.msgBody));
    assert.deepEqual([insert.messageType, update.messageType, del.messageType], ["INSERT", "UPDATE", "DELETE"]);
    assert.deepEqual(insert.columns, [
      { name: "id", isKey: true, originalType: "int4" },
      { name: "status", isKey: false, originalType: "text" },
      { name: "v", isKey: false, originalType: "int4" },
    ]);
    assert.deepEqual([insert.oldColumns, insert.newColumns], [null, ["7", "new", "1"]]);
    assert.deepEqual(update.newColumns, ["7", "paid", "1"]);
    assert.deepEqual(del.newColumns, null);
    assert.deepEqual(del.oldColumns, ["7", null, null]);
    assert.deepEqual([insert.schemaName, insert.tableName, insert.objectName, insert.sourceType, insert.pkNames], ["public", "orders", "public.orders", "postgresql", ["id"]]);
    assert.equal(insert.id, records[0].offset);
  });

  test("ReportBatchItemFailures: the batch is retried from the reported change, the ones before it are not sent again", async () => {
    await asOwner(pg, `BEGIN; ${Array.from({ length: 10 }, (_, i) => `INSERT INTO orders VALUES (${10 + i}, 'batch', 0)`).join("; ")}; COMMIT`);
    const tail = [13, 14, 15, 16, 17, 18, 19];
    await waitFor(() => idsOf("Picky").some((ids) => JSON.stringify(ids) === JSON.stringify(tail)), () => `the retry from row 13: ${JSON.stringify(idsOf("Picky"))} ${JSON.stringify(daemon.databases.list().find((c) => c.functionName === "Picky"))} ${records.filter((r) => r.function === "Picky").map((r) => r.text).join("\n")}`, 30_000);
    const batches = idsOf("Picky").filter((ids) => ids.some((id) => id >= 10 && id < 20));
    assert.deepEqual(batches, [[10, 11, 12, 13, 14, 15, 16, 17, 18, 19], tail]);
  });

  test("BisectBatchOnFunctionError: the failing batch is split until the poison change is alone; it is dead-lettered, the others delivered", async () => {
    await asOwner(pg, `BEGIN; ${Array.from({ length: 8 }, (_, i) => `INSERT INTO orders VALUES (${20 + i}, 'bisect', 0)`).join("; ")}; COMMIT`);
    const deadLetters = () => daemon.queue.deadLetters().filter((d) => d.function === "Splitter");
    const delivered = () => new Set(idsOf("Splitter").filter((ids) => !ids.includes(23)).flat());
    await waitFor(() => deadLetters().length === 1 && [20, 21, 22, 24, 25, 26, 27].every((id) => delivered().has(id)), `row 23 dead-lettered, the others delivered: ${JSON.stringify(idsOf("Splitter"))}`, 60_000);
    const [dead] = deadLetters();
    assert.equal(dead.source, "database:shop");
    const deadIds = JSON.parse(dead.payload).Records.map((r: { kinesis: { data: string } }) => JSON.parse(Buffer.from(r.kinesis.data, "base64").toString()).data.id);
    assert.deepEqual(deadIds, [23]);
    const succeeded = idsOf("Splitter").filter((ids) => !ids.includes(23)).flat().filter((id) => id >= 20 && id < 28);
    assert.deepEqual([...new Set(succeeded)].sort((a, b) => a - b), [20, 21, 22, 24, 25, 26, 27]);
    assert.ok(idsOf("Splitter").some((ids) => JSON.stringify(ids) === "[23]"), "row 23 was tried alone");
  });
});
