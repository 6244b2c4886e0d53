// What a database trigger's row in the Functions view says, apart from VS Code's types so that unit
// tests can check it: a faasbox.yml `database` event, or a Kinesis/CKafka trigger a `databases:`
// source feeds, with the source's tables and, once the emulator reports them, its slot's lag and
// whether it connects. The URL is the daemon's, already masked.
import type { DatabaseTriggerInfo, TriggerSpec } from "../../emulator/protocol";
import { formatLag, shapeName } from "../../emulator/triggers/database/databaseTriggerText";

export interface DatabaseTriggerRow {
  label: string;
  description: string;
  /** `trigger.database` rows offer "Fire with a Sample Change" (menus match `^trigger\.database`). */
  contextValue: "trigger.database" | "trigger.database.failing";
  /** Markdown. */
  tooltip: string;
  failing: boolean;
}

/** `label`: what the row would say for the trigger anyway ("kinesis shop-changes"). */
export function databaseTriggerRow(trigger: TriggerSpec, label: string, info: DatabaseTriggerInfo | undefined): DatabaseTriggerRow {
  const failing = info?.status === "failing";
  const source = info?.source ?? (trigger.kind === "database" ? trigger.source : "?");
  const state = failing ? "failing" : info?.status === "starting" ? "starting" : undefined;
  const lag = info?.lagBytes !== undefined ? `lag ${formatLag(info.lagBytes)}` : undefined;
  return {
    label: trigger.kind === "database" ? `database ${source}` : `${label} ← database ${source}`,
    description: [info?.tables.join(", "), lag, state].filter(Boolean).join(" · "),
    contextValue: failing ? "trigger.database.failing" : "trigger.database",
    tooltip: info
      ? `**database ${info.source}** → ${shapeName(info.shape)}\n\n\`${info.url}\`\n\nTables: ${info.tables.join(", ")}` +
        (info.lagBytes !== undefined ? `\n\n${lagText(info.url, info.lagBytes)}` : "") +
        (failing ? `\n\n$(error) ${info.error ?? "failing"}` : "")
      : `Reads the changes of database ${source} once the emulator runs`,
    failing,
  };
}

/** PostgreSQL confirms through a replication slot (WAL); for MySQL/MariaDB Faasbox saves the binlog position itself. */
function lagText(url: string, lagBytes: number): string {
  return /^(mysql|mariadb):/i.test(url)
    ? `Not yet confirmed by its saved binlog position: ${formatLag(lagBytes)} of binlog`
    : `Not yet confirmed by its replication slot: ${formatLag(lagBytes)} of WAL`;
}
