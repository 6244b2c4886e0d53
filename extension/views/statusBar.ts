import * as vscode from "vscode";
import { Notifications } from "../../emulator/protocol";
import type { ConnectionState, DaemonConnection } from "../daemon/daemonConnection";
import type { FunctionsModel } from "../model/functionsModel";
import { commandLink } from "../commands";
import { activityText, RecentActivity } from "./recentActivity";

const TEXT: Record<ConnectionState, string> = {
  idle: "$(vm-outline) Faasbox",
  starting: "$(loading~spin) Faasbox: starting",
  connected: "$(vm-running) Faasbox",
  reconnecting: "$(loading~spin) Faasbox: reconnecting",
  stopped: "$(vm-outline) Faasbox: stopped",
  failed: "$(error) Faasbox: not running",
  untrusted: "$(shield) Faasbox: untrusted",
};

/**
 * The emulator's state, the HTTP gateway URL and the last minute's invocations (failures
 * highlighted), always visible. While the emulator runs a click opens the logs of all
 * functions, otherwise it offers the actions (which the tooltip links to as well).
 */
export function registerStatusBar(context: vscode.ExtensionContext, manager: DaemonConnection, model: FunctionsModel): void {
  const item = vscode.window.createStatusBarItem("faasbox.status", vscode.StatusBarAlignment.Left, 50);
  item.name = "Faasbox";
  const activity = new RecentActivity();
  let decay: NodeJS.Timeout | undefined;
  const update = () => {
    const status = manager.status;
    const counts = activity.counts(Date.now());
    let text = TEXT[manager.state];
    if (manager.state === "connected") {
      text += ` · ${model.functions.length} fn`;
      if (status?.httpUrl) text += ` · ${status.httpUrl.replace(/^https?:\/\//, "")}`;
      if (status && !status.isolated) text += " · not isolated";
      const recent = activityText(counts);
      if (recent) text += ` · ${recent}`;
    }
    item.text = text;
    const tooltip = new vscode.MarkdownString();
    tooltip.isTrusted = { enabledCommands: ["faasbox.emulator.actions", "faasbox.logs.showAll"] };
    tooltip.supportThemeIcons = true;
    tooltip.appendMarkdown(`**Faasbox emulator**: ${manager.state}\n\n`);
    if (status) {
      tooltip.appendMarkdown(`Executor: ${status.executor}${status.isolated ? "" : " (not isolated)"} · pid ${status.pid}\n\n`);
      if (status.httpUrl) tooltip.appendMarkdown(`HTTP gateway: ${status.httpUrl}\n\n`);
    }
    if (manager.state === "connected") {
      tooltip.appendMarkdown(`Last minute: ${counts.invocations} invocation${counts.invocations === 1 ? "" : "s"}, ${counts.errors} failed\n\n`);
    }
    if (manager.lastError && manager.state === "failed") tooltip.appendText(`${manager.lastError}\n\n`);
    tooltip.appendMarkdown("[Logs of all functions](command:faasbox.logs.showAll) · [Emulator actions…](command:faasbox.emulator.actions)");
    item.tooltip = tooltip;
    item.command = manager.state === "connected"
      ? commandLink("Show Logs of All Functions", "faasbox.logs.showAll")
      : commandLink("Emulator Actions", "faasbox.emulator.actions");
    item.backgroundColor = manager.state === "failed"
      ? new vscode.ThemeColor("statusBarItem.errorBackground")
      : manager.state === "connected" && counts.errors > 0 ? new vscode.ThemeColor("statusBarItem.warningBackground") : undefined;
    item.show();
    // The counts change again when the oldest invocation counted leaves the last minute.
    clearTimeout(decay);
    const next = activity.nextChange(Date.now());
    decay = next === undefined ? undefined : setTimeout(update, Math.max(0, next - Date.now()) + 50);
  };
  context.subscriptions.push(
    item,
    { dispose: () => clearTimeout(decay) },
    manager.onDidChangeState(update),
    model.onDidChange(update),
    manager.onNotification(Notifications.invocationFinished, (summary) => {
      activity.record(summary.ok, Date.now());
      update();
    }),
  );
  update();
}
