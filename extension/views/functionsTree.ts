import { basename, dirname } from "node:path";
import * as vscode from "vscode";
import type { FunctionInfo, FunctionState, InvocationSummary, TriggerSpec } from "../../emulator/protocol";
import { runtimeLabel } from "../../emulator/project/runtimeHereText";
import type { DaemonConnection } from "../daemon/daemonConnection";
import type { FunctionsModel } from "../model/functionsModel";
import { commandLink } from "../commands";
import { DisposableList } from "../util/disposableList";
import { parseLocated } from "../model/locatedMessage";
import { decorateDatabaseTrigger } from "./databaseTriggerItem";
import { invocationLabel } from "./invocationLabel";
import type { TreeNode } from "./treeNode";

export type { TreeNode } from "./treeNode";

const STATE_ICONS: Record<FunctionState, vscode.ThemeIcon> = {
  stopped: new vscode.ThemeIcon("circle-outline"),
  starting: new vscode.ThemeIcon("loading~spin"),
  warm: new vscode.ThemeIcon("circle-filled", new vscode.ThemeColor("testing.iconPassed")),
  busy: new vscode.ThemeIcon("sync~spin", new vscode.ThemeColor("charts.blue")),
  throttled: new vscode.ThemeIcon("warning", new vscode.ThemeColor("list.warningForeground")),
  error: new vscode.ThemeIcon("error", new vscode.ThemeColor("list.errorForeground")),
  debug: new vscode.ThemeIcon("debug", new vscode.ThemeColor("debugIcon.startForeground")),
};

/**
 * The Functions view: manifest → function (state from the emulator's notifications)
 * → its triggers and recent invocations. Item state is in `contextValue`
 * (function.warm, function.busy…) so menus can depend on it.
 */
export class FunctionsTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private refreshTimer?: NodeJS.Timeout;
  private lastShown?: string;
  private readonly disposables = new DisposableList();

  constructor(private readonly model: FunctionsModel, private readonly manager: DaemonConnection) {
    this.disposables.push(
      this.changed,
      // Notifications can come in bursts (a load test): repaint at most every 100 ms.
      model.onDidChange(() => {
        this.refreshTimer ??= setTimeout(() => {
          this.refreshTimer = undefined;
          // Only a change the view shows: each refresh drops the items VS Code knows by id,
          // and one while it still resolves the expanded manifests (the emulator's start
          // repeats the same list several times) is logged as "No tree item with id …".
          const shown = this.shownState();
          if (shown === this.lastShown) return;
          this.lastShown = shown;
          this.changed.fire(undefined);
        }, 100);
      }),
      { dispose: () => clearTimeout(this.refreshTimer) },
    );
  }

  /** What the items are made of, to tell a real change from a repeat. */
  private shownState(): string {
    const { functions, problems, warnings, triggers, live } = this.model;
    const last = functions.map((fn) => this.model.historyOf(fn.name).at(-1)?.requestId);
    return JSON.stringify({ functions, problems, warnings, triggers, live, last, connected: this.manager.isConnected });
  }

  dispose(): void {
    this.disposables.dispose();
  }

  getChildren(node?: TreeNode): TreeNode[] {
    if (!node) {
      const manifests = [...new Set(this.model.functions.map((f) => f.source.file))].sort();
      // A warning sits under the manifest it is about; one about a file with no function (a
      // faasbox.yml, a template whose functions all failed) stays at the top, as errors do.
      return [
        ...manifests.map((file): TreeNode => ({ kind: "manifest", file })),
        ...this.model.problems.map((message): TreeNode => ({ kind: "problem", message, severity: "error" })),
        ...this.model.warnings
          .filter((message) => !manifests.includes(parseLocated(message)?.file ?? ""))
          .map((message): TreeNode => ({ kind: "problem", message, severity: "warning" })),
      ];
    }
    if (node.kind === "manifest") {
      return [
        ...this.model.functions.filter((f) => f.source.file === node.file).map((f): TreeNode => ({ kind: "function", name: f.name })),
        ...this.model.warnings
          .filter((message) => parseLocated(message)?.file === node.file)
          .map((message): TreeNode => ({ kind: "problem", message, severity: "warning" })),
      ];
    }
    if (node.kind === "function") {
      const fn = this.model.get(node.name);
      if (!fn) return [];
      const triggers = fn.triggers.map((trigger, index): TreeNode => ({ kind: "trigger", function: fn.name, trigger, index }));
      const invocations = [...this.model.historyOf(fn.name)].reverse().slice(0, 5).map((summary): TreeNode => ({ kind: "invocation", function: fn.name, summary }));
      return [...triggers, ...invocations];
    }
    return [];
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    switch (node.kind) {
      case "manifest":
        return this.manifestItem(node.file);
      case "function":
        return this.functionItem(this.model.get(node.name)!);
      case "trigger":
        return this.triggerItem(node.function, node.trigger);
      case "invocation":
        return this.invocationItem(node.summary);
      case "problem": {
        const located = parseLocated(node.message);
        const item = new vscode.TreeItem(located ? `${located.field}: ${located.message}` : node.message, vscode.TreeItemCollapsibleState.None);
        item.description = located ? `line ${located.line}` : undefined;
        item.iconPath = node.severity === "error"
          ? new vscode.ThemeIcon("error", new vscode.ThemeColor("list.errorForeground"))
          : new vscode.ThemeIcon("warning", new vscode.ThemeColor("list.warningForeground"));
        item.tooltip = node.message;
        item.contextValue = node.severity === "error" ? "problem" : "manifestWarning";
        if (located) item.command = commandLink("Open", "vscode.open", vscode.Uri.file(located.file), { selection: new vscode.Range(located.line - 1, 0, located.line - 1, 0) });
        return item;
      }
    }
  }

  private manifestItem(file: string): vscode.TreeItem {
    const item = new vscode.TreeItem(basename(file), vscode.TreeItemCollapsibleState.Expanded);
    // The folder it is in, relative to the workspace; nothing for one at the workspace's root
    // (asRelativePath gives back the absolute path of the root itself).
    const folder = vscode.workspace.asRelativePath(dirname(file));
    item.description = folder === dirname(file) ? undefined : folder;
    item.resourceUri = vscode.Uri.file(file);
    item.iconPath = new vscode.ThemeIcon("file-code");
    item.contextValue = "manifest";
    item.id = `manifest:${file}`;
    return item;
  }

  private functionItem(fn: FunctionInfo): vscode.TreeItem {
    const item = new vscode.TreeItem(fn.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `function:${fn.name}`;
    item.iconPath = STATE_ICONS[fn.state];
    item.description = `${fn.web ? "web · " : ""}${runtimeLabel(fn.runtime, fn.runtimeHere)} · ${describeState(fn)}${fn.isolated ? "" : " · not isolated"}`;
    item.contextValue = `function.${fn.state}`;
    item.tooltip = new vscode.MarkdownString(
      `**${fn.name}** (${fn.dialect === "scf" ? "Tencent SCF" : "AWS Lambda"})\n\n` +
      (fn.web
        ? `Web function: \`scf_bootstrap\` starts its server on port 9000 · ${fn.runtime} · ${fn.memoryMb} MB · ${fn.timeoutSec} s · ${fn.web.instanceConcurrency} request(s) per instance\n\n`
        : `Handler \`${fn.handler}\` · ${fn.runtime} · ${fn.memoryMb} MB · ${fn.timeoutSec} s\n\n`) +
      `Instances: ${fn.pool.idle} warm, ${fn.pool.busy} busy, ${fn.pool.starting} starting, ${fn.pool.queued} queued (max ${fn.maxConcurrency})` +
      (fn.pool.standby ? ", and a standby instance ready for the next call (initialised, never given an event)" : "") +
      (fn.runtimeHere?.image ? `\n\nImage \`${fn.runtimeHere.image}\`${fn.runtimeHere.version ? ` (${fn.runtimeHere.version})` : ""}` : "") +
      (fn.runtimeHere?.notices.length ? `\n\n${fn.runtimeHere.notices.map((notice) => `⚠ ${notice.replace(/^faasbox: /, "")}`).join("\n\n")}` : "") +
      (this.manager.isConnected ? "" : "\n\n_The emulator is not running._"),
    );
    item.command = commandLink("Open Manifest", "vscode.open", vscode.Uri.file(fn.source.file), { selection: new vscode.Range(fn.source.line - 1, 0, fn.source.line - 1, 0) });
    return item;
  }

  private triggerItem(functionName: string, trigger: TriggerSpec): vscode.TreeItem {
    const item = new vscode.TreeItem("", vscode.TreeItemCollapsibleState.None);
    item.contextValue = `trigger.${trigger.kind}`;
    switch (trigger.kind) {
      case "http": {
        item.label = `${trigger.method} ${trigger.path}`;
        const route = this.model.triggers?.routes.find((r) => r.function === functionName && r.path === trigger.path && r.method === trigger.method);
        item.description = route ? route.url : trigger.payload === "scf" ? "API gateway" : trigger.payload === "aws-v1" ? "REST API" : "HTTP API";
        item.tooltip = route ? `${route.method} ${route.url}` : undefined;
        item.iconPath = new vscode.ThemeIcon("globe");
        break;
      }
      case "timer": {
        const timer = this.model.triggers?.timers.find((t) => t.function === functionName && t.name === trigger.name);
        const enabled = timer?.enabled ?? trigger.enabled;
        item.label = `timer ${trigger.name}`;
        const next = timer?.nextFire ? ` · next ${new Date(timer.nextFire).toLocaleTimeString()}` : "";
        item.description = `${trigger.schedule}${enabled ? next : " (disabled)"}`;
        item.iconPath = new vscode.ThemeIcon(enabled ? "watch" : "circle-slash");
        item.contextValue = `trigger.timer.${enabled ? "enabled" : "disabled"}`;
        break;
      }
      case "topic":
        item.label = `${trigger.source} ${trigger.topic}`;
        item.description = `batch ${trigger.batchSize}`;
        item.iconPath = new vscode.ThemeIcon("mail");
        break;
      case "storage":
        item.label = `bucket ${trigger.bucket}`;
        item.description = trigger.events.join(", ");
        item.iconPath = new vscode.ThemeIcon("database");
        break;
      case "eventRule":
        item.label = `rule ${trigger.name}`;
        item.description = `bus ${trigger.bus}${trigger.enabled ? "" : " (disabled)"}`;
        item.iconPath = new vscode.ThemeIcon(trigger.enabled ? "zap" : "circle-slash");
        break;
      case "stream":
        item.label = `${trigger.source} ${trigger.stream}`;
        item.description = `batch ${trigger.batchSize}`;
        item.iconPath = new vscode.ThemeIcon("list-ordered");
        break;
      case "url": {
        // The URL itself is the row, as the cloud console shows a function URL; a click opens it.
        const served = this.model.triggers?.urls?.find((u) => u.function === functionName);
        item.label = served ? served.url : "function URL";
        item.description = `${trigger.authType === "AWS_IAM" ? "AWS_IAM (SigV4)" : "public"}${trigger.invokeMode === "RESPONSE_STREAM" ? " · streaming" : ""}`;
        item.tooltip = served ? `Function URL of ${functionName}: ${served.url}${served.hostUrl ? `\nalso ${served.hostUrl}` : ""}` : "Served once the emulator runs";
        item.iconPath = new vscode.ThemeIcon("link");
        if (served) item.command = commandLink("Open Function URL", "vscode.open", vscode.Uri.parse(served.url));
        break;
      }
      case "database":
        break;
    }
    const database = this.model.triggers?.databases?.find((d) => d.function === functionName && d.trigger === trigger.name);
    if (trigger.kind === "database" || database) decorateDatabaseTrigger(item, trigger, database);
    return item;
  }

  private invocationItem(summary: InvocationSummary): vscode.TreeItem {
    const time = new Date(summary.time).toLocaleTimeString();
    const item = new vscode.TreeItem(invocationLabel(summary), vscode.TreeItemCollapsibleState.None);
    item.description = `${summary.debug ? "debug" : summary.cold ? "cold" : "warm"} · ${time}`;
    item.tooltip = summary.ok
      ? `Request ${summary.requestId}`
      : `Request ${summary.requestId} failed (${summary.errorKind ?? "error"})\n${[summary.errorType, summary.errorMessage].filter(Boolean).join(": ")}`;
    item.iconPath = summary.ok ? new vscode.ThemeIcon("pass", new vscode.ThemeColor("testing.iconPassed")) : new vscode.ThemeIcon("error", new vscode.ThemeColor("testing.iconFailed"));
    item.contextValue = "invocation";
    item.command = commandLink("Show Logs", "faasbox.logs.showRequest", summary.function, summary.requestId);
    return item;
  }
}

export function describeState(fn: FunctionInfo): string {
  const { pool } = fn;
  switch (fn.state) {
    case "warm":
      return `${pool.idle} warm`;
    case "busy":
      return `${pool.busy} busy${pool.idle ? `, ${pool.idle} warm` : ""}${pool.queued ? `, ${pool.queued} queued` : ""}`;
    case "throttled":
      return `throttled (${pool.busy}/${fn.maxConcurrency} busy)`;
    case "starting":
      return "starting";
    case "debug":
      return "debugging";
    case "error":
      return "failed to start";
    case "stopped":
      // No warm instance, but one initialised ahead for the next call (see the pool's standby).
      return pool.standby ? "standby" : "stopped";
  }
}
