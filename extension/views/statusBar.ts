import * as vscode from "vscode";
import type { ConnectionState, DaemonConnection } from "../daemon/daemonConnection";
import type { FunctionsModel } from "../model/functionsModel";
import { commandLink } from "../commands";

const TEXT: Record<ConnectionState, string> = {
  idle: "$(vm-outline) Faasbox",
  starting: "$(loading~spin) Faasbox: starting",
  connected: "$(vm-running) Faasbox",
  reconnecting: "$(loading~spin) Faasbox: reconnecting",
  stopped: "$(vm-outline) Faasbox: stopped",
  failed: "$(error) Faasbox: not running",
  untrusted: "$(shield) Faasbox: untrusted",
};

/** The emulator's state and the HTTP gateway URL, always visible; a click offers the actions. */
export function registerStatusBar(context: vscode.ExtensionContext, manager: DaemonConnection, model: FunctionsModel): void {
  const item = vscode.window.createStatusBarItem("faasbox.status", vscode.StatusBarAlignment.Left, 50);
  item.name = "Faasbox";
  item.command = commandLink("Emulator Actions", "faasbox.emulator.actions");
  const update = () => {
    const status = manager.status;
    let text = TEXT[manager.state];
    if (manager.state === "connected") {
      text += ` · ${model.functions.length} fn`;
      if (status?.httpUrl) text += ` · ${status.httpUrl.replace(/^https?:\/\//, "")}`;
      if (status && !status.isolated) text += " · not isolated";
    }
    item.text = text;
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(`**Faasbox emulator**: ${manager.state}\n\n`);
    if (status) {
      tooltip.appendMarkdown(`Executor: ${status.executor}${status.isolated ? "" : " (not isolated)"} · pid ${status.pid}\n\n`);
      if (status.httpUrl) tooltip.appendMarkdown(`HTTP gateway: ${status.httpUrl}\n\n`);
    }
    if (manager.lastError && manager.state === "failed") tooltip.appendText(manager.lastError);
    item.tooltip = tooltip;
    item.backgroundColor = manager.state === "failed" ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
    item.show();
  };
  context.subscriptions.push(item, manager.onDidChangeState(update), model.onDidChange(update));
  update();
}
