import * as vscode from "vscode";
import { loadProject } from "../../emulator/project/loadProject";
import { Notifications, Requests, type FunctionInfo, type InvocationSummary, type TriggersListResult } from "../../emulator/protocol";
import type { DaemonConnection } from "../daemon/daemonConnection";
import { DisposableList } from "../util/disposableList";

const HISTORY_LENGTH = 20;

/**
 * What the editor knows about the project's functions: the emulator's view when it is
 * connected (states, pools), kept current by its notifications, and otherwise the
 * manifests read locally (so an untrusted or Docker-less workspace still lists them).
 */
export class FunctionsModel implements vscode.Disposable {
  functions: FunctionInfo[] = [];
  problems: string[] = [];
  /** What loads but differs from the cloud or is not emulated (FILE:LINE: FIELD: what it means locally). */
  warnings: string[] = [];
  /** True when the list came from the emulator, not from reading manifests locally. */
  live = false;
  /** Routes with their URLs, timers with their next fire time (only while connected). */
  triggers?: TriggersListResult;
  private triggersTimer?: NodeJS.Timeout;
  private readonly history = new Map<string, InvocationSummary[]>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables = new DisposableList();

  constructor(private readonly manager: DaemonConnection) {
    this.disposables.push(
      this.changed,
      { dispose: () => clearTimeout(this.triggersTimer) },
      manager.onNotification(Notifications.poolChanged, ({ function: name, pool, state }) => {
        const fn = this.functions.find((f) => f.name === name);
        if (!fn) return;
        fn.pool = pool;
        fn.state = state;
        this.changed.fire();
      }),
      manager.onNotification(Notifications.projectChanged, (list) => {
        this.functions = list.functions;
        this.problems = list.problems;
        this.warnings = list.warnings ?? [];
        this.live = true;
        this.changed.fire();
        this.refreshTriggersSoon(); // new routes, timers and topics, with their URLs and next fires
      }),
      manager.onNotification(Notifications.invocationFinished, (summary) => {
        this.addHistory(summary);
        this.refreshTriggersSoon(); // a timer that fired has a new next fire time
      }),
      manager.onDidConnect(() => void this.refresh()),
      manager.onDidChangeState((state) => {
        if (state !== "connected") void this.refresh();
      }),
    );
  }

  historyOf(name: string): InvocationSummary[] {
    return this.history.get(name) ?? [];
  }

  get(name: string): FunctionInfo | undefined {
    return this.functions.find((f) => f.name === name);
  }

  /** Re-reads the functions from the emulator when connected, else from the manifests. */
  async refresh(): Promise<void> {
    if (this.manager.isConnected) {
      try {
        const list = await this.manager.request(Requests.functionsList);
        this.functions = list.functions;
        this.problems = list.problems;
        this.warnings = list.warnings ?? [];
        this.triggers = await this.manager.request(Requests.triggersList).catch(() => undefined);
        this.live = true;
        this.changed.fire();
        return;
      } catch {
        // fall back to the manifests below
      }
    }
    try {
      const { project, problems, warnings } = loadProject(this.manager.root);
      this.functions = project.functions.map((spec) => ({
        name: spec.name, runtime: spec.runtime, dialect: spec.dialect, handler: spec.handler, codeDir: spec.codeDir,
        memoryMb: spec.memoryMb, timeoutSec: spec.timeoutSec, maxConcurrency: spec.maxConcurrency, triggers: spec.triggers,
        state: "stopped", pool: { starting: 0, idle: 0, busy: 0, stopping: 0, queued: 0 }, source: spec.source, isolated: true,
      }));
      this.problems = problems.map((p) => p.message);
      this.warnings = warnings.map((w) => w.message);
    } catch (error) {
      this.functions = [];
      this.problems = [(error as Error).message];
      this.warnings = [];
    }
    this.live = false;
    this.triggers = undefined;
    this.changed.fire();
  }

  private refreshTriggersSoon(): void {
    this.triggersTimer ??= setTimeout(() => {
      this.triggersTimer = undefined;
      if (!this.manager.isConnected) return;
      void this.manager.request(Requests.triggersList).then((triggers) => {
        this.triggers = triggers;
        this.changed.fire();
      }, () => undefined);
    }, 500);
  }

  private addHistory(summary: InvocationSummary): void {
    const list = this.history.get(summary.function) ?? [];
    list.push(summary);
    if (list.length > HISTORY_LENGTH) list.shift();
    this.history.set(summary.function, list);
    this.changed.fire();
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
