import * as vscode from "vscode";
import type { DatabaseTriggerInfo, TriggerSpec } from "../../emulator/protocol";
import { formatLag, shapeName } from "../../emulator/triggers/database/databaseTriggerText";

/**
 * A trigger that reads a database's changes (faasbox.yml `database`, or a Kinesis/CKafka trigger a
 * `databases:` source feeds): the source, its tables and, once the emulator reports them, the
 * replication slot's lag and whether it connects. `trigger.database` rows offer "Fire with a
 * Sample Change" (a failing one: `trigger.database.failing`). The URL is the daemon's, masked.
 */
export function decorateDatabaseTrigger(item: vscode.TreeItem, trigger: TriggerSpec, info: DatabaseTriggerInfo | undefined): void {
  const failing = info?.status === "failing";
  item.contextValue = failing ? "trigger.database.failing" : "trigger.database";
  const source = info?.source ?? (trigger.kind === "database" ? trigger.source : undefined);
  item.label = trigger.kind === "database" ? `database ${source}` : `${item.label as string} ← database ${source}`;
  const parts = [info ? info.tables.join(", ") : undefined, info?.lagBytes !== undefined ? `lag ${formatLag(info.lagBytes)}` : undefined, failing ? "failing" : info?.status === "starting" ? "starting" : undefined];
  item.description = parts.filter(Boolean).join(" · ");
  item.iconPath = failing ? new vscode.ThemeIcon("database", new vscode.ThemeColor("list.errorForeground")) : new vscode.ThemeIcon("database");
  if (!info) {
    item.tooltip = `Reads the changes of database ${source} once the emulator runs`;
    return;
  }
  const tooltip = new vscode.MarkdownString(
    `**database ${info.source}** → ${shapeName(info.shape)}\n\n` +
      `\`${info.url}\`\n\nTables: ${info.tables.join(", ")}` +
      (info.lagBytes !== undefined ? `\n\nNot yet confirmed: ${formatLag(info.lagBytes)} of WAL` : "") +
      (failing ? `\n\n$(error) ${info.error ?? "failing"}` : ""),
    true,
  );
  item.tooltip = tooltip;
}
