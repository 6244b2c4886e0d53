import type { RowChange } from "./rowChange";

/**
 * A PostgreSQL LSN ("16/B374D848": the high and low 32 bits in hex) as one number, so that
 * positions compare as the WAL orders them.
 * https://www.postgresql.org/docs/current/datatype-pg-lsn.html
 */
export function lsnValue(lsn: string): bigint {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(lsn);
  if (!match) throw new Error(`"${lsn}" is not a PostgreSQL LSN (expected two hex numbers such as 16/B374D848)`);
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
