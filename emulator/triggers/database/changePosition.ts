// Where a change sits in the stream: its order for delivery, and the numbers each cloud shows (a
// Kinesis sequence number and a Kafka offset). All come from the change's commit LSN and its index
// in its transaction, so they grow in delivery (commit) order and stay the same when a change is
// delivered again after a restart: a function that stores the last one it saw can tell repeats from new changes.
// (A change's own LSN would not do: transactions interleave, and a later commit can hold earlier LSNs.)
import { binlogPositionValue } from "./binlogPosition";
import type { RowChange } from "./rowChange";

/**
 * A position as one number, so that positions compare as the log orders them. A PostgreSQL LSN
 * ("16/B374D848": the high and low 32 bits in hex, https://www.postgresql.org/docs/current/datatype-pg-lsn.html),
 * or a MySQL/MariaDB binlog position ("binlog.000003:1234": the file's number in the high bits, the
 * offset in the low 32; see binlogPosition.ts).
 */
export function lsnValue(lsn: string): bigint {
  const binlog = binlogPositionValue(lsn);
  if (binlog !== undefined) return binlog;
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(lsn);
  if (!match) throw new Error(`${JSON.stringify(lsn)} is not a PostgreSQL LSN such as 16/B374D848 nor a binlog position such as binlog.000003:1234`);
  return (BigInt(`0x${match[1]}`) << 32n) | BigInt(`0x${match[2]}`);
}

/**
 * Where a change stands in commit order: its transaction's commit LSN, then its place in the
 * transaction. Negative when `a` comes first. Transactions reach a slot in commit order, so
 * this is the order a consumer must see them in.
 */
export function compareChanges(a: RowChange, b: RowChange): number {
  const byCommit = lsnValue(a.commitLsn) - lsnValue(b.commitLsn);
  if (byCommit !== 0n) return byCommit < 0n ? -1 : 1;
  return a.indexInTransaction - b.indexInTransaction;
}

/**
 * A Kinesis sequence number: "49", the commit LSN in 20 digits, the index in 10. Real ones are
 * decimal strings of up to 128 digits that grow within a shard
 * (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_Record.html); the "49" only makes
 * them look like the ones Lambda shows (every example starts so), AWS documents no meaning for it.
 */
export function kinesisSequenceNumber(change: Pick<RowChange, "commitLsn" | "indexInTransaction">): string {
  return `49${lsnValue(change.commitLsn).toString().padStart(20, "0")}${String(change.indexInTransaction).padStart(10, "0")}`;
}

/** Changes one transaction may number apart in a Kafka offset; later ones share the last offset. */
export const OFFSETS_PER_TRANSACTION = 2 ** 14;

/**
 * A Kafka offset: commit LSN × 16384 + index. It must be a JSON number a function can read exactly
 * (below 2^53), which holds for commit LSNs up to 512 GiB of WAL; a transaction of more than 16,384
 * changes gives its later changes the same offset (offsets never go back).
 */
export function kafkaOffset(change: Pick<RowChange, "commitLsn" | "indexInTransaction">): number {
  const index = BigInt(Math.min(change.indexInTransaction, OFFSETS_PER_TRANSACTION - 1));
  return Number(lsnValue(change.commitLsn) * BigInt(OFFSETS_PER_TRANSACTION) + index);
}
