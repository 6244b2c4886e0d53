import type { Client } from "pg";
import { ReadinessError } from "./connectionErrors";
import { hostOf, replicationMessage, userOf, walLevelMessage } from "./pgErrors";
import { quoteIdent, quotedTable, splitTable } from "./pgNames";

/**
 * What Faasbox keeps in the database for a source: one publication FOR TABLE its tables, and
 * one logical replication slot (pgoutput) per consumer. Runs over an ordinary connection.
 */

export type Operation = "insert" | "update" | "delete";

/** Checks what logical replication needs, in the order a user would fix it; throws the message that says what to change. */
export async function checkReplicationReady(client: Client, url: string, tables: readonly string[]): Promise<void> {
  const where = hostOf(url);
  const { rows: [wal] } = await client.query<{ wal_level: string }>("SHOW wal_level");
  if (wal.wal_level !== "logical") throw new ReadinessError(walLevelMessage(where, wal.wal_level));
  const { rows: [role] } = await client.query<{ ok: boolean }>("SELECT rolreplication OR rolsuper AS ok FROM pg_roles WHERE rolname = current_user");
  if (!role?.ok) throw new ReadinessError(replicationMessage(userOf(url), where));
  for (const table of tables) {
    const { schema, table: name } = splitTable(table);
    const { rows: [found] } = await client.query<{ oid: string | null }>("SELECT to_regclass($1)::oid AS oid", [`${quoteIdent(schema)}.${quoteIdent(name)}`]);
    if (!found?.oid) throw new ReadinessError(`the table ${schema}.${name} does not exist in ${where} (tables: lists schema.table, schema public by default)`);
  }
}

/**
 * Creates the publication, or changes its tables and operations to these. The consumers of one
 * source start together (and another emulator may share the database): an advisory lock on the
 * name makes them take turns, as concurrent ALTERs of one publication fail ("tuple concurrently updated").
 */
export async function ensurePublication(client: Client, name: string, tables: readonly string[], operations: readonly Operation[]): Promise<void> {
  const list = tables.map(quotedTable).join(", ");
  const wantedOperations = [...operations].sort();
  // https://www.postgresql.org/docs/current/sql-createpublication.html (publish: which operations are replicated)
  const publish = `publish = '${wantedOperations.join(", ")}'`;
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [name]);
    const { rows } = await client.query<{ pubinsert: boolean; pubupdate: boolean; pubdelete: boolean }>(
      "SELECT pubinsert, pubupdate, pubdelete FROM pg_publication WHERE pubname = $1", [name]);
    if (rows.length === 0) {
      await client.query(`CREATE PUBLICATION ${quoteIdent(name)} FOR TABLE ${list} WITH (${publish})`);
    } else {
      const { rows: current } = await client.query<{ schemaname: string; tablename: string }>(
        "SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = $1", [name]);
      const have = new Set(current.map((r) => `${r.schemaname}.${r.tablename}`));
      const want = new Set(tables.map((t) => { const s = splitTable(t); return `${s.schema}.${s.table}`; }));
      if (have.size !== want.size || [...want].some((t) => !have.has(t))) {
        await client.query(`ALTER PUBLICATION ${quoteIdent(name)} SET TABLE ${list}`);
      }
      const flags = rows[0];
      const haveOperations = (["delete", "insert", "update"] as const).filter((op) => flags[`pub${op}`]);
      if (haveOperations.join() !== wantedOperations.join()) await client.query(`ALTER PUBLICATION ${quoteIdent(name)} SET (${publish})`);
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

/** Creates the slot when missing; returns its confirmed position (where delivery resumes). */
export async function ensureSlot(client: Client, name: string): Promise<string> {
  const existing = await client.query<{ lsn: string | null; plugin: string }>(
    "SELECT confirmed_flush_lsn::text AS lsn, plugin FROM pg_replication_slots WHERE slot_name = $1", [name]);
  if (existing.rows[0]) {
    if (existing.rows[0].plugin !== "pgoutput") throw new ReadinessError(`the replication slot ${name} exists with the plugin ${existing.rows[0].plugin}, not pgoutput: drop it (SELECT pg_drop_replication_slot('${name}'))`);
    return existing.rows[0].lsn ?? "0/0";
  }
  const created = await client.query<{ lsn: string }>("SELECT lsn::text AS lsn FROM pg_create_logical_replication_slot($1, 'pgoutput')", [name]);
  return created.rows[0].lsn;
}

export interface SlotInfo {
  slot: string;
  database: string;
  active: boolean;
  /** Bytes of WAL the slot holds back: pg_current_wal_lsn() - confirmed_flush_lsn. */
  lagBytes: number;
}

/** The replication slots whose names start with the prefix (this project's), with their lag. */
export async function listSlots(client: Client, prefix: string): Promise<SlotInfo[]> {
  const { rows } = await client.query<{ slot_name: string; database: string; active: boolean; lag: string | null }>(
    `SELECT slot_name, database, active, pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::text AS lag
       FROM pg_replication_slots WHERE starts_with(slot_name, $1) ORDER BY slot_name`, [prefix]);
  return rows.map((r) => ({ slot: r.slot_name, database: r.database, active: r.active, lagBytes: Number(r.lag ?? 0) }));
}

/**
 * Drops this project's slots that no consumer uses any more, so they hold back no WAL; and the
 * publications no source uses. A slot still held by a connection (a consumer just stopped) is
 * retried briefly. Returns the dropped slots' names.
 */
export async function dropUnused(client: Client, prefix: string, keepSlots: ReadonlySet<string>, keepPublications: ReadonlySet<string>): Promise<string[]> {
  const dropped: string[] = [];
  const { rows } = await client.query<{ slot_name: string }>(
    "SELECT slot_name FROM pg_replication_slots WHERE starts_with(slot_name, $1) AND database = current_database()", [prefix]);
  for (const { slot_name: slot } of rows) {
    if (keepSlots.has(slot)) continue;
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query("SELECT pg_drop_replication_slot($1)", [slot]);
        dropped.push(slot);
        break;
      } catch (error) {
        // 55006: the slot is active (its walsender has not noticed the consumer left yet).
        if ((error as { code?: string }).code !== "55006" || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }
  const { rows: publications } = await client.query<{ pubname: string }>("SELECT pubname FROM pg_publication WHERE starts_with(pubname, $1)", [prefix]);
  for (const { pubname } of publications) {
    if (!keepPublications.has(pubname)) await client.query(`DROP PUBLICATION IF EXISTS ${quoteIdent(pubname)}`);
  }
  return dropped;
}
