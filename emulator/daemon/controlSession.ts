import { randomBytes } from "node:crypto";
import type WebSocket from "ws";
import { ResponseError, type MessageConnection, type NotificationType } from "vscode-jsonrpc/node";
import { matchesFilter } from "../core/logs/logStore";
import type { LogRecord } from "../core/logs/logRecord";
import { ErrorCodes, Notifications, Requests, type InvocationSummary, type InvokeResult, type LogFilter, type PoolSnapshot } from "../protocol/index";
import type { Daemon } from "./daemon";
import { Params } from "../protocol/params";

/** Above this many bytes waiting in a socket, log records for it are dropped and counted. */
const HIGH_WATER_BYTES = 1024 * 1024;
const DROP_REPORT_INTERVAL_MS = 200;
const STREAMS = ["stdout", "stderr", "system"] as const;
const POOL_NOTIFY_INTERVAL_MS = 50;

/** One connected client: its requests, its subscriptions, its notifications. */
export class ControlSession {
  private disposed = false;
  private readonly cleanups: (() => void)[] = [];
  private readonly subscriptions = new Map<string, () => void>();
  /** Debug sessions end with the client that started them. */
  private readonly id = newId();

  constructor(private readonly connection: MessageConnection, private readonly socket: WebSocket, private readonly daemon: Daemon) {
    this.registerRequests();
    this.forwardEvents();
    connection.onClose(() => this.dispose());
    connection.listen();
  }

  dispose(): void {
    this.disposed = true;
    void this.daemon.emulator.debugSessions.stopOwnedBy(this.id);
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    for (const unsubscribe of this.subscriptions.values()) unsubscribe();
    this.subscriptions.clear();
  }

  private registerRequests(): void {
    const { connection, daemon } = this;
    const emulator = daemon.emulator;
    connection.onRequest(Requests.functionsList, () => daemon.functionsList());
    connection.onRequest(Requests.projectReload, () => {
      const reloaded = emulator.reload();
      return { reloaded, problems: emulator.problems.map((p) => p.message) };
    });
    connection.onRequest(Requests.invoke, async (raw) => {
      const params = new Params("invoke", raw, true);
      const name = params.required<string>("function", "string");
      this.requireFunction(name);
      const event = params.raw("event");
      return daemon.invoke(name, event === undefined ? {} : event);
    });
    connection.onRequest(Requests.instancesList, (raw) => {
      const name = new Params("instances.list", raw).optional<string>("function", "string");
      if (name !== undefined) this.requireFunction(name);
      return { instances: emulator.instances(name) };
    });
    connection.onRequest(Requests.instancesStop, async (raw) => {
      const id = new Params("instances.stop", raw, true).required<string>("id", "string");
      return { stopped: await emulator.stopInstance(id) };
    });
    connection.onRequest(Requests.logsSubscribe, (raw) => this.subscribeLogs(logFilter("logs.subscribe", raw)));
    connection.onRequest(Requests.logsUnsubscribe, (raw) => this.unsubscribe("logs.unsubscribe", raw));
    connection.onRequest(Requests.logsQuery, async (raw) => {
      const params = new Params("logs.query", raw);
      const limit = params.optional<number>("limit", "number");
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new ResponseError(ErrorCodes.InvalidParams, "logs.query: params.limit must be a positive integer");
      return {
        records: await daemon.logStore.query({
          ...logFilter("logs.query", raw),
          since: params.optional<number>("since", "number"),
          until: params.optional<number>("until", "number"),
          limit,
        }),
      };
    });
    connection.onRequest(Requests.metricsGet, (raw) => {
      const name = new Params("metrics.get", raw).optional<string>("function", "string");
      if (name !== undefined) this.requireFunction(name);
      return daemon.metrics(name);
    });
    connection.onRequest(Requests.metricsSubscribe, (raw) => {
      const intervalMs = Math.max(250, new Params("metrics.subscribe", raw).optional<number>("intervalMs", "number") ?? 2000);
      const subscriptionId = newId();
      const timer = setInterval(() => void this.notify(Notifications.metricsUpdate, { subscriptionId, ...daemon.metrics() }), intervalMs);
      this.subscriptions.set(subscriptionId, () => clearInterval(timer));
      return { subscriptionId };
    });
    connection.onRequest(Requests.metricsUnsubscribe, (raw) => this.unsubscribe("metrics.unsubscribe", raw));
    connection.onRequest(Requests.costEstimate, (raw) => {
      const params = new Params("cost.estimate", raw);
      const name = params.optional<string>("function", "string");
      if (name !== undefined) this.requireFunction(name);
      return daemon.costEstimate(name, params.oneOf("provider", ["scf", "aws"] as const));
    });
    connection.onRequest(Requests.debugStart, async (raw) => {
      const params = new Params("debug.start", raw, true);
      const name = params.required<string>("function", "string");
      const debugpyPath = params.optional<string>("debugpyPath", "string");
      this.requireFunction(name);
      try {
        const session = await emulator.debugSessions.start(emulator.getFunction(name), this.id, { debugpyPath });
        // The client went away while the debugger was starting: nobody will attach, and the
        // session would take the function's invocations.
        if (this.disposed) await emulator.debugSessions.stop(session.sessionId);
        return session;
      } catch (error) {
        throw new ResponseError(ErrorCodes.DebugFailed, `cannot debug ${name}: ${(error as Error).message}`);
      }
    });
    connection.onRequest(Requests.debugStop, async (raw) => ({
      stopped: await emulator.debugSessions.stop(new Params("debug.stop", raw, true).required<string>("sessionId", "string")),
    }));
    connection.onRequest(Requests.debugList, () => ({ sessions: emulator.debugSessions.list() }));
    connection.onRequest(Requests.triggersList, () => daemon.triggers());
    connection.onRequest(Requests.timersSetEnabled, (raw) => {
      const params = new Params("timers.setEnabled", raw, true);
      const name = params.required<string>("function", "string");
      this.requireFunction(name);
      return { ok: daemon.timers.setEnabled(name, params.required<string>("trigger", "string"), params.required<boolean>("enabled", "boolean")) };
    });
    connection.onRequest(Requests.timersFire, (raw) => {
      const params = new Params("timers.fire", raw, true);
      const name = params.required<string>("function", "string");
      this.requireFunction(name);
      return { ok: daemon.timers.fireNow(name, params.required<string>("trigger", "string")) };
    });
    connection.onRequest(Requests.topicsPublish, async (raw) => {
      const params = new Params("topics.publish", raw, true);
      const topic = params.required<string>("topic", "string");
      const messages = params.raw("messages");
      if (!Array.isArray(messages) || messages.length === 0 || !messages.every((m) => typeof m === "string")) {
        throw new ResponseError(ErrorCodes.InvalidParams, "topics.publish: params.messages must be a non-empty array of strings");
      }
      return { subscribers: await daemon.broker.publish(topic, messages, params.optional<string>("subject", "string")) };
    });
    connection.onRequest(Requests.asyncList, (raw) => {
      const name = new Params("async.list", raw).optional<string>("function", "string");
      return { pending: daemon.queue.pending(name), dead: daemon.queue.deadLetters(name) };
    });
    connection.onRequest(Requests.asyncReplay, async (raw) => {
      const id = new Params("async.replay", raw, true).required<string>("id", "string");
      return { replayed: (await daemon.queue.replay(id)) !== undefined };
    });
    connection.onRequest(Requests.eventsSamples, (raw) => {
      const name = new Params("events.samples", raw).optional<string>("function", "string");
      if (name !== undefined) this.requireFunction(name);
      return { samples: daemon.sampleEvents(name) };
    });
    connection.onRequest(Requests.emulatorStatus, () => daemon.status());
    connection.onRequest(Requests.emulatorShutdown, () => {
      setImmediate(() => void daemon.shutdown("requested by a client"));
      return { ok: true };
    });
  }

  private forwardEvents(): void {
    const { daemon } = this;
    const on = <A extends unknown[]>(subscribe: (listener: (...args: A) => void) => () => void, listener: (...args: A) => void) => {
      this.cleanups.push(subscribe(listener));
    };
    on((l) => daemon.onEmulator("instance", l), (info) => void this.notify(Notifications.instanceChanged, info));
    // Pools change twice per invocation; clients get at most one update per function per interval.
    const pending = new Map<string, NodeJS.Timeout>();
    this.cleanups.push(() => pending.forEach((timer) => clearTimeout(timer)));
    on<[string, PoolSnapshot]>((l) => daemon.onEmulator("pool", l), (name) => {
      if (pending.has(name)) return;
      pending.set(name, setTimeout(() => {
        pending.delete(name);
        const pool = daemon.emulator.poolSnapshot(name);
        if (pool) void this.notify(Notifications.poolChanged, { function: name, pool, state: daemon.functionState(name) });
      }, POOL_NOTIFY_INTERVAL_MS));
    });
    on((l) => daemon.onEmulator("reloaded", l), (names) => {
      void this.notify(Notifications.functionsReloaded, { functions: names });
      void this.notify(Notifications.projectChanged, daemon.functionsList());
    });
    on<[InvokeResult]>((l) => daemon.onEmulator("invoked", l), (result) => void this.notify(Notifications.invocationFinished, summarize(result)));
    on((l) => daemon.onShutdown(l), (reason) => void this.notify(Notifications.shuttingDown, { reason }));
  }

  /**
   * Live log records for this client. A client that reads slowly never slows an
   * invocation: past the high-water mark its records are dropped, counted, and it is
   * told how many as soon as its socket drains.
   */
  private subscribeLogs(filter: LogFilter): { subscriptionId: string } {
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
    const unsubscribe = this.daemon.emulator.logBus.subscribe((record: LogRecord) => {
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

  private unsubscribe(method: string, raw: unknown): { ok: boolean } {
    const id = new Params(method, raw, true).required<string>("subscriptionId", "string");
    const stop = this.subscriptions.get(id);
    stop?.();
    this.subscriptions.delete(id);
    return { ok: stop !== undefined };
  }

  private requireFunction(name: string): void {
    if (!this.daemon.emulator.functions().some((f) => f.name === name)) {
      const known = this.daemon.emulator.functions().map((f) => f.name).join(", ") || "none";
      throw new ResponseError(ErrorCodes.UnknownFunction, `no function named "${name}" (functions: ${known})`);
    }
  }

  private async notify<P>(type: NotificationType<P>, params: P): Promise<void> {
    if (this.socket.readyState !== this.socket.OPEN) return;
    await this.connection.sendNotification(type, params as never).catch(() => undefined);
  }
}

function logFilter(method: string, raw: unknown): LogFilter {
  const params = new Params(method, raw);
  return {
    function: params.optional("function", "string"),
    requestId: params.optional("requestId", "string"),
    stream: params.oneOf("stream", STREAMS),
    text: params.optional("text", "string"),
  };
}

function summarize(result: InvokeResult): InvocationSummary {
  return {
    requestId: result.requestId, function: result.function, ok: result.ok, errorKind: result.errorKind,
    errorMessage: result.error?.errorMessage, durationMs: result.timings.durationMs, billedMs: result.timings.billedMs,
    cold: result.timings.cold, time: Date.now(),
  };
}

function newId(): string {
  return randomBytes(6).toString("hex");
}
