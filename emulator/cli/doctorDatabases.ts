import { loadProject } from "../project/loadProject";
import { qualifiedName } from "../project/databaseSources";
import { binlogPositionStore, loadDatabaseDrivers, withClient } from "../triggers/database/databaseTriggers";
import { describeMysqlError, mysqlHostOf } from "../triggers/database/mysqlErrors";
import { describePgError } from "../triggers/database/pgErrors";
import { projectPrefix } from "../triggers/database/pgNames";
import { checkReplicationReady, listSlots, type SlotInfo } from "../triggers/database/pgSlots";
import { formatLag } from "../triggers/database/databaseTriggerText";

/** A line of `faasbox doctor` (the shape of doctor.ts's Check). */
export interface DatabaseCheck {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
  required: boolean;
}

/**
 * One check per `databases:` source of the project (MySQL ones: mysqlCheck): can Faasbox replicate from it (reachable,
 * wal_level = logical, a role with REPLICATION, the tables there), and this project's replication
 * slots with their lag, the WAL each holds back (pg_current_wal_lsn() - confirmed_flush_lsn).
 * Read from the database itself, so it also shows what waits while the emulator is stopped.
 */
export async function databaseChecks(root: string): Promise<DatabaseCheck[]> {
  let databases;
  try {
    databases = loadProject(root).project.databases ?? [];
  } catch {
    return []; // not a project folder: the other checks still run
  }
  const checks: DatabaseCheck[] = [];
  for (const source of databases) {
    const name = `Database ${source.name}`;
    const url = source.url.url;
    if (source.url.kind === "mysql") {
      checks.push(await mysqlCheck(root, name, source.name, url, source.url.masked, source.tables.map(qualifiedName)));
      continue;
    }
    try {
      const slots = await withClient(url, async (client) => {
        await checkReplicationReady(client, url, source.tables.map(qualifiedName));
        return listSlots(client, projectPrefix(root));
      });
      checks.push({ name, ok: true, detail: `${source.url.masked}: ${slotsDetail(slots)}`, required: false });
    } catch (error) {
      checks.push({ name, ok: false, detail: `${source.url.masked}: ${describePgError(error, url)}`, fix: "Fix the database or the URL in faasbox.yml; the emulator retries on its own.", required: false });
    }
  }
  return checks;
}

function slotsDetail(slots: SlotInfo[]): string {
  if (slots.length === 0) return "ready for logical replication; no replication slot of this project yet (the emulator makes one per trigger when it starts)";
  const listed = slots.map((s) => `${s.slot} ${formatLag(s.lagBytes)} behind${s.active ? "" : " (not being read)"}`);
  return `replication slots: ${listed.join("; ")}`;
}

/**
 * A MySQL/MariaDB source: can Faasbox read its binlog (reachable, log_bin, binlog_format = ROW,
 * binlog_row_image = FULL, the grants, the tables), and the positions this project's triggers
 * saved, with their lag: bytes of binlog the server wrote after each (Faasbox keeps these itself,
 * MySQL has no slot). Read from the state folder and the server, so it also shows what waits while
 * the emulator is stopped.
 */
async function mysqlCheck(root: string, name: string, sourceName: string, url: string, masked: string, tables: string[]): Promise<DatabaseCheck> {
  try {
    const saved = (await binlogPositionStore(root).list()).filter((p) => p.position.source === sourceName && p.position.server === mysqlHostOf(url));
    const { binlogLag, checkBinlogReady, withMysql } = await loadDatabaseDrivers();
    const lags = await withMysql(url, async (connection) => {
      await checkBinlogReady(connection, url, tables);
      const measured: string[] = [];
      for (const { consumer, position } of saved) {
        measured.push(`${consumer} at ${position.file}:${position.position}, ${formatLag(await binlogLag(connection, position))} behind`);
      }
      return measured;
    });
    const detail = lags.length === 0
      ? "ready for reading the binlog; no saved position of this project yet (the emulator saves one per trigger when it starts)"
      : `binlog positions: ${lags.join("; ")}`;
    return { name, ok: true, detail: `${masked}: ${detail}`, required: false };
  } catch (error) {
    return { name, ok: false, detail: `${masked}: ${describeMysqlError(error, url)}`, fix: "Fix the database or the URL in faasbox.yml; the emulator retries on its own.", required: false };
  }
}
