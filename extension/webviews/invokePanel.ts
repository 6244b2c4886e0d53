import * as vscode from "vscode";
import { Requests, type InvokeResult, type LogRecord } from "../../emulator/protocol/index";
import type { DaemonConnection } from "../daemon/daemonConnection";
import type { FunctionsModel } from "../model/functionsModel";
import { toWorkspacePath } from "../model/pathMapping";
import { SavedEvents } from "../model/savedEvents";
import type { LogChannels } from "../views/logChannels";
import type { FromInvokePanel, PanelFunction, ToInvokePanel } from "./messages";
import { webviewHtml, webviewOptions } from "./webviewHtml";

export interface InvokePanelDeps {
  extensionUri: vscode.Uri;
  manager: DaemonConnection;
  model: FunctionsModel;
  logs: LogChannels;
  savedEvents: SavedEvents;
}

/**
 * One invoke panel per function: edit or pick an event (saved per function, or a
 * template in the function's dialect), invoke, and see the result, the error with its
 * stack, the request's logs, the timings and the cost estimate.
 */
export class InvokePanel implements vscode.Disposable {
  private static readonly panels = new Map<string, InvokePanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private eventText = "{}";
  private live = false;
  private ready: Promise<void>;
  private markReady!: () => void;

  static show(deps: InvokePanelDeps, functionName: string): InvokePanel {
    const existing = InvokePanel.panels.get(functionName);
    if (existing) {
      existing.panel.reveal(undefined, true);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel("faasbox.invoke", `Invoke ${functionName}`, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      ...webviewOptions(deps.extensionUri),
      retainContextWhenHidden: true,
    });
    const created = new InvokePanel(deps, functionName, panel);
    InvokePanel.panels.set(functionName, created);
    return created;
  }

  static get(functionName: string): InvokePanel | undefined {
    return InvokePanel.panels.get(functionName);
  }

  private constructor(private readonly deps: InvokePanelDeps, private readonly functionName: string, readonly panel: vscode.WebviewPanel) {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, "media", "faasbox.svg");
    panel.webview.html = webviewHtml(panel.webview, deps.extensionUri, "invokePanel", `Invoke ${functionName}`);
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((message: FromInvokePanel) => void this.onMessage(message)),
      deps.logs.onDidReceive((record: LogRecord) => {
        if (this.live && record.function === functionName) void this.post({ type: "log", record });
      }),
    );
  }

  /** The event currently in the editor (the last one invoked or loaded). */
  get currentEventText(): string {
    return this.eventText;
  }

  /** Invokes with `eventText` (or the editor's current event) and shows the outcome. */
  async invoke(eventText: string = this.eventText): Promise<InvokeResult | undefined> {
    await this.ready;
    let event: unknown;
    try {
      event = JSON.parse(eventText);
    } catch (error) {
      await this.post({ type: "failed", message: `The event is not valid JSON: ${(error as Error).message}` });
      return undefined;
    }
    this.eventText = eventText;
    await this.post({ type: "eventText", text: eventText });
    await this.post({ type: "invoking" });
    this.live = true;
    try {
      const result = await this.deps.manager.request(Requests.invoke, { function: this.functionName, event });
      const cost = await this.costOf();
      await this.post({ type: "result", result, cost });
      return result;
    } catch (error) {
      await this.post({ type: "failed", message: (error as Error).message });
      throw error;
    } finally {
      this.live = false;
    }
  }

  private async costOf(): Promise<{ perInvocation: number; currency: string; provider: string; monthly: number } | undefined> {
    try {
      const { functions } = await this.deps.manager.request(Requests.costEstimate, { function: this.functionName });
      const cost = functions[0];
      return cost && { perInvocation: cost.perInvocation, currency: cost.currency, provider: cost.provider, monthly: cost.monthly.cost };
    } catch {
      return undefined;
    }
  }

  private async onMessage(message: FromInvokePanel): Promise<void> {
    const { savedEvents } = this.deps;
    try {
      switch (message.type) {
        case "ready":
          await this.sendInit();
          this.markReady();
          break;
        case "invoke":
          await this.invoke(message.text).catch(() => undefined);
          break;
        case "loadSaved":
          this.eventText = await savedEvents.read(this.functionName, message.name);
          await this.post({ type: "eventText", text: this.eventText, name: message.name });
          break;
        case "save":
          await savedEvents.save(this.functionName, message.name, message.text);
          await this.post({ type: "savedEvents", names: await savedEvents.list(this.functionName), selected: message.name });
          break;
        case "deleteSaved":
          await savedEvents.delete(this.functionName, message.name);
          await this.post({ type: "savedEvents", names: await savedEvents.list(this.functionName) });
          break;
        case "openLogs":
          this.deps.logs.show(this.functionName);
          break;
        case "openFrame": {
          const file = vscode.Uri.file(toWorkspacePath(this.deps.model.get(this.functionName), message.path));
          const position = new vscode.Position(Math.max(0, message.line - 1), Math.max(0, (message.column ?? 1) - 1));
          await vscode.window.showTextDocument(file, { selection: new vscode.Range(position, position), viewColumn: vscode.ViewColumn.One });
          break;
        }
      }
    } catch (error) {
      await this.post({ type: "failed", message: (error as Error).message });
    }
  }

  private async sendInit(): Promise<void> {
    const info = this.deps.model.get(this.functionName);
    const fn: PanelFunction = {
      name: this.functionName,
      runtime: info?.runtime ?? "",
      dialect: info?.dialect ?? "aws",
      handler: info?.handler ?? "",
      memoryMb: info?.memoryMb ?? 0,
      timeoutSec: info?.timeoutSec ?? 0,
      isolated: info?.isolated ?? true,
    };
    const names = await this.deps.savedEvents.list(this.functionName);
    const templates = await this.deps.manager
      .request(Requests.eventsSamples, { function: this.functionName })
      .then((r) => r.samples, () => []);
    await this.post({ type: "init", fn, savedEvents: names, templates, eventText: this.eventText });
  }

  private post(message: ToInvokePanel): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  dispose(): void {
    InvokePanel.panels.delete(this.functionName);
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
  }
}
