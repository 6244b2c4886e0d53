// An SCF function with a CKafka trigger on a `databases:` source's `ckafka:` topic gets what it
// would in Tencent Cloud when a DTS data subscription (Kafka edition, JSON format) feeds the topic:
// a CKafka trigger event whose msgBody is DTS's JSON record of one change.
//
// The record's fields are those of the JSON protocol's Record ("协议文件说明", the Java demo's
// FlatRecord): https://www.tencentcloud.com/document/product/571/48490.
// id, version, messageType, fileName, position, safePosition, timestamp, gtid, transactionId,
// serverId, threadId, sourceType, sourceVersion, schemaName, tableName, objectName, columns
// ({name, isKey, originalType}), oldColumns and newColumns (values as strings: numbers as their
// text, timestamps as milliseconds, binary as 0x hex), sql, executionTime, heartbeatTimestamp,
// syncedGtid, fakeGtid, pkNames, readerTimestamp, tags, total, index.
//
// DTS's JSON protocol is documented for MySQL sources only; a PostgreSQL change is mapped onto it:
// - no binlog: fileName and gtid are "", position is the change's LSN as a number, safePosition the
//   transaction's commit LSN; serverId and threadId 0; sourceType "postgresql".
// - columns carry PostgreSQL's type name (originalType) and no dataTypeNumber (MySQL's binlog type code).
// - oldColumns/newColumns are lists of the values in `columns` order; the page says "列值，输出字符串"
//   without showing their JSON, so that reading is ours. oldColumns is null for an insert, and for an
//   update unless PostgreSQL logged the old row (REPLICA IDENTITY FULL, or a changed key); newColumns is null for a delete.
// - messageType "INSERT" | "UPDATE" | "DELETE", as the protobuf protocol's DML types are named (the JSON page lists no values).
// A MySQL/MariaDB change (read from the binlog) fills the binlog fields as the page documents them
// (English: https://www.tencentcloud.com/document/product/571/55398): fileName the binlog file,
// position "End_log_pos@file number" of the change's row event ("2196@4"), safePosition the same of its
// transaction's start, timestamp the binlog's seconds, gtid the transaction's GTID (MariaDB writes
// domain-server-sequence), serverId the server's server_id, sourceType "mysql", sourceVersion
// SELECT version(), columns' originalType the column's type as information_schema gives it ("int(11)").
// threadId (the committing session) is 0: MariaDB 10.11's binlog does not carry it with row events.
// pkNames lists the primary key's columns; the page says a table without one carries none.
//
// - msgKey "schema.table": DTS's default partitioning is by table name; the pages do not say what it
//   writes as the Kafka key, so this is our reading. Partition 0: one local partition.
import { ckafkaRecord } from "../events/messageEvents";
import { binlogFileNumber, parseBinlogPosition } from "./binlogPosition";
import { kafkaOffset, lsnValue } from "./changePosition";
import { columnNames } from "./changeValues";
import type { RowChange } from "./rowChange";

export interface DtsColumn {
  name: string;
  isKey: boolean;
  originalType: string;
}

export interface DtsRecord {
  id: number;
  version: 1;
  messageType: "INSERT" | "UPDATE" | "DELETE";
  fileName: string;
  /** PostgreSQL: the LSN as a number; MySQL: "End_log_pos@file number", as DTS writes it. */
  position: number | string;
  safePosition: number | string;
  /** The commit time, seconds since the epoch (a binlog timestamp is seconds). */
  timestamp: number;
  gtid: string;
  transactionId: string;
  serverId: number;
  threadId: number;
  sourceType: "postgresql" | "mysql";
  sourceVersion: string;
  schemaName: string;
  tableName: string;
  objectName: string;
  columns: DtsColumn[];
  oldColumns: Array<string | null> | null;
  newColumns: Array<string | null> | null;
  sql: string;
  executionTime: number;
  heartbeatTimestamp: number;
  syncedGtid: string;
  fakeGtid: boolean;
  pkNames: string[];
  readerTimestamp: number;
  tags: Record<string, string>;
  total: number;
  index: number;
}

const MESSAGE_TYPES = { insert: "INSERT", update: "UPDATE", delete: "DELETE" } as const;

/** DTS's JSON record of one change; `readAt` is when the subscription read it (readerTimestamp). */
export function dtsRecord(change: RowChange, readAt = Date.now()): DtsRecord {
  const record = dtsRecordOfAnySource(change, readAt);
  const binlog = change.binlog;
  if (!binlog) return record;
  const at = parseBinlogPosition(change.lsn);
  return {
    ...record,
    fileName: at?.file ?? "",
    position: dtsBinlogPosition(change.lsn),
    safePosition: dtsBinlogPosition(binlog.transactionStart),
    gtid: binlog.gtid ?? "",
    serverId: binlog.serverId,
    sourceType: "mysql",
    sourceVersion: binlog.serverVersion,
  };
}

/** "binlog.000004:2196" → "2196@4". */
function dtsBinlogPosition(position: string): string {
  const at = parseBinlogPosition(position);
  return at ? `${at.position}@${binlogFileNumber(at.file)}` : "";
}

function dtsRecordOfAnySource(change: RowChange, readAt: number): DtsRecord {
  const names = columnNames(change);
  const keys = Object.keys(change.key);
  const values = (row: Record<string, unknown> | undefined) => (row ? names.map((name) => dtsValue(row[name], change.columnTypes[name])) : null);
  return {
    id: kafkaOffset(change),
    version: 1,
    messageType: MESSAGE_TYPES[change.op],
    fileName: "",
    position: Number(lsnValue(change.lsn)),
    safePosition: Number(lsnValue(change.commitLsn)),
    timestamp: Math.floor(Date.parse(change.commitTime) / 1000),
    gtid: "",
    transactionId: change.transactionId,
    serverId: 0,
    threadId: 0,
    sourceType: "postgresql",
    sourceVersion: "",
    schemaName: change.schema,
    tableName: change.table,
    objectName: `${change.schema}.${change.table}`,
    columns: names.map((name) => ({ name, isKey: keys.includes(name), originalType: change.columnTypes[name] ?? "unknown" })),
    oldColumns: change.op === "insert" ? null : values(change.before ?? (change.op === "delete" ? change.key : undefined)),
    newColumns: change.op === "delete" ? null : values(change.after),
    sql: "",
    executionTime: 0,
    heartbeatTimestamp: 0,
    syncedGtid: "",
    fakeGtid: false,
    pkNames: keys,
    readerTimestamp: readAt,
    tags: {},
    total: 0,
    index: 0,
  };
}

/**
 * "在 Json 协议中，将 MySQL 类型全部转换成了字符串": numbers as their text, times as text,
 * timestamps as milliseconds, binary as 0x hex; SQL NULL (and a column the row does not carry) as null.
 */
function dtsValue(value: unknown, type: string | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Uint8Array) return `0x${Buffer.from(value).toString("hex")}`;
  const isTimestamp = type === "timestamp" || type === "timestamptz" || /^timestamp\(\d\)$/.test(type ?? "");
  if (value instanceof Date) return isTimestamp ? String(value.getTime()) : value.toISOString();
  if (isTimestamp && typeof value === "string") {
    // MySQL gives a TIMESTAMP as "2026-01-02 03:04:05[.ffffff]" in the reading session's time zone; ours is the server's, read as UTC.
    const text = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/.test(value) ? `${value.replace(" ", "T")}Z` : value;
    if (!Number.isNaN(Date.parse(text))) return String(Date.parse(text));
  }
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** The CKafka trigger event SCF sends for `changes` published to `topic` by DTS, in commit order. */
export function dtsCkafkaEvent(topic: string, changes: readonly RowChange[], readAt = Date.now()): { Records: Array<ReturnType<typeof ckafkaRecord>> } {
  return {
    Records: changes.map((change) =>
      ckafkaRecord({ topic, partition: 0, offset: kafkaOffset(change), msgKey: `${change.schema}.${change.table}`, msgBody: JSON.stringify(dtsRecord(change, readAt)) }),
    ),
  };
}
