import * as vscode from "vscode";
import { Requests } from "../../emulator/protocol";
import type { DaemonConnection } from "../daemon/daemonConnection";
import type { InvocationEvent } from "../invocations/invocationEvents";
import type { InvocationService } from "../invocations/invocationService";
import type { FunctionsModel } from "../model/functionsModel";
import type { LastEvents } from "../model/lastEvents";
import { toWorkspacePath } from "../model/pathMapping";
import { SavedEvents } from "../model/savedEvents";
import { DisposableList } from "../util/disposableList";
import type { LogChannels } from "../views/logChannels";
import type { FromInvokePanel, PanelFunction, SampleEvent, ToInvokePanel } from "./messages";
import { webviewHtml, webviewOptions } from "./webviewHtml";

export interface InvokePanelDeps {
  extensionUri: vscode.Uri;
  manager: DaemonConnection;
  model: FunctionsModel;
  logs: LogChannels;
  savedEvents: SavedEvents;
  invocations: InvocationService;
  lastEvents: LastEvents;
}

/**
 * One invoke panel per function, all of them tabs of one editor column: edit or pick an event (saved per function, or a
 * template in the function's dialect), invoke, and see the result, the error with its
 * stack, the request's logs, the timings and the cost estimate.
 *
 * The panel runs nothing itself: it forwards the user's Invoke to the invocation service
 * and shows what the service reports for its function, whoever started the invocation
 * (this panel, the invoke command, CodeLens, a debug session). It follows the newest
 * invocation, and of that one only its own request's log lines.
 */
export class InvokePanel implements vscode.Disposable {
  private static readonly panels = new Map<string, InvokePanel>();
  private readonly disposables = new DisposableList();
  /** The editor's event: the one last invoked, else (once loaded) the function's trigger's. */
  private eventText?: string;
  /** The events of the function's own triggers, asked of the emulator once. */
  private readonly ownSamples: Promise<SampleEvent[]>;
  /** The editor's event once known. */
  private readonly eventLoaded: Promise<string>;
  /** The event this panel last sent, to know the started invocation is its own (its text is already in the editor). */
  private sentEvent: unknown;
  /** The request whose lines and result the panel shows. */
  private shownRequestId?: string;
  /** Resolved once the webview has its init: messages wait for it, in order. */
  private readonly ready: Promise<void>;
  private markReady!: () => void;

  static show(deps: InvokePanelDeps, functionName: string): InvokePanel {
    const existing = InvokePanel.panels.get(functionName);
    if (existing) {
      existing.panel.reveal(undefined, true);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel("faasbox.invoke", `Invoke ${functionName}`, { viewColumn: InvokePanel.column(), preserveFocus: true }, {
      ...webviewOptions(deps.extensionUri),
      retainContextWhenHidden: true,
    });
    const created = new InvokePanel(deps, functionName, panel);
    InvokePanel.panels.set(functionName, created);
    return created;
  }

  /**
   * Where a new panel opens: the column where Faasbox panels already are (the one last
   * shown), as another tab, else beside the code. Each panel in its own column would
   * squeeze the code to a sliver.
   */
  private static column(): vscode.ViewColumn {
    const open = [...InvokePanel.panels.values()].map((p) => p.panel).filter((p) => p.viewColumn !== undefined);
    const shown = open.find((p) => p.active) ?? open.find((p) => p.visible) ?? open[0];
    return shown?.viewColumn ?? vscode.ViewColumn.Beside;
  }

  static get(functionName: string): InvokePanel | undefined {
    return InvokePanel.panels.get(functionName);
  }

  private constructor(private readonly deps: InvokePanelDeps, private readonly functionName: string, readonly panel: vscode.WebviewPanel) {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    this.eventText = deps.lastEvents.get(functionName);
    // The function's own triggers' events: the first of them is its first event.
    this.ownSamples = Promise.all((deps.model.get(functionName)?.triggers ?? []).map((_, trigger) =>
      deps.manager.request(Requests.eventsSample, { function: functionName, trigger }).then((sample) => [sample], () => []),
    )).then((lists) => lists.flat());
    this.eventLoaded = this.ownSamples.then((own) => (this.eventText ??= own[0] ? JSON.stringify(own[0].event, null, 2) : "{}"));
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, "media", "faasbox.svg");
    panel.webview.html = webviewHtml(panel.webview, deps.extensionUri, "invokePanel", `Invoke ${functionName}`);
    this.disposables.push(
      panel,
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((message: FromInvokePanel) => void this.onMessage(message)),
      deps.invocations.onEvent((event) => {
        if (event.function === functionName) this.onInvocation(event);
      }),
    );
  }

  /** The event last invoked or loaded in the editor, as a value ({} when its text is not JSON). */
  get currentEvent(): unknown {
    try {
      return JSON.parse(this.eventText ?? "{}");
    } catch {
      return {};
    }
  }

  /** The event text the editor holds: the last invoked, or the function's trigger's. */
  async eventTextToRun(): Promise<string> {
    await this.eventLoaded;
    return this.eventText ?? "{}";
  }

  private onInvocation(event: InvocationEvent): void {
    if (event.type === "started") {
      this.shownRequestId = event.requestId;
      if (event.event !== this.sentEvent) {
        // Started elsewhere (the command, a debug session): show the event it runs with.
        this.eventText = JSON.stringify(event.event ?? {}, null, 2);
        this.post({ type: "eventText", text: this.eventText });
      }
      this.post({ type: "invoking", requestId: event.requestId });
      return;
    }
    if (event.requestId !== this.shownRequestId) return; // an older invocation, replaced by a newer one
    switch (event.type) {
      case "log":
        this.post({ type: "log", record: event.record });
        break;
      case "finished":
        this.post({ type: "result", result: event.result, cost: event.cost });
        break;
      case "failed":
        this.post({ type: "failed", message: event.message });
        break;
    }
  }

  /** The user's Invoke: the editor's text, checked here and handed to the runtime as written. */
  private async invoke(text: string): Promise<void> {
    let event: unknown;
    try {
      event = JSON.parse(text);
    } catch (error) {
      this.post({ type: "failed", message: `The event is not valid JSON: ${(error as Error).message}` });
      return;
    }
    this.eventText = text;
    this.sentEvent = event;
    // Failures reach the panel as the service's "failed" event.
    await this.deps.invocations.invoke(this.functionName, event, text).catch(() => undefined);
  }

  private async onMessage(message: FromInvokePanel): Promise<void> {
    const { savedEvents } = this.deps;
    try {
      switch (message.type) {
        case "ready":
          // Ready even if init failed: the messages waiting, an error among them, still go out.
          await this.sendInit().finally(() => this.markReady());
          break;
        case "invoke":
          await this.invoke(message.text);
          break;
        case "loadSaved":
          this.eventText = await savedEvents.read(this.functionName, message.name);
          this.post({ type: "eventText", text: this.eventText, name: message.name });
          break;
        case "save":
          await savedEvents.save(this.functionName, message.name, message.text);
          this.post({ type: "savedEvents", names: await savedEvents.list(this.functionName), selected: message.name });
          break;
        case "deleteSaved":
          await savedEvents.delete(this.functionName, message.name);
          this.post({ type: "savedEvents", names: await savedEvents.list(this.functionName) });
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
      this.post({ type: "failed", message: (error as Error).message });
    }
  }

  /** Sent at once, before anything else: the webview asked for it with "ready". */
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
    const own = await this.ownSamples;
    const eventText = await this.eventTextToRun();
    const generic = await this.deps.manager
      .request(Requests.eventsSamples, { function: this.functionName })
      .then((r) => r.samples, () => []);
    await this.panel.webview.postMessage({ type: "init", fn, savedEvents: names, templates: [...own, ...generic], eventText } satisfies ToInvokePanel);
  }

  /**
   * Posts once the webview is ready (an invocation started by a command can begin before
   * the new panel's page has loaded). Not awaited, and so in the order of the calls: the
   * callbacks of one promise run in the order they were added, so "invoking" cannot be
   * overtaken by its request's first log line.
   */
  private post(message: ToInvokePanel): void {
    void this.ready
      .then(() => (this.disposables.isDisposed ? undefined : this.panel.webview.postMessage(message)))
      .then(undefined, () => undefined); // a panel closed meanwhile
  }

  dispose(): void {
    if (InvokePanel.panels.get(this.functionName) === this) InvokePanel.panels.delete(this.functionName);
    this.disposables.dispose();
  }
}
