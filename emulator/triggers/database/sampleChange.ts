// The change "Fire with a sample change" and the invoke panel's first event use: an INSERT into a
// source's first table, with made-up columns (Faasbox does not read the table's real columns for a
// sample, so a function that needs them gets what it would from a row it does not expect).
import type { TableName } from "../../project/databaseSources";
import type { DatabaseKind } from "../../project/databaseUrl";
import type { ChangeConsumer, ConsumingFunction } from "./consumers";
import type { RowChange } from "./rowChange";

/** What a sample change looks like in each database's terms: its column types, ids and positions. */
const DIALECTS: Record<DatabaseKind, Pick<RowChange, "columnTypes" | "transactionId" | "commitLsn" | "lsn" | "binlog"> & { commitDate: (now: Date) => Date }> = {
  postgresql: {
    columnTypes: { id: "int4", status: "text", total: "numeric" },
    transactionId: "771",
    commitDate: (now) => now,
    commitLsn: "0/1A2B3C8",
    lsn: "0/1A2B3C0",
  },
  mysql: {
    columnTypes: { id: "int(11)", status: "varchar(20)", total: "decimal(10,2)" },
    transactionId: "0-1-42",
    // A binlog timestamp has whole seconds.
    commitDate: (now) => new Date(Math.floor(now.getTime() / 1000) * 1000),
    commitLsn: "binlog.000003:1522",
    lsn: "binlog.000003:1491",
    binlog: { transactionStart: "binlog.000003:1222", gtid: "0-1-42", serverId: 1, serverVersion: "10.11.19-MariaDB" },
  },
};

/** A committed one-row INSERT into `table`, at `now`, with a plausible LSN (MySQL: binlog position) and transaction id. */
export function sampleRowChange(table: TableName, now = new Date(), kind: DatabaseKind = "postgresql"): RowChange {
  const dialect = DIALECTS[kind];
  return {
    op: "insert",
    schema: table.schema,
    table: table.table,
    key: { id: 1 },
    after: { id: 1, status: "new", total: "42.50" },
    columnTypes: { ...dialect.columnTypes },
    transactionId: dialect.transactionId,
    commitTime: commitTimeOf(dialect.commitDate(now)),
    commitLsn: dialect.commitLsn,
    lsn: dialect.lsn,
    indexInTransaction: 0,
    lastInTransaction: true,
    ...(dialect.binlog ? { binlog: { ...dialect.binlog } } : {}),
  };
}

/** ISO 8601 with microseconds, as RowChange.commitTime is. */
function commitTimeOf(now: Date): string {
  return now.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/** The event `consumer` gets for one sample change to its source's first table, in its shape. */
export function sampleChangeEvent(consumer: ChangeConsumer<ConsumingFunction>, now = new Date()): unknown {
  return consumer.toEvent([sampleRowChange(consumer.source.tables[0], now, consumer.source.url.kind)]);
}
