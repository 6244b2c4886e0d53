import * as vscode from "vscode";
import { Notifications, Requests, type FunctionCost, type MetricsResult } from "../../emulator/protocol";
import type { DaemonConnection } from "../daemon/daemonConnection";
import type { FunctionsModel } from "../model/functionsModel";
import { DisposableList } from "../util/disposableList";
import type { FromMetricsView, ToMetricsView } from "./messages";
import { webviewHtml, webviewOptions } from "./webviewHtml";

const INTERVAL_MS = 2000;

/**
 * The Metrics view in the Faasbox sidebar: per function invocations, errors, p50/p95,
 * cold starts, concurrency and a chart of the same invocations, all from the emulator's metrics. It subscribes only while visible.
 */
export class MetricsViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view?: vscode.WebviewView;
  private subscriptionId?: string;
  private readonly disposables = new DisposableList();
  /** The listeners of the view now shown: VS Code disposes a webview view when it is collapsed or moved, and resolves a new one. */
  private viewDisposables = new DisposableList();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly manager: DaemonConnection,
    private readonly model: FunctionsModel,
    private readonly openInvokePanel: (name: string) => void,
  ) {
    this.disposables.push(
      manager.onNotification(Notifications.metricsUpdate, (update) => {
        if (update.subscriptionId === this.subscriptionId) void this.push(update);
      }),
      manager.onDidConnect(() => {
        this.subscriptionId = undefined;
        if (this.view?.visible) void this.subscribe();
      }),
      manager.onDidChangeState((state) => {
        if (state !== "connected") void this.post({ type: "metrics", functions: [], costs: [], names: [], connected: false });
      }),
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.viewDisposables.dispose();
    this.viewDisposables = new DisposableList();
    this.view = view;
    view.webview.options = webviewOptions(this.extensionUri);
    view.webview.html = webviewHtml(view.webview, this.extensionUri, "metricsView", "Faasbox Metrics");
    const disposables = this.viewDisposables;
    disposables.push(
      view.webview.onDidReceiveMessage((message: FromMetricsView) => {
        if (message.type === "ready") void this.subscribe();
        if (message.type === "openInvokePanel") this.openInvokePanel(message.function);
      }),
      view.onDidChangeVisibility(() => (view.visible ? void this.subscribe() : void this.unsubscribe())),
      view.onDidDispose(() => {
        disposables.dispose(); // this view's listeners go with it
        if (this.view !== view) return;
        void this.unsubscribe();
        this.view = undefined;
      }),
    );
  }

  private async subscribe(): Promise<void> {
    if (!this.manager.isConnected) {
      await this.post({ type: "metrics", functions: [], costs: [], names: [], connected: false });
      return;
    }
    if (this.subscriptionId) return;
    try {
      this.subscriptionId = (await this.manager.request(Requests.metricsSubscribe, { intervalMs: INTERVAL_MS })).subscriptionId;
      await this.push(await this.manager.request(Requests.metricsGet, {}));
    } catch {
      // shown as not connected by the state handler
    }
  }

  private async unsubscribe(): Promise<void> {
    const id = this.subscriptionId;
    this.subscriptionId = undefined;
    if (id && this.manager.isConnected) await this.manager.request(Requests.metricsUnsubscribe, { subscriptionId: id }).catch(() => undefined);
  }

  private async push(metrics: MetricsResult): Promise<void> {
    let costs: FunctionCost[] = [];
    try {
      costs = (await this.manager.request(Requests.costEstimate, {})).functions;
    } catch {
      // metrics without costs are still worth showing
    }
    // The cards and their charts read the emulator's numbers only: a second count kept
    // here (the tree's history) would disagree with them.
    const names = this.model.functions.map((fn) => fn.name);
    await this.post({ type: "metrics", functions: metrics.functions, costs, names, connected: true });
  }

  private async post(message: ToMetricsView): Promise<void> {
    await this.view?.webview.postMessage(message);
  }

  dispose(): void {
    this.viewDisposables.dispose();
    this.disposables.dispose();
    void this.unsubscribe();
  }
}
