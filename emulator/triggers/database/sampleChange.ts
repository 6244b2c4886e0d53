// The change "Fire with a sample change" and the invoke panel's first event use: an INSERT into a
// source's first table, with made-up columns (Faasbox does not read the table's real columns for a
// sample, so a function that needs them gets what it would from a row it does not expect).
import type { TableName } from "../../project/databaseSources";
import type { ChangeConsumer, ConsumingFunction } from "./consumers";
import type { RowChange } from "./rowChange";

/** A committed one-row INSERT into `table`, at `now`, with a plausible LSN and transaction id. */
export function sampleRowChange(table: TableName, now = new Date()): RowChange {
  const row = { id: 1, status: "new", total: "42.50" };
  return {
    op: "insert",
    schema: table.schema,
    table: table.table,
    key: { id: 1 },
    after: row,
    columnTypes: { id: "int4", status: "text", total: "numeric" },
    transactionId: "771",
    commitTime: commitTimeOf(now),
    commitLsn: "0/1A2B3C8",
    lsn: "0/1A2B3C0",
    indexInTransaction: 0,
    lastInTransaction: true,
  };
}

/** ISO 8601 with microseconds, as RowChange.commitTime is. */
function commitTimeOf(now: Date): string {
  return now.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/** The event `consumer` gets for one sample change to its source's first table, in its shape. */
export function sampleChangeEvent(consumer: ChangeConsumer<ConsumingFunction>, now = new Date()): unknown {
  return consumer.toEvent([sampleRowChange(consumer.source.tables[0], now)]);
}
