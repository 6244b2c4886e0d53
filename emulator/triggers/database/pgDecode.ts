import { PgoutputPlugin, type Pgoutput } from "pg-logical-replication";
import { normalizeLsn } from "./lsn";
import type { Operation } from "./pgSlots";
import type { RowChange } from "./rowChange";

/**
 * Turns pgoutput's messages (https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html)
 * into RowChanges. pgoutput sends a transaction only after it committed, Begin … changes … Commit,
 * so the decoder holds back just the latest change of the open transaction: when Commit comes, that
 * one is marked lastInTransaction and carries the commit's end position, the one a slot may confirm.
 */

/** Types whose text PostgreSQL gives is kept as is (times, numerics, arrays…): JS parsing would change them (time zones, precision). */
const PARSED_TYPES = new Set([16 /* bool */, 21 /* int2 */, 23 /* int4 */, 26 /* oid */, 700 /* float4 */, 701 /* float8 */, 114 /* json */, 3802 /* jsonb */]);
const keepText = (raw: unknown) => raw;

/** Sets how a relation's column values are read (keepText) and names their types. Idempotent. */
function prepareColumns(relation: Pgoutput.MessageRelation, typeNames: TypeNames): void {
  for (const column of relation.columns) {
    if (!PARSED_TYPES.has(column.typeOid)) column.parser = keepText;
    column.typeName ??= typeNames.get(column.typeOid) ?? String(column.typeOid);
  }
}

/**
 * pgoutput as pg-logical-replication parses it, with each Relation's columns prepared as soon as
 * it is parsed: the library parses a message's row values when the message arrives, before the
 * messages ahead of it reach the decoder, so a Relation and the Insert after it in one read would
 * otherwise have the Insert parsed with JavaScript's parsers.
 */
export class TextValuesPgoutputPlugin extends PgoutputPlugin {
  constructor(options: Pgoutput.Options, private readonly typeNames: TypeNames) {
    super(options);
  }

  override parse(buffer: Buffer): Pgoutput.Message {
    const message = super.parse(buffer);
    if (message.tag === "relation") prepareColumns(message, this.typeNames);
    return message;
  }
}

/** Names of the built-in types (pgoutput sends Type messages only for user-defined ones). */
export type TypeNames = ReadonlyMap<number, string>;

export interface DecoderOptions {
  operations: ReadonlySet<Operation>;
  /** An UPDATE is kept only when one of these columns changed (when the old row is known; see `columnsUnknown`). */
  columns?: readonly string[];
  typeNames: TypeNames;
  /** Told once per table when `columns` cannot be checked because the table sends no old row. */
  columnsUnknown?: (table: string) => void;
}

export class PgoutputDecoder {
  private txn?: { xid: number; commitLsn: string; commitTime: string; index: number };
  private held?: RowChange;
  private readonly endLsns = new WeakMap<RowChange, string>();
  private readonly prepared = new WeakSet<Pgoutput.MessageRelation>();
  private readonly warned = new Set<string>();
  /** The end of the last transaction that committed with no change kept: a position that may be confirmed when nothing is pending. */
  idleEnd?: string;

  constructor(private readonly options: DecoderOptions) {}

  /** The position to confirm for a change that ends its transaction (the commit's end). */
  endLsnOf(change: RowChange): string | undefined {
    return this.endLsns.get(change);
  }

  /** True between Begin and Commit. */
  get inTransaction(): boolean {
    return this.txn !== undefined;
  }

  /** Forgets an unfinished transaction (the connection dropped: the server sends it again). */
  reset(): void {
    this.txn = undefined;
    this.held = undefined;
  }

  /** Feeds one message at WAL position `lsn`; returns the changes now ready, in commit order. */
  push(lsn: string, message: Pgoutput.Message): RowChange[] {
    switch (message.tag) {
      case "relation":
        this.prepareRelation(message);
        return [];
      case "begin":
        this.txn = { xid: message.xid, commitLsn: normalizeLsn(message.commitLsn ?? lsn), commitTime: isoMicros(message.commitTime as bigint), index: 0 };
        this.held = undefined;
        return [];
      case "insert":
      case "update":
      case "delete": {
        const change = this.toChange(lsn, message);
        if (!change) return [];
        const ready = this.held ? [this.held] : [];
        this.held = change;
        return ready;
      }
      case "commit": {
        const last = this.held;
        this.txn = undefined;
        this.held = undefined;
        const end = normalizeLsn(message.commitEndLsn ?? lsn);
        if (!last) {
          this.idleEnd = end;
          return [];
        }
        last.lastInTransaction = true;
        this.endLsns.set(last, end);
        this.idleEnd = undefined;
        return [last];
      }
      default:
        // truncate, origin, type, logical messages: not row changes of the design.
        return [];
    }
  }

  private prepareRelation(relation: Pgoutput.MessageRelation): void {
    if (this.prepared.has(relation)) return;
    this.prepared.add(relation);
    prepareColumns(relation, this.options.typeNames);
  }

  private toChange(lsn: string, message: Pgoutput.MessageInsert | Pgoutput.MessageUpdate | Pgoutput.MessageDelete): RowChange | undefined {
    if (!this.txn || !this.options.operations.has(message.tag)) return undefined;
    const relation = message.relation;
    this.prepareRelation(relation);
    const table = `${relation.schema}.${relation.name}`;
    const after = message.tag === "delete" ? undefined : plain(message.new);
    const oldRow = message.tag === "insert" ? undefined : message.old ? plain(message.old) : undefined;
    const oldKey = message.tag === "insert" ? undefined : message.key ? plain(message.key) : undefined;
    if (message.tag === "update" && this.options.columns?.length) {
      if (oldRow) {
        if (!this.options.columns.some((c) => c in after! && JSON.stringify(after![c]) !== JSON.stringify(oldRow[c]))) return undefined;
      } else if (!this.warned.has(table)) {
        this.warned.add(table);
        this.options.columnsUnknown?.(table);
      }
    }
    const keyFrom = after ?? oldRow ?? oldKey ?? {};
    const key: Record<string, unknown> = {};
    for (const column of relation.keyColumns) key[column] = (message.tag === "delete" ? (oldKey ?? oldRow) : after)?.[column] ?? keyFrom[column];
    const columnTypes: Record<string, string> = {};
    for (const column of relation.columns) columnTypes[column.name] = column.typeName ?? String(column.typeOid);
    // Before an update: the old row when the table's replica identity sends it (FULL), else the old key if the key changed.
    const before = message.tag === "insert" ? undefined : oldRow ?? oldKey ?? (message.tag === "delete" ? key : undefined);
    return {
      op: message.tag,
      schema: relation.schema,
      table: relation.name,
      key,
      ...(before ? { before } : {}),
      ...(after ? { after } : {}),
      columnTypes,
      transactionId: String(this.txn.xid),
      commitTime: this.txn.commitTime,
      commitLsn: this.txn.commitLsn,
      lsn: normalizeLsn(lsn),
      indexInTransaction: this.txn.index++,
      lastInTransaction: false,
    };
  }
}

/** pgoutput's rows have no prototype; the shapes and JSON want plain objects (undefined = a key tuple's non-key column). */
function plain(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(row)) if (value !== undefined) out[name] = value;
  return out;
}

/** Microseconds since the Unix epoch → ISO 8601 with microseconds. */
export function isoMicros(micros: bigint): string {
  const millis = Number(micros / 1000n);
  const extra = String(Number(micros % 1000n)).padStart(3, "0");
  return new Date(millis).toISOString().replace("Z", `${extra}Z`);
}
