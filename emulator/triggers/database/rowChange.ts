/**
 * The contract between a database source (PostgreSQL logical replication, database/pg*; the MySQL/MariaDB
 * binlog, database/mysql*) and what
 * turns its changes into events (database/*Event.ts) and delivers them (database/changeDelivery.ts).
 */

/** One row changed by a committed transaction, as the source decoded it. */
export interface RowChange {
  op: "insert" | "update" | "delete";
  schema: string;
  table: string;
  /** The primary key's (or replica identity's) columns and values; empty when the table has none. */
  key: Record<string, unknown>;
  /** The row before an update or delete, as far as the table's replica identity gives it (PostgreSQL: the key only, unless REPLICA IDENTITY FULL). */
  before?: Record<string, unknown>;
  /** The row after an insert or update. */
  after?: Record<string, unknown>;
  /** Column name → the database's type name (int4, text, numeric, timestamptz…), for the shapes that carry types. */
  columnTypes: Record<string, string>;
  /**
   * The transaction's id (PostgreSQL xid; MySQL: its GTID where on, else its start "binlog.000003:1180") and its
   * commit: time (ISO 8601, microseconds) and LSN ("16/B374D848"; MySQL: the binlog position after its commit).
   */
  transactionId: string;
  commitTime: string;
  commitLsn: string;
  /** The change's own position: its LSN, and its index within its transaction (0-based). */
  lsn: string;
  indexInTransaction: number;
  /** True for the transaction's last change: acknowledging it lets the source forget the whole transaction. */
  lastInTransaction: boolean;
  /** Set by a MySQL/MariaDB source (lsn and commitLsn are then binlog positions, "binlog.000003:1234"). */
  binlog?: BinlogDetails;
}

/** What a binlog source knows of a change beyond the common fields, for the shapes that carry it (DTS's MySQL record). */
export interface BinlogDetails {
  /** Where the transaction starts in the binlog ("binlog.000003:1180"). */
  transactionStart: string;
  /** The transaction's GTID ("0-1-42" on MariaDB, "uuid:42" on MySQL with gtid_mode ON), absent otherwise. */
  gtid?: string;
  /** The server_id of the server that wrote the change. */
  serverId: number;
  /** SELECT VERSION() of the server read. */
  serverVersion: string;
}

/** The source's side of a delivery: changes in commit order, acknowledged once delivered (or dead-lettered). */
export interface ChangeSource {
  /** Starts reading; `onChanges` is called in commit order and not again until the promise it returns settles. */
  start(onChanges: (changes: RowChange[]) => Promise<void>): Promise<void>;
  /** Everything up to and including this change is delivered: the source may advance its confirmed position. */
  acknowledge(change: RowChange): Promise<void>;
  stop(): Promise<void>;
}
