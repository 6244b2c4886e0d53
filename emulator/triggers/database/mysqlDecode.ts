// Binlog events (as @vlasky/zongji parses them) → RowChanges, a whole transaction at a time. A
// transaction starts with MariaDB's GTID event, MySQL's GTID event or a BEGIN query (MySQL without
// gtid_mode), and ends with its XID event (InnoDB) or a COMMIT query (a non-transactional engine):
// https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_replication_binlog_event.html,
// https://mariadb.com/kb/en/gtid_event/. Row events are those of binlog_format = ROW.
import { formatBinlogPosition } from "./binlogPosition";
import type { Operation } from "./pgSlots";
import type { RowChange } from "./rowChange";

/** The parts of zongji's events this decoder reads (its index.d.ts has them all). */
export interface BinlogEventLike {
  getEventName(): string;
  /** Milliseconds since the epoch (the binlog header's seconds × 1000). */
  timestamp: number;
  nextPosition: number;
  size: number;
  gtid?: string;
  binlogName?: string;
  position?: number | string;
  query?: string;
  tableId?: number;
  rows?: Array<Record<string, unknown>> | Array<{ before: Record<string, unknown>; after: Record<string, unknown> }>;
  tableMap?: Record<number, { parentSchema: string; tableName: string; columnSchemas: Array<{ COLUMN_NAME: string; COLUMN_TYPE: string }> }>;
}

export interface MysqlDecoderOptions {
  /** "database.table" of the watched tables. */
  tables: ReadonlySet<string>;
  operations: ReadonlySet<Operation>;
  /** An UPDATE counts only when one of these columns changed (the row's before image shows which). */
  columns?: readonly string[];
  /** "database.table" → its primary key's columns (none: no key). */
  primaryKeys: ReadonlyMap<string, readonly string[]>;
  serverId: number;
  serverVersion: string;
}

export interface DecodedCommit {
  /** The transaction's watched changes, in binlog order (none when it touched no watched table). */
  changes: RowChange[];
  /** The position after its commit: where reading resumes once it is delivered. */
  commit: { file: string; position: number };
}

const OPERATIONS: Record<string, Operation> = { writerows: "insert", updaterows: "update", deleterows: "delete" };

export class MysqlDecoder {
  private file = "";
  private transaction?: { start: number; gtid?: string; changes: RowChange[] };

  constructor(private readonly options: MysqlDecoderOptions) {}

  /** The file being read; a rotate event changes it (the first event of every stream is one). */
  setFile(file: string): void {
    this.file = file;
  }

  get currentFile(): string {
    return this.file;
  }

  get inTransaction(): boolean {
    return this.transaction !== undefined;
  }

  /** A reconnect starts again at a transaction boundary: what was half read comes again. */
  reset(): void {
    this.transaction = undefined;
  }

  /** One event; returns the transaction it ended, if it ended one. */
  push(event: BinlogEventLike): DecodedCommit | undefined {
    const name = event.getEventName();
    const start = event.nextPosition - event.size;
    switch (name) {
      case "rotate":
        if (event.binlogName) this.file = event.binlogName;
        return undefined;
      case "mariadbgtid":
      case "gtid":
      case "anonymousgtid":
        this.transaction = { start, gtid: name === "anonymousgtid" ? undefined : event.gtid, changes: [] };
        return undefined;
      case "query": {
        const query = (event.query ?? "").trim().toUpperCase();
        if (query === "BEGIN") {
          // After a GTID event, BEGIN is part of the same transaction (MySQL writes both).
          this.transaction ??= { start, changes: [] };
          return undefined;
        }
        if (query === "COMMIT" && this.transaction) return this.commit(event);
        // DDL and other statements end nothing of ours but move the position.
        return this.transaction ? undefined : { changes: [], commit: { file: this.file, position: event.nextPosition } };
      }
      case "xid":
        return this.transaction ? this.commit(event) : { changes: [], commit: { file: this.file, position: event.nextPosition } };
      case "writerows":
      case "updaterows":
      case "deleterows":
        this.rows(OPERATIONS[name], event);
        return undefined;
      default:
        return undefined;
    }
  }

  private rows(op: Operation, event: BinlogEventLike): void {
    const table = event.tableMap?.[event.tableId ?? -1];
    if (!table) return;
    const qualified = `${table.parentSchema}.${table.tableName}`;
    if (!this.options.tables.has(qualified) || !this.options.operations.has(op)) return;
    this.transaction ??= { start: event.nextPosition - event.size, changes: [] };
    const keyColumns = this.options.primaryKeys.get(qualified) ?? [];
    const columnTypes = Object.fromEntries(table.columnSchemas.map((c) => [c.COLUMN_NAME, c.COLUMN_TYPE]));
    for (const row of event.rows ?? []) {
      const before = jsonSafe(op === "update" ? (row as { before: Record<string, unknown> }).before : op === "delete" ? (row as Record<string, unknown>) : undefined);
      const after = jsonSafe(op === "update" ? (row as { after: Record<string, unknown> }).after : op === "insert" ? (row as Record<string, unknown>) : undefined);
      if (op === "update" && this.options.columns && before && after && !this.options.columns.some((c) => !sameValue(before[c], after[c]))) continue;
      const image = after ?? before ?? {};
      this.transaction.changes.push({
        op,
        schema: table.parentSchema,
        table: table.tableName,
        key: Object.fromEntries(keyColumns.map((c) => [c, image[c]])),
        ...(before ? { before } : {}),
        ...(after ? { after } : {}),
        columnTypes,
        // Filled in at the commit.
        transactionId: "",
        commitTime: "",
        commitLsn: "",
        lsn: formatBinlogPosition({ file: this.file, position: event.nextPosition }),
        indexInTransaction: this.transaction.changes.length,
        lastInTransaction: false,
      });
    }
  }

  private commit(event: BinlogEventLike): DecodedCommit {
    const transaction = this.transaction!;
    this.transaction = undefined;
    const commit = { file: this.file, position: event.nextPosition };
    const transactionStart = formatBinlogPosition({ file: this.file, position: transaction.start });
    const commitLsn = formatBinlogPosition(commit);
    // ISO 8601 with six fraction digits as RowChange.commitTime is everywhere; a binlog timestamp has whole seconds.
    const commitTime = new Date(event.timestamp).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
    const gtid = transaction.gtid ?? event.gtid;
    const changes = transaction.changes.map((change, index, all) => ({
      ...change,
      transactionId: gtid ?? transactionStart,
      commitTime,
      commitLsn,
      lastInTransaction: index === all.length - 1,
      binlog: { transactionStart, ...(gtid ? { gtid } : {}), serverId: this.options.serverId, serverVersion: this.options.serverVersion },
    }));
    return { changes, commit };
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (a !== null && b !== null && typeof a === "object" && JSON.stringify(a) === JSON.stringify(b));
}

/**
 * A row as every shape can carry it in JSON (the plain event passes rows as they are): bytes as 0x hex
 * (as changeValues.ts writes them for DMS and DTS), 64-bit integers beyond 2^53 as decimal text (zongji
 * gives those as strings already), dates as the server's text (dateStrings, see mysqlBinlog.ts).
 */
function jsonSafe(row: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!row) return undefined;
  return Object.fromEntries(Object.entries(row).map(([column, value]) => [column,
    value instanceof Uint8Array ? `0x${Buffer.from(value).toString("hex")}` : typeof value === "bigint" ? value.toString() : value]));
}
