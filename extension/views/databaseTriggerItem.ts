import * as vscode from "vscode";
import type { DatabaseTriggerInfo, TriggerSpec } from "../../emulator/protocol";
import { databaseTriggerRow } from "./databaseTriggerRow";

/** Turns a trigger's row into a database trigger's (see databaseTriggerRow for what it says). */
export function decorateDatabaseTrigger(item: vscode.TreeItem, trigger: TriggerSpec, info: DatabaseTriggerInfo | undefined): void {
  const row = databaseTriggerRow(trigger, typeof item.label === "string" ? item.label : (item.label?.label ?? ""), info);
  item.label = row.label;
  item.description = row.description;
  item.contextValue = row.contextValue;
  item.tooltip = new vscode.MarkdownString(row.tooltip, true);
  item.iconPath = row.failing ? new vscode.ThemeIcon("database", new vscode.ThemeColor("list.errorForeground")) : new vscode.ThemeIcon("database");
}
