// Binlog events → RowChanges (MysqlDecoder), binlog positions, and the MySQL fields of the DTS, DMS
// and plain shapes. The events are shaped as @vlasky/zongji emits them from MariaDB 10.11 (the
// docker tests read a real server's binlog).
import { test } from "node:test";
import assert from "node:assert/strict";
import { binlogLagBytes, binlogPositionValue, parseBinlogPosition } from "../../../../emulator/triggers/database/binlogPosition";
import { compareChanges, kafkaOffset, lsnValue } from "../../../../emulator/triggers/database/changePosition";
import { dmsRecord } from "../../../../emulator/triggers/database/dmsKinesisEvent";
import { dtsRecord } from "../../../../emulator/triggers/database/dtsCkafkaEvent";
import { MysqlDecoder, type BinlogEventLike } from "../../../../emulator/triggers/database/mysqlDecode";
import { plainChangeEvent } from "../../../../emulator/triggers/database/plainChangeEvent";
import { sampleRowChange } from "../../../../emulator/triggers/database/sampleChange";
import type { Operation } from "../../../../emulator/triggers/database/pgSlots";

const TABLE_MAP = {
  7: { parentSchema: "shop", tableName: "orders", columnSchemas: [{ COLUMN_NAME: "id", COLUMN_TYPE: "int(11)" }, { COLUMN_NAME: "status", COLUMN_TYPE: "varchar(20)" }, { COLUMN_NAME: "tag", COLUMN_TYPE: "varbinary(4)" }] },
  8: { parentSchema: "shop", tableName: "other", columnSchemas: [{ COLUMN_NAME: "id", COLUMN_TYPE: "int(11)" }] },
};
const TIME = Date.parse("2026-12-02T10:20:30Z");

function event(name: string, nextPosition: number, size: number, extra: Partial<BinlogEventLike> = {}): BinlogEventLike {
  return { getEventName: () => name, timestamp: TIME, nextPosition, size, tableMap: TABLE_MAP, ...extra };
}

function decoder(options: { operations?: Operation[]; columns?: string[] } = {}): MysqlDecoder {
  const d = new MysqlDecoder({
    tables: new Set(["shop.orders"]),
    operations: new Set(options.operations ?? ["insert", "update", "delete"]),
    ...(options.columns ? { columns: options.columns } : {}),
    primaryKeys: new Map([["shop.orders", ["id"]]]),
    serverId: 1,
    serverVersion: "10.11.19-MariaDB",
  });
  d.push(event("rotate", 0, 0, { binlogName: "binlog.000003" }));
  return d;
}

test("a MariaDB transaction becomes its changes at its commit, with GTID, positions and full rows", () => {
  const d = decoder();
  assert.equal(d.push(event("mariadbgtid", 1264, 42, { gtid: "0-1-6" })), undefined);
  d.push(event("tablemap", 1300, 36, { gtid: "0-1-6" }));
  assert.equal(d.push(event("writerows", 1360, 60, { tableId: 7, rows: [{ id: 1, status: "new", tag: Buffer.from([1, 2]) }] })), undefined);
  d.push(event("updaterows", 1450, 90, { tableId: 7, rows: [{ before: { id: 1, status: "new", tag: null }, after: { id: 1, status: "paid", tag: null } }] }));
  d.push(event("writerows", 1500, 50, { tableId: 8, rows: [{ id: 9 }] })); // a table not watched
  const commit = d.push(event("xid", 1531, 31, { gtid: "0-1-6" }))!;
  assert.deepEqual(commit.commit, { file: "binlog.000003", position: 1531 });
  assert.equal(commit.changes.length, 2);
  const [insert, update] = commit.changes;
  assert.deepEqual(insert, {
    op: "insert", schema: "shop", table: "orders", key: { id: 1 },
    after: { id: 1, status: "new", tag: "0x0102" },
    columnTypes: { id: "int(11)", status: "varchar(20)", tag: "varbinary(4)" },
    transactionId: "0-1-6", commitTime: "2026-12-02T10:20:30.000000Z", commitLsn: "binlog.000003:1531", lsn: "binlog.000003:1360",
    indexInTransaction: 0, lastInTransaction: false,
    binlog: { transactionStart: "binlog.000003:1222", gtid: "0-1-6", serverId: 1, serverVersion: "10.11.19-MariaDB" },
  });
  assert.deepEqual([update.op, update.before, update.after, update.indexInTransaction, update.lastInTransaction], ["update", { id: 1, status: "new", tag: null }, { id: 1, status: "paid", tag: null }, 1, true]);
});

test("MySQL without GTIDs: BEGIN starts the transaction, its start position is its id; a COMMIT query ends a non-transactional one", () => {
  const d = decoder();
  d.push(event("query", 500, 80, { query: "BEGIN" }));
  d.push(event("deleterows", 600, 50, { tableId: 7, rows: [{ id: 3, status: "x", tag: null }] }));
  const commit = d.push(event("query", 680, 80, { query: "COMMIT" }))!;
  const [del] = commit.changes;
  assert.deepEqual([del.op, del.key, del.before, del.after, del.transactionId, del.binlog?.gtid], ["delete", { id: 3 }, { id: 3, status: "x", tag: null }, undefined, "binlog.000003:420", undefined]);
});

test("operations and the columns filter leave changes out; a transaction of nothing watched still moves the position", () => {
  const d = decoder({ operations: ["update"], columns: ["status"] });
  d.push(event("mariadbgtid", 100, 40, { gtid: "0-1-7" }));
  d.push(event("writerows", 150, 50, { tableId: 7, rows: [{ id: 1, status: "a", tag: null }] }));
  d.push(event("updaterows", 200, 50, { tableId: 7, rows: [
    { before: { id: 1, status: "a", tag: null }, after: { id: 1, status: "a", tag: Buffer.from([9]) } },
    { before: { id: 2, status: "a", tag: null }, after: { id: 2, status: "b", tag: null } },
  ] }));
  const commit = d.push(event("xid", 231, 31))!;
  assert.deepEqual(commit.changes.map((c) => [c.op, c.key]), [["update", { id: 2 }]]);
  const ddl = d.push(event("query", 400, 100, { query: "ALTER TABLE orders ADD COLUMN x int" }))!;
  assert.deepEqual(ddl, { changes: [], commit: { file: "binlog.000003", position: 400 } });
  d.push(event("rotate", 0, 0, { binlogName: "binlog.000004" }));
  assert.equal(d.currentFile, "binlog.000004");
});

test("binlog positions order across files and measure lag over the files between", () => {
  assert.deepEqual(parseBinlogPosition("mysql-bin.000004:2196"), { file: "mysql-bin.000004", position: 2196 });
  assert.equal(parseBinlogPosition("0/1A2B3C"), undefined);
  assert.ok(binlogPositionValue("binlog.000003:99999")! < binlogPositionValue("binlog.000004:4")!);
  assert.equal(lsnValue("binlog.000002:10"), (2n << 32n) | 10n);
  const files = [{ file: "binlog.000001", size: 1000 }, { file: "binlog.000002", size: 500 }, { file: "binlog.000003", size: 300 }];
  assert.equal(binlogLagBytes({ file: "binlog.000003", position: 100 }, { file: "binlog.000003", position: 300 }, files), 200);
  assert.equal(binlogLagBytes({ file: "binlog.000001", position: 900 }, { file: "binlog.000003", position: 300 }, files), 100 + 500 + 300);
  assert.equal(binlogLagBytes({ file: "binlog.000003", position: 300 }, { file: "binlog.000003", position: 300 }, files), 0);
});

test("the shapes: DTS's binlog fields, DMS's numeric transaction id, the plain event's lsn; offsets in commit order", () => {
  const d = decoder();
  d.push(event("mariadbgtid", 1264, 42, { gtid: "0-1-6" }));
  d.push(event("writerows", 2196, 60, { tableId: 7, rows: [{ id: 1, status: "new", tag: null }] }));
  const [first] = d.push(event("xid", 2227, 31))!.changes;
  d.push(event("rotate", 0, 0, { binlogName: "binlog.000004" }));
  d.push(event("mariadbgtid", 300, 42, { gtid: "0-1-7" }));
  d.push(event("deleterows", 400, 60, { tableId: 7, rows: [{ id: 1, status: "new", tag: null }] }));
  const [second] = d.push(event("xid", 431, 31))!.changes;
  assert.ok(compareChanges(first, second) < 0);
  assert.ok(kafkaOffset(first) < kafkaOffset(second));

  const dts = dtsRecord(first, 1234);
  assert.deepEqual(
    [dts.fileName, dts.position, dts.safePosition, dts.gtid, dts.serverId, dts.sourceType, dts.sourceVersion, dts.schemaName, dts.objectName, dts.pkNames, dts.timestamp],
    ["binlog.000003", "2196@3", "1222@3", "0-1-6", 1, "mysql", "10.11.19-MariaDB", "shop", "shop.orders", ["id"], TIME / 1000],
  );
  assert.deepEqual(dts.columns, [{ name: "id", isKey: true, originalType: "int(11)" }, { name: "status", isKey: false, originalType: "varchar(20)" }, { name: "tag", isKey: false, originalType: "varbinary(4)" }]);
  assert.deepEqual([dts.oldColumns, dts.newColumns], [null, ["1", "new", null]]);
  assert.deepEqual(dtsRecord(second).oldColumns, ["1", "new", null]);

  const dms = dmsRecord(second);
  assert.deepEqual(dms.data, { id: 1, status: "new", tag: null }, "binlog_row_image = FULL: the whole deleted row");
  assert.equal(dms.metadata["transaction-id"], Number((4n << 32n) | 258n));
  assert.equal(dms.metadata["schema-name"], "shop");

  const [plain] = plainChangeEvent([first]).Records;
  assert.deepEqual([plain.lsn, plain.transactionId, plain.schema], ["binlog.000003:2196", "0-1-6", "shop"]);
});

test("Fire with a sample change on a MySQL source: binlog positions and MySQL's types in every shape", () => {
  const sample = sampleRowChange({ schema: "shop", table: "orders" }, new Date("2026-12-02T10:20:30.456Z"), "mysql");
  assert.deepEqual([sample.lsn, sample.commitLsn, sample.transactionId, sample.commitTime, sample.columnTypes.id], ["binlog.000003:1491", "binlog.000003:1522", "0-1-42", "2026-12-02T10:20:30.000000Z", "int(11)"]);
  const dts = dtsRecord(sample);
  assert.deepEqual([dts.sourceType, dts.fileName, dts.position, dts.safePosition], ["mysql", "binlog.000003", "1491@3", "1222@3"]);
  assert.equal(typeof dmsRecord(sample).metadata["transaction-id"], "number");
  assert.equal(sampleRowChange({ schema: "public", table: "orders" }).lsn, "0/1A2B3C0", "PostgreSQL's sample unchanged");
});
