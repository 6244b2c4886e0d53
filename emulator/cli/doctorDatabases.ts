import { loadProject } from "../project/loadProject";
import { qualifiedName } from "../project/databaseSources";
import { withClient } from "../triggers/database/databaseTriggers";
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
 * One check per `databases:` source of the project: can Faasbox replicate from it (reachable,
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
