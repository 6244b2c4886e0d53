// MySQL/MariaDB database triggers end to end: a real MariaDB server's binlog, the real daemon, real
// function containers. Each function prints what it receives; the test reads the log.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Daemon } from "../../emulator/daemon/daemon";
import type { LogRecord } from "../../emulator/protocol";
import { binlogPositionStore } from "../../emulator/triggers/database/databaseTriggers";
import { checkBulkItemChanges } from "../helpers/bulkItemChanges";
import { auditFunction, databaseManifest, dtsAuditServerless, printedBy, samKinesisFunction, samTemplate, writeDatabaseProject, type AuditRow } from "../helpers/databaseProject";
import { leftoverContainers, requireDocker } from "../helpers/docker";
import { waitFor } from "../helpers/emulator";
import { startMariadbServer, type MariadbServer } from "../helpers/mariadbServer";

const TEMPLATE = samTemplate(samKinesisFunction("DmsAudit", "audit.handler", { StartingPosition: "TRIM_HORIZON", BatchSize: 100 }));
const SERVERLESS = dtsAuditServerless(100);

const FUNCTIONS = auditFunction("audit", "{name: shop, batchSize: 100}") + auditFunction("bulk", "{name: shop, batchSize: 100, batchWindow: 1}");

function manifest(url: string, functions: string): string {
  return databaseManifest({ url, tables: "[orders, items]", functions }).replace("    tables: [orders, items]\n", "    tables: [orders, items]\n    kinesis: shop-changes\n    ckafka: shop-changes\n");
}

describe("MySQL/MariaDB database triggers in the emulator", () => {
  let my: MariadbServer;
  let daemon: Daemon;
  let root: string;
  const records: LogRecord[] = [];
  const linesOf = (fn: string, prefix: string) => printedBy(records, fn, prefix);
  const rowsOf = (fn: string): AuditRow[][] => linesOf(fn, "ROWS ");
  const eventsOf = (fn: string) => linesOf(fn, "EVENT ");

  before(async () => {
    await requireDocker();
    my = await startMariadbServer();
    await my.query("CREATE TABLE orders (id int PRIMARY KEY, status varchar(20), v int, total decimal(10,2), placed timestamp(3) NULL, tag varbinary(4)) CHARSET utf8mb4; CREATE TABLE items (id int PRIMARY KEY, v int)");
    root = writeDatabaseProject({ url: my.url, functions: FUNCTIONS, tables: "[orders, items]" });
    writeFileSync(join(root, "faasbox.yml"), manifest("${env:SHOP_DATABASE_URL}", FUNCTIONS));
    writeFileSync(join(root, "template.yaml"), TEMPLATE);
    writeFileSync(join(root, "serverless.yml"), SERVERLESS);
    daemon = await Daemon.start({ root, executor: "docker", watch: false, httpPort: 0, invokePort: 0 });
    assert.deepEqual(daemon.engine.problems.map((p) => p.message), []);
    daemon.engine.logBus.subscribe((record) => records.push(record));
    await waitFor(() => daemon.databases.list().length === 4 && daemon.databases.list().every((c) => c.status === "running"), `four consumers streaming: ${JSON.stringify(daemon.databases.list())}`, 20_000);
    assert.deepEqual(daemon.engine.warnings.filter((w) => w.includes("databases.shop")), []);
  });
  after(async () => {
    await daemon?.shutdown();
    await my?.remove();
    assert.deepEqual((await leftoverContainers(await requireDocker())).map((c) => c.Names), []);
  });

  test("INSERT, UPDATE and DELETE: one event each in the plain, DMS (Kinesis) and DTS (CKafka) shapes", async () => {
    const statements = [
      "INSERT INTO orders VALUES (1, 'new', 10, 12.50, '2026-01-02 03:04:05.678', 0x0102)",
      "UPDATE orders SET status = 'paid', v = 11 WHERE id = 1",
      "DELETE FROM orders WHERE id = 1",
    ];
    for (const [n, sql] of statements.entries()) {
      await my.query(sql);
      await waitFor(() => ["audit", "DmsAudit", "dts-audit"].every((fn) => eventsOf(fn).length > n), `the events of ${sql}`, 30_000).catch((error: Error) => {
        throw new Error(`${error.message}: ${JSON.stringify(daemon.databases.list())}\n${daemon.engine.warnings.join("\n")}\n${records.map((r) => r.text).join("\n").slice(-3000)}`);
      });
    }
    // Plain (faasbox.yml): op, schema = the database, key from the primary key, full rows before and after, the binlog position as lsn.
    const plain = eventsOf("audit").map((e) => { assert.equal(e.Records.length, 1); return e.Records[0]; });
    const row1 = { id: 1, status: "new", v: 10, total: "12.50", placed: "2026-01-02 03:04:05.678", tag: "0x0102" };
    const row2 = { ...row1, status: "paid", v: 11 };
    for (const r of plain) assert.deepEqual(Object.keys(r).sort(), ["after", "before", "commitTime", "key", "lsn", "op", "schema", "table", "transactionId"]);
    assert.deepEqual(plain.map((r) => [r.op, r.schema, r.table, r.key]), [["insert", "shop", "orders", { id: 1 }], ["update", "shop", "orders", { id: 1 }], ["delete", "shop", "orders", { id: 1 }]]);
    // Values as JSON carries them: DECIMAL as exact text, DATETIME/TIMESTAMP as the server writes them, bytes as 0x hex.
    assert.deepEqual([plain[0].before, plain[0].after], [null, row1]);
    assert.deepEqual([plain[1].before, plain[1].after], [row1, row2]);
    assert.deepEqual([plain[2].before, plain[2].after], [row2, null]);
    for (const r of plain) {
      assert.match(r.lsn, /^binlog\.\d{6}:\d+$/);
      assert.match(r.transactionId, /^0-1-\d+$/, "MariaDB's GTID: domain-server-sequence");
      assert.match(r.commitTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000000Z$/, "the binlog's whole seconds, written as every source writes commit times");
    }
    const gtidSequence = plain.map((r) => Number(r.transactionId.split("-")[2]));
    assert.ok(gtidSequence[0] < gtidSequence[1] && gtidSequence[1] < gtidSequence[2]);

    // DMS in a Kinesis event.
    const dms = eventsOf("DmsAudit").map((e) => e.Records[0]);
    for (const record of dms) {
      assert.equal(record.eventSource, "aws:kinesis");
      assert.equal(record.kinesis.partitionKey, "shop.orders");
      assert.match(record.kinesis.sequenceNumber, /^49\d+$/);
    }
    const sequence = dms.map((r) => BigInt(r.kinesis.sequenceNumber));
    assert.ok(sequence[0] < sequence[1] && sequence[1] < sequence[2], "sequence numbers grow in commit order");
    const [dIns, dUpd, dDel] = dms.map((r) => JSON.parse(Buffer.from(r.kinesis.data, "base64").toString("utf8")));
    assert.deepEqual(dIns.data, row1);
    assert.deepEqual({ ...dIns.metadata, timestamp: undefined, "transaction-id": undefined }, {
      timestamp: undefined, "record-type": "data", operation: "insert", "partition-key-type": "schema-table", "schema-name": "shop", "table-name": "orders", "transaction-id": undefined,
    });
    assert.equal(typeof dIns.metadata["transaction-id"], "number");
    assert.ok(dIns.metadata["transaction-id"] < dUpd.metadata["transaction-id"]);
    assert.match(dIns.metadata.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.deepEqual([dUpd.metadata.operation, dUpd.data, dUpd["before-image"]], ["update", row2, row1]);
    assert.deepEqual([dDel.metadata.operation, dDel.data], ["delete", row2], "binlog_row_image = FULL: the whole deleted row");

    // DTS in a CKafka event, with the binlog's fields.
    const dts = eventsOf("dts-audit").map((e) => e.Records[0].Ckafka);
    for (const record of dts) assert.deepEqual([record.topic, record.partition, record.msgKey], ["shop-changes", 0, "shop.orders"]);
    assert.ok(dts[0].offset < dts[1].offset && dts[1].offset < dts[2].offset, "offsets grow in commit order");
    const [tIns, tUpd, tDel] = dts.map((r) => JSON.parse(r.msgBody));
    assert.deepEqual([tIns.messageType, tUpd.messageType, tDel.messageType], ["INSERT", "UPDATE", "DELETE"]);
    assert.deepEqual(tIns.columns, [
      { name: "id", isKey: true, originalType: "int(11)" },
      { name: "status", isKey: false, originalType: "varchar(20)" },
      { name: "v", isKey: false, originalType: "int(11)" },
      { name: "total", isKey: false, originalType: "decimal(10,2)" },
      { name: "placed", isKey: false, originalType: "timestamp(3)" },
      { name: "tag", isKey: false, originalType: "varbinary(4)" },
    ]);
    const placedMs = String(Date.parse("2026-01-02T03:04:05.678Z"));
    assert.deepEqual([tIns.oldColumns, tIns.newColumns], [null, ["1", "new", "10", "12.50", placedMs, "0x0102"]]);
    assert.deepEqual([tUpd.oldColumns, tUpd.newColumns], [["1", "new", "10", "12.50", placedMs, "0x0102"], ["1", "paid", "11", "12.50", placedMs, "0x0102"]]);
    assert.deepEqual([tDel.oldColumns, tDel.newColumns], [["1", "paid", "11", "12.50", placedMs, "0x0102"], null]);
    const [status] = await my.query<{ Position: number; File: string }>("SHOW MASTER STATUS");
    assert.deepEqual([tIns.schemaName, tIns.tableName, tIns.objectName, tIns.sourceType, tIns.pkNames, tIns.serverId, tIns.fileName], ["shop", "orders", "shop.orders", "mysql", ["id"], 1, status.File]);
    assert.match(tIns.sourceVersion, /MariaDB/);
    assert.match(tIns.position, /^\d+@\d+$/);
    assert.match(tIns.safePosition, /^\d+@\d+$/);
    assert.ok(Number(tIns.safePosition.split("@")[0]) < Number(tIns.position.split("@")[0]), "the transaction starts before its change");
    assert.equal(tIns.gtid, plain[0].transactionId);
    assert.equal(tIns.id, dts[0].offset);
    assert.equal(tIns.timestamp, Math.floor(Date.parse(plain[0].commitTime) / 1000));
  });

  test("10,000 changes: every one delivered once, in commit order, in batches of at most 100", async () => {
    await waitFor(() => rowsOf("bulk").flat().filter((r) => r[3] === "orders").length >= 3, "bulk's earlier changes", 30_000);
    await checkBulkItemChanges((sql) => my.query(sql), () => rowsOf("bulk"));
  });

  test("the server restarted mid-stream: delivery resumes where it stopped", async () => {
    await my.query("INSERT INTO orders (id, status, v) VALUES (40, 'before restart', 40)");
    const orderIds = () => rowsOf("audit").flat().filter((r) => r[3] === "orders").map((r) => r[1]);
    await waitFor(() => orderIds().includes(40), "the change before the restart", 30_000);
    await my.stop();
    await waitFor(() => daemon.databases.list().some((c) => c.status === "failing"), "the trigger to show as failing", 20_000);
    const failing = daemon.databases.list().find((c) => c.status === "failing")!;
    assert.match(failing.error ?? "", /faasbox\.yml:\d+: databases\.shop\.url: /);
    assert.ok(!(failing.error ?? "").includes(my.password));
    await my.start();
    await my.query("INSERT INTO orders (id, status, v) VALUES (41, 'after restart', 41)");
    await waitFor(() => orderIds().includes(41), "the change after the restart", 60_000);
    const ids = orderIds();
    assert.ok(ids.indexOf(40) < ids.indexOf(41));
    assert.equal(ids.filter((id) => id === 40).length, 1, "the change delivered before the restart is not delivered again");
  });

  test("faasbox triggers lists them with their lag in bytes of binlog and the URL masked", async () => {
    // Caught up (the Kinesis and CKafka consumers work through the 10,000 changes in batches of 100, and every
    // consumer has reconnected after the restart), the lag is what was written since.
    await waitFor(() => (daemon.triggers().databases ?? []).every((d) => d.status === "running" && typeof d.lagBytes === "number" && d.lagBytes < 64 * 1024), "the lag measured and small", 60_000)
      .catch((error: Error) => assert.fail(`${error.message}: ${JSON.stringify(daemon.triggers().databases)}`));
    const listed = daemon.triggers().databases ?? [];
    assert.equal(listed.length, 4);
    for (const entry of listed) {
      assert.equal(entry.status, "running", JSON.stringify(listed));
      assert.ok(entry.lagBytes! >= 0 && entry.lagBytes! < 64 * 1024, `lag ${entry.lagBytes}`);
      assert.ok(!entry.url.includes(my.password));
      assert.match(entry.url, /^mysql:\/\/faasbox:\*+@127\.0\.0\.1:\d+\/shop$/);
      assert.deepEqual(entry.tables, ["shop.orders", "shop.items"]);
    }
  });

  test("a trigger removed from faasbox.yml (project reload): its saved position is forgotten, the others stay", async () => {
    const store = binlogPositionStore(root);
    const saved = (await store.list()).map((p) => p.consumer);
    assert.equal(saved.length, 4, `one saved position per consumer: ${saved.join(", ")}`);
    writeFileSync(join(root, "faasbox.yml"), manifest("${env:SHOP_DATABASE_URL}", auditFunction("audit", "{name: shop, batchSize: 100}")));
    daemon.engine.reload();
    await waitFor(async () => (await store.list()).length === 3, "the removed trigger's position forgotten", 20_000);
    const left = (await store.list()).map((p) => p.consumer);
    assert.ok(saved.filter((c) => c.includes("bulk")).every((c) => !left.includes(c)));
    assert.ok(left.some((c) => c.includes("audit")));
  });
});
