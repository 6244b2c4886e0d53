import type { RowChange } from "./rowChange";

/**
 * Where a change stands in commit order: its transaction's commit LSN, then its place in the
 * transaction. Negative when `a` comes first. Transactions reach a slot in commit order, so this
 * is the order a consumer sees them in (a change's own LSN would not do: transactions interleave
 * in the WAL, and a later commit can hold earlier LSNs).
 */
export function compareChanges(a: RowChange, b: RowChange): number {
  const byCommit = walPosition(a.commitLsn) - walPosition(b.commitLsn);
  if (byCommit !== 0n) return byCommit < 0n ? -1 : 1;
  return a.indexInTransaction - b.indexInTransaction;
}

/**
 * "16/B374D848" (the high and low 32 bits of the WAL position, hex) as one number.
 * https://www.postgresql.org/docs/current/datatype-pg-lsn.html
 */
function walPosition(lsn: string): bigint {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(lsn);
  if (!match) throw new Error(`${JSON.stringify(lsn)} is not a PostgreSQL LSN such as 16/B374D848`);
  return (BigInt(`0x${match[1]}`) << 32n) | BigInt(`0x${match[2]}`);
}
