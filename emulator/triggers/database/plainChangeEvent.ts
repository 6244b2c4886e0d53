// faasbox.yml's `database` event: Faasbox's own shape, no cloud's. Each record is one row change
// as PostgreSQL's logical replication or MySQL's binlog decoded it, in commit order. No cloud documents this shape;
// it is the design's (issue 18): op, schema, table, key, before, after, commitTime, lsn, transactionId.
import type { RowChange } from "./rowChange";

export interface PlainChangeRecord {
  op: RowChange["op"];
  schema: string;
  table: string;
  key: Record<string, unknown>;
  /** null for an insert; for an update or delete what the table's replica identity gives (the key unless REPLICA IDENTITY FULL). */
  before: Record<string, unknown> | null;
  /** null for a delete. */
  after: Record<string, unknown> | null;
  /** The transaction's commit time, ISO 8601. */
  commitTime: string;
  /** The change's own LSN ("16/B374D848"); for MySQL/MariaDB its binlog position ("binlog.000003:1234", the end of its row event). */
  lsn: string;
  transactionId: string;
}

export function plainChangeEvent(changes: readonly RowChange[]): { Records: PlainChangeRecord[] } {
  return {
    Records: changes.map((change) => ({
      op: change.op,
      schema: change.schema,
      table: change.table,
      key: change.key,
      before: change.before ?? null,
      after: change.after ?? null,
      commitTime: change.commitTime,
      lsn: change.lsn,
      transactionId: change.transactionId,
    })),
  };
}
