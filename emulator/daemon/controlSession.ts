import { randomBytes } from "node:crypto";
import type WebSocket from "ws";
import type { MessageConnection, NotificationType } from "vscode-jsonrpc/node";
import { matchesFilter } from "../core/logs/logStore";
import { ErrorCodes, Notifications, protocolError, Requests, type LogFilter, type LogRecord, type Method, type RequestName, type SubscriptionResult } from "../protocol";
import type { ControlEvent, ControlTarget, RequestHandler, RequestHandlers } from "./controlTarget";

/** Above this many bytes waiting in a socket, log records for it are dropped and counted. */
const HIGH_WATER_BYTES = 1024 * 1024;
const DROP_REPORT_INTERVAL_MS = 200;
const POOL_NOTIFY_INTERVAL_MS = 50;
const MIN_METRICS_INTERVAL_MS = 250;

/** One connected client: its requests, its subscriptions, its notifications. */
export class ControlSession {
  private disposed = false;
  private readonly cleanups: (() => void)[] = [];
  private readonly subscriptions = new Map<string, () => void>();
  /** Debug sessions end with the client that started them. */
  private readonly id = newId();

  constructor(private readonly connection: MessageConnection, private readonly socket: WebSocket, private readonly target: ControlTarget) {
    this.registerRequests();
    this.cleanups.push(target.onEvent((event) => this.forward(event)));
    connection.onClose(() => this.dispose());
    connection.listen();
  }

  dispose(): void {
    this.disposed = true;
    void this.target.stopDebugOwnedBy(this.id);
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    for (const unsubscribe of this.subscriptions.values()) unsubscribe();
    this.subscriptions.clear();
  }

  /** Every request from one table: each one's params validated by the protocol before its handler runs. */
  private registerRequests(): void {
    const handlers: RequestHandlers = {
      ...this.target.handlers,
      logsSubscribe: (filter) => this.subscribeLogs(filter),
      logsUnsubscribe: ({ subscriptionId }) => this.unsubscribe(subscriptionId),
      metricsSubscribe: ({ intervalMs }) => this.subscribeMetrics(Math.max(MIN_METRICS_INTERVAL_MS, intervalMs ?? 2000)),
      metricsUnsubscribe: ({ subscriptionId }) => this.unsubscribe(subscriptionId),
      debugStart: async (params) => {
        const session = await this.target.startDebug(params, this.id);
        // The client went away while the debugger was starting: nobody will attach, and the
        // session would take the function's invocations.
        if (this.disposed) await this.target.stopDebug(session.sessionId);
        return session;
      },
    };
    for (const name of Object.keys(Requests) as RequestName[]) this.register(name, handlers[name]);
  }

  private register<K extends RequestName>(name: K, handler: RequestHandler<K>): void {
    const method = Requests[name] as Method<unknown, unknown>;
    this.connection.onRequest(method, (raw) => (handler as (params: unknown) => unknown)(method.parse(raw)));
  }

  private forward(event: ControlEvent): void {
    switch (event.kind) {
      case "instance":
        return void this.notify(Notifications.instanceChanged, event.info);
      case "pool":
        return this.notifyPool(event.function);
      case "reloaded":
        void this.notify(Notifications.functionsReloaded, { functions: event.functions });
        return void this.notify(Notifications.projectChanged, this.target.functionsList());
      case "projectChanged":
        return void this.notify(Notifications.projectChanged, this.target.functionsList());
      case "invoked":
        return void this.notify(Notifications.invocationFinished, event.summary);
      case "shuttingDown":
        return void this.notify(Notifications.shuttingDown, { reason: event.reason });
    }
  }

  private readonly pendingPools = new Map<string, NodeJS.Timeout>();

  /** Pools change twice per invocation; clients get at most one update per function per interval. */
  private notifyPool(name: string): void {
    if (this.pendingPools.has(name)) return;
    if (this.pendingPools.size === 0) this.cleanups.push(() => this.pendingPools.forEach((timer) => clearTimeout(timer)));
    this.pendingPools.set(name, setTimeout(() => {
      this.pendingPools.delete(name);
      const state = this.target.poolState(name);
      if (state) void this.notify(Notifications.poolChanged, { function: name, ...state });
    }, POOL_NOTIFY_INTERVAL_MS));
  }

  /**
   * Live log records for this client. A client that reads slowly never slows an
   * invocation: past the high-water mark its records are dropped, counted, and it is
   * told how many as soon as its socket drains.
   */
  private subscribeLogs(filter: LogFilter): SubscriptionResult {
    const subscriptionId = newId();
    let dropped = 0;
    let reportTimer: NodeJS.Timeout | undefined;
    const reportDrops = () => {
      reportTimer = undefined;
      if (dropped === 0) return;
      if (this.socket.bufferedAmount > HIGH_WATER_BYTES) {
        reportTimer = setTimeout(reportDrops, DROP_REPORT_INTERVAL_MS);
        return;
      }
      void this.notify(Notifications.logsDropped, { subscriptionId, count: dropped });
      dropped = 0;
    };
    const unsubscribe = this.target.onLog((record: LogRecord) => {
      if (!matchesFilter(record, filter)) return;
      if (this.socket.bufferedAmount > HIGH_WATER_BYTES) {
        dropped++;
        reportTimer ??= setTimeout(reportDrops, DROP_REPORT_INTERVAL_MS);
        return;
      }
      if (dropped > 0) reportDrops();
      void this.notify(Notifications.logRecord, { subscriptionId, record });
    });
    this.subscriptions.set(subscriptionId, () => {
      unsubscribe();
      clearTimeout(reportTimer);
    });
    return { subscriptionId };
  }

  private subscribeMetrics(intervalMs: number): SubscriptionResult {
    const subscriptionId = newId();
    const timer = setInterval(() => void this.notify(Notifications.metricsUpdate, { subscriptionId, ...this.target.metrics() }), intervalMs);
    this.subscriptions.set(subscriptionId, () => clearInterval(timer));
    return { subscriptionId };
  }

  private unsubscribe(id: string): { ok: boolean } {
    const stop = this.subscriptions.get(id);
    stop?.();
    this.subscriptions.delete(id);
    return { ok: stop !== undefined };
  }

  private async notify<P>(type: NotificationType<P>, params: P): Promise<void> {
    if (this.socket.readyState !== this.socket.OPEN) return;
    await this.connection.sendNotification(type, params as never).catch(() => undefined);
  }
}

/** A request for a function the project does not have. */
export function unknownFunction(name: string, known: string[]): Error {
  return protocolError(ErrorCodes.UnknownFunction, `no function named "${name}" (functions: ${known.join(", ") || "none"})`);
}

function newId(): string {
  return randomBytes(6).toString("hex");
}
