import { join, resolve } from "node:path";
import { AsyncQueue } from "../triggers/async/asyncQueue";
import { asyncPolicy } from "../triggers/async/asyncPolicy";
import { readUserConfig } from "../config/userConfig";
import { BucketWatcher, bucketFolder } from "../triggers/bucketWatcher";
import { HttpGateway } from "../triggers/http/httpGateway";
import { FunctionUrlServers } from "../triggers/functionUrls/functionUrlServers";
import { awsSigningCredentials } from "../triggers/functionUrls/signingCredentials";
import { TopicBroker } from "../triggers/topicBroker";
import { EventBus } from "../triggers/eventBus";
import { StreamBroker } from "../triggers/streamBroker";
import { InvokeApiServer, emulatorTarget } from "../triggers/invokeApi";
import { TimerScheduler } from "../triggers/timers/timerScheduler";
import { timerEvent } from "../triggers/events/timerEvents";
import { SAMPLE_DESCRIPTIONS, SAMPLE_TYPES, sampleEvent } from "../triggers/events/samples";
import { triggerSampleDescription, triggerSampleEvent } from "../triggers/events/triggerSample";
import { runTrigger } from "../triggers/runTrigger";
import { DatabaseTriggers, loadDatabaseDrivers } from "../triggers/database/databaseTriggers";
import { consumerPlans, sourceRefs } from "../triggers/database/consumerPlans";
import { databaseTriggerInfos } from "../triggers/database/databaseTriggerInfo";
import { stateDir } from "../config/paths";
import { readConnectionInfo, removeConnectionInfo, writeConnectionInfo } from "../client/connectionFile";
import { Engine, type EngineOptions } from "../core/engine";
import { toInvokeResult, type InvocationReport } from "../core/invoke/invocationReport";
import { LogStore } from "../core/logs/logStore";
import { DEFAULT_PRICES, estimateCost } from "../core/metrics/cost";
import { MetricsCollector } from "../core/metrics/metricsCollector";
import type { Dialect } from "../project/spec";
import {
  ErrorCodes, PROTOCOL_VERSION, protocolError,
  type DebugSessionInfo, type DebugStartParams, type EmulatorStatus, type FailureKind, type FunctionCost, type FunctionInfo, type FunctionState,
  type FunctionsListResult, type InvocationSummary, type InvokeParams, type InvokeResult, type LogRecord, type MetricsResult, type PoolSnapshot,
  type PriceTable, type Provider, type SampleEvent, type TriggerParams, type TriggerRunResult, type TriggerSpec, type TriggersListResult,
} from "../protocol";
import { FAASBOX_VERSION } from "../version";
import { newToken } from "./auth";
import { ControlServer } from "./controlServer";
import { ControlSession, unknownFunction } from "./controlSession";
import type { ControlEvent, ControlTarget, SharedHandlers } from "./controlTarget";
import { jsonRpcOverWebSocket } from "./wsTransport";

export interface DaemonOptions extends EngineOptions {
  /** Control API address: loopback unless bound elsewhere on purpose (the token still applies). */
  controlHost?: string;
  controlPort?: number;
  /** Serve the control API on this Unix socket instead of a TCP port (ControlServerOptions.socketPath). */
  controlSocket?: string;
  /**
   * Host names the gateway, the Invoke API and the control API accept besides loopback
   * ones (and the bound address), e.g. a name in /etc/hosts (`--allowed-host`); a leading
   * dot allows subdomains. Others are refused against DNS rebinding (util/requestGuard).
   */
  allowedHosts?: readonly string[];
  /** The HTTP gateway's port (default 3000; 0 = any free port). */
  httpPort?: number;
  /** The Lambda-compatible Invoke API's port (default 3001; 0 = any free port). */
  invokePort?: number;
  /** Which ports were defaults, not the user's choice: when busy, those move to free ones, said in a warning. */
  portFallback?: { http: boolean; invoke: boolean };
  /** First delay before retrying a failed asynchronous invocation (doubles each time). */
  retryDelayMs?: number;
  /** Cap of the on-disk log store. */
  logCapMb?: number;
}

const DEFAULT_LOG_CAP_MB = 16;
const EMPTY_POOL: PoolSnapshot = { starting: 0, idle: 0, busy: 0, stopping: 0, queued: 0 };

/**
 * A running emulator as a service: the engine, its triggers, its log store and metrics,
 * the control API, and the connection file that lets clients find it.
 */
export class Daemon implements ControlTarget {
  readonly token = newToken();
  readonly metricsCollector = new MetricsCollector();
  readonly handlers: SharedHandlers;
  private readonly lastFailure = new Map<string, FailureKind | undefined>();
  private readonly lastThrottleAt = new Map<string, number>();
  private readonly eventListeners = new Set<(event: ControlEvent) => void>();
  /** Request ids of the control API's invocations in flight: an id names one invocation. */
  private readonly controlRequestIds = new Set<string>();
  private control!: ControlServer;
  private stopping?: Promise<void>;
  readonly queue: AsyncQueue;
  readonly broker: TopicBroker;
  readonly eventBus: EventBus;
  readonly streams: StreamBroker;
  readonly gateway: HttpGateway;
  /** Each function URL on its own port (and by name on the gateway's). */
  readonly functionUrls: FunctionUrlServers;
  readonly invokeApi: InvokeApiServer;
  private readonly buckets: BucketWatcher;
  readonly timers: TimerScheduler;
  private timerProblems: string[] = [];
  /** Database-change triggers: a PostgreSQL source and an ordered delivery per consumer. */
  readonly databases: DatabaseTriggers;
  /** Base URL of the Lambda-compatible Invoke API (`aws lambda invoke --endpoint-url`). */
  invokeUrl?: string;

  private constructor(readonly engine: Engine, readonly logStore: LogStore, options: DaemonOptions) {
    // An asynchronous event's id is the request id of each of its attempts: the id the
    // Invoke API answers with is the one its log lines carry.
    this.queue = new AsyncQueue(join(stateDir(engine.root), "queue"), (name, payload, requestId) => engine.run(name, payload, { requestId }), {
      retryDelayMs: options.retryDelayMs,
      // A queue's or stream's partial batch response decides what is retried; the brokers know the mappings.
      remainder: (event, response) => this.broker.remainder(event, response) ?? this.streams.remainder(event, response),
      policy: (name) => asyncPolicy(engine.functions().find((fn) => fn.name === name)),
    });
    this.broker = new TopicBroker(() => engine.functions(), this.queue);
    this.eventBus = new EventBus(() => engine.functions(), this.queue);
    this.streams = new StreamBroker(() => engine.functions(), this.queue);
    this.buckets = new BucketWatcher(engine.root, this.queue);
    // A timer's event is queued like any asynchronous invocation: retried, dead-lettered, durable.
    this.timers = new TimerScheduler((fn, trigger, time) => {
      const event = timerEvent(fn.dialect, { triggerName: trigger.name, functionName: fn.name, region: fn.region, time, message: trigger.message, input: trigger.input });
      this.queue.enqueue(fn.name, JSON.stringify(event), `timer:${trigger.name}`).catch((error: Error) => {
        process.stderr.write(`faasbox: timer ${trigger.name} of ${fn.name} could not queue its event: ${error.message}\n`);
      });
    });
    this.functionUrls = new FunctionUrlServers(
      {
        functions: () => engine.functions(),
        invoke: (name, event, options) => engine.run(name, event, { stream: options?.stream }),
        credentials: () => awsSigningCredentials(engine.credentials.env.aws),
        log: (record) => engine.logBus.publish(record),
      },
      { root: engine.root, host: options.controlHost, allowedHosts: options.allowedHosts },
    );
    this.gateway = new HttpGateway(
      {
        functions: () => engine.functions(),
        unservedRoutes: () => engine.unservedRoutes(),
        invoke: (name, event) => engine.run(name, event),
        publish: (topic, messages) => this.broker.publish(topic, messages),
        log: (record) => engine.logBus.publish(record),
        web: (name, exchange) => engine.run(name, Buffer.alloc(0), { web: exchange }),
      },
      {
        port: options.httpPort ?? 3000, host: options.controlHost, portFallback: options.portFallback?.http, allowedHosts: options.allowedHosts,
        virtualHost: (host) => this.functionUrls.byHost(host),
      },
    );
    this.invokeApi = new InvokeApiServer(emulatorTarget(engine, this.queue), {
      port: options.invokePort ?? 3001, host: options.controlHost, portFallback: options.portFallback?.invoke, allowedHosts: options.allowedHosts,
    });
    this.databases = new DatabaseTriggers({
      root: engine.root,
      invoke: async (name, event, source) => {
        const report = await engine.run(name, event, { source });
        return { ok: report.ok, response: report.payload, error: report.error };
      },
      deadLetter: async (name, payload, source, error, attempts) => {
        await this.queue.addDeadLetter(name, payload, source, error, attempts);
      },
      warn: (message) => {
        engine.warnings.push(message);
        engine.emit("warning", message);
      },
    });
    this.handlers = this.sharedHandlers();
  }

  static async start(options: DaemonOptions): Promise<Daemon> {
    // One emulator per project: a second would fire every timer twice, watch the same
    // buckets and deliver the first one's queued events again.
    const running = readConnectionInfo(resolve(options.root));
    if (running && running.pid !== process.pid) {
      throw new Error(
        `an emulator already runs for ${resolve(options.root)} (pid ${running.pid}, control ${running.controlUrl}, HTTP ${running.httpUrl ?? "?"}); ` +
          `use it (faasbox status --project ${resolve(options.root)}), or stop it first`,
      );
    }
    const engine = await Engine.create(options);
    const logStore = new LogStore(stateDir(engine.root), (options.logCapMb ?? DEFAULT_LOG_CAP_MB) * 1024 * 1024);
    const daemon = new Daemon(engine, logStore, options);
    engine.logBus.subscribe((record) => logStore.append(record));
    daemon.forwardEngineEvents();
    daemon.control = new ControlServer({
      host: options.controlHost ?? "127.0.0.1",
      port: options.controlPort ?? 0,
      socketPath: options.controlSocket,
      token: daemon.token,
      allowedHosts: options.allowedHosts,
      onConnection: (socket, raw) => new ControlSession(jsonRpcOverWebSocket(socket, raw), socket, daemon),
    });
    try {
      await daemon.control.listen();
      const gateway = await daemon.gateway.listen();
      if (gateway.busyPort) engine.warnings.push(`port ${gateway.busyPort} is in use: the HTTP gateway listens on ${gateway.port} instead (--http-port chooses)`);
      daemon.functionUrls.setGatewayPort(gateway.port);
      await daemon.functionUrls.update();
      engine.warnings.push(...daemon.functionUrls.warnings.splice(0));
      daemon.invokeUrl = await daemon.invokeApi.listen();
      if (daemon.invokeApi.busyPort) engine.warnings.push(`port ${daemon.invokeApi.busyPort} is in use: the Lambda Invoke API listens on ${daemon.invokeUrl} instead (--invoke-port chooses)`);
    } catch (error) {
      await daemon.shutdown("start failed");
      throw error;
    }
    const updateTriggers = () => {
      daemon.gateway.refresh();
      daemon.functionUrls.update().then(
        () => engine.warnings.push(...daemon.functionUrls.warnings.splice(0)),
        (error: Error) => engine.warnings.push(`function URLs: ${error.message}`),
      );
      daemon.buckets.update(engine.functions());
      daemon.timerProblems = daemon.timers.update(engine.functions()).problems;
      engine.warnings.push(...daemon.timerProblems);
      // Sources connect in the background: a database that is down makes the trigger fail (and retry), not the start.
      void daemon.databases.update(consumerPlans(engine.root, engine.project), sourceRefs(engine.root, engine.project));
    };
    if (consumerPlans(engine.root, engine.project).length > 0) await loadDatabaseDrivers();
    updateTriggers();
    engine.on("reloaded", updateTriggers);
    const recovered = daemon.queue.start();
    if (recovered) engine.warnings.push(`delivering ${recovered} asynchronous event(s) left pending by an earlier run`);
    writeConnectionInfo({
      pid: process.pid, root: engine.root, controlUrl: daemon.control.url, token: daemon.token,
      httpUrl: daemon.gateway.url, invokeUrl: daemon.invokeUrl, version: FAASBOX_VERSION, startedAt: engine.startedAt,
    });
    return daemon;
  }

  get controlUrl(): string {
    return this.control.url;
  }

  onEvent(listener: (event: ControlEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onLog(listener: (record: LogRecord) => void): () => void {
    return this.engine.logBus.subscribe(listener);
  }

  poolState(name: string): { pool: PoolSnapshot; state: FunctionState } | undefined {
    const pool = this.engine.poolSnapshot(name);
    return pool && { pool, state: this.functionState(name) };
  }

  functionState(name: string): FunctionState {
    const pool = this.engine.poolSnapshot(name);
    if (!pool) return "stopped";
    // Its invocations go to the debug instance, whatever the pool holds.
    if (this.engine.debugSessions.forFunction(name)) return "debug";
    // Called on every pool change (the hot path): no metrics scan here.
    const throttledRecently = Date.now() - (this.lastThrottleAt.get(name) ?? 0) < 60_000;
    if (throttledRecently && pool.busy + pool.starting > 0) return "throttled";
    if (pool.busy > 0) return "busy";
    if (pool.idle > 0) return "warm";
    if (pool.starting > 0) return "starting";
    const failure = this.lastFailure.get(name);
    if (failure === "init" || failure === "platform") return "error";
    return "stopped";
  }

  functionsList(): FunctionsListResult {
    const functions: FunctionInfo[] = this.engine.functions().map((spec) => ({
      name: spec.name,
      runtime: spec.runtime,
      dialect: spec.dialect,
      handler: spec.handler,
      codeDir: spec.codeDir,
      memoryMb: spec.memoryMb,
      timeoutSec: spec.timeoutSec,
      maxConcurrency: spec.maxConcurrency,
      triggers: spec.triggers,
      state: this.functionState(spec.name),
      pool: this.engine.poolSnapshot(spec.name) ?? EMPTY_POOL,
      source: spec.source,
      isolated: this.engine.executor.isolated,
      runtimeHere: this.engine.runtimeOf(spec.name),
      ...(spec.web ? { web: spec.web } : {}),
    }));
    return { functions, problems: this.engine.problems.map((p) => p.message), warnings: this.engine.manifestWarnings.map((w) => w.message) };
  }

  metrics(name?: string): MetricsResult {
    const names = name ? [name] : this.engine.functions().map((f) => f.name);
    return { functions: this.metricsCollector.get(names) };
  }

  /** Runs a function for a control client: the caller's request id, the event encoded once, the request's logs kept. */
  async invoke({ function: name, event, eventText, requestId }: InvokeParams): Promise<InvokeResult> {
    this.requireFunction(name);
    const bytes = eventText === undefined ? Buffer.from(JSON.stringify(event ?? {})) : jsonBytes(eventText);
    if (requestId !== undefined) {
      if (this.controlRequestIds.has(requestId)) throw protocolError(ErrorCodes.InvalidParams, `invoke: request id ${requestId} names an invocation still in flight; each invocation needs its own`);
      this.controlRequestIds.add(requestId);
    }
    try {
      return toInvokeResult(await this.engine.run(name, bytes, { requestId, keepLogs: true }));
    } finally {
      if (requestId !== undefined) this.controlRequestIds.delete(requestId);
    }
  }

  startDebug({ function: name, debugpyPath }: DebugStartParams, owner: string): Promise<DebugSessionInfo> {
    this.requireFunction(name);
    return this.engine.debugSessions.start(this.engine.getFunction(name), owner, { debugpyPath }).catch((error: Error) => {
      throw protocolError(ErrorCodes.DebugFailed, `cannot debug ${name}: ${error.message}`);
    });
  }

  stopDebug(sessionId: string): Promise<boolean> {
    return this.engine.debugSessions.stop(sessionId);
  }

  stopDebugOwnedBy(owner: string): Promise<void> {
    return this.engine.debugSessions.stopOwnedBy(owner);
  }

  costEstimate(name?: string, provider?: Provider): { functions: FunctionCost[] } {
    const overrides = readUserConfig().pricing ?? {};
    const specs = this.engine.functions().filter((f) => !name || f.name === name);
    return {
      functions: specs.map((spec) => {
        const chosen = provider ?? spec.dialect;
        const prices: PriceTable = { ...DEFAULT_PRICES[chosen], ...overrides[chosen], provider: chosen };
        return estimateCost(spec.name, this.metricsCollector.samplesOf(spec.name), prices, Date.now(), this.engine.startedAt);
      }),
    };
  }

  triggers(): TriggersListResult {
    return {
      routes: this.gateway.routes(),
      urls: this.functionUrls.list(),
      timers: this.timers.list(),
      topics: this.broker.names(),
      buckets: [...new Set(this.engine.functions().flatMap((f) => f.triggers.flatMap((t) => (t.kind === "storage" ? [t.bucket] : []))))]
        .map((bucket) => ({ bucket, folder: bucketFolder(this.engine.root, bucket) })),
      databases: databaseTriggerInfos(this.engine.project, this.databases.list()),
      problems: [...this.timerProblems, ...this.databases.list().flatMap((c) => (c.status === "failing" && c.error ? [c.error] : []))],
    };
  }

  /** Sample events for each trigger type, in the dialect of `name` (or both dialects). */
  sampleEvents(name?: string): SampleEvent[] {
    const dialects: Dialect[] = name ? [this.engine.getFunction(name).dialect] : ["scf", "aws"];
    return dialects.flatMap((dialect) =>
      SAMPLE_TYPES.map((type) => ({ type, dialect, description: SAMPLE_DESCRIPTIONS[type], event: sampleEvent(type, dialect) })),
    );
  }

  /** The event the function's trigger (its first by default) sends it; `{}` for a function without triggers. */
  triggerSample(params: TriggerParams): SampleEvent {
    const { fn, trigger } = this.triggerOf(params);
    return {
      type: trigger?.kind ?? "none", dialect: fn.dialect,
      description: trigger ? triggerSampleDescription(fn, trigger, this.engine.project.databases) : "an empty event (the function has no trigger)",
      event: triggerSampleEvent(fn, trigger, new Date(), this.engine.project.databases),
    };
  }

  /** Sends a sample through the trigger itself (Run now). */
  runTrigger(params: TriggerParams): Promise<TriggerRunResult> {
    const { fn, trigger } = this.triggerOf(params);
    if (!trigger) throw protocolError(ErrorCodes.InvalidParams, `triggers.run: ${fn.name} has no trigger to run`);
    return runTrigger({
      root: this.engine.root,
      gatewayUrl: this.gateway.url,
      fireTimer: (name, triggerName) => this.timers.fireNow(name, triggerName),
      publish: (topic, bodies) => this.broker.publish(topic, bodies),
      putEvent: (entry) => this.eventBus.put(entry),
      putKinesis: (stream, puts) => this.streams.putKinesis(stream, puts),
      putDynamoDb: (table, changes) => this.streams.putDynamoDb(table, changes),
      callFunctionUrl: (name) => this.functionUrls.call(name),
      databases: this.engine.project.databases ?? [],
      // The engine's invocations carry no source label yet; the database delivery adds one.
      invoke: (name, event) => this.engine.invoke(name, event),
    }, fn, trigger);
  }

  private triggerOf({ function: name, trigger: index = 0 }: TriggerParams): { fn: ReturnType<Engine["getFunction"]>; trigger?: TriggerSpec } {
    this.requireFunction(name);
    const fn = this.engine.getFunction(name);
    if (index > 0 && index >= fn.triggers.length) {
      throw protocolError(ErrorCodes.InvalidParams, `${name} has ${fn.triggers.length} trigger(s): there is no trigger ${index}`);
    }
    return { fn, trigger: fn.triggers[index] };
  }

  status(): EmulatorStatus {
    return {
      pid: process.pid,
      version: FAASBOX_VERSION,
      protocolVersion: PROTOCOL_VERSION,
      root: this.engine.root,
      executor: this.engine.executor.kind,
      isolated: this.engine.executor.isolated,
      startedAt: this.engine.startedAt,
      functions: this.engine.functions().length,
      controlUrl: this.control.url,
      httpUrl: this.gateway.url || undefined,
      invokeUrl: this.invokeUrl,
    };
  }

  /** Stops everything this daemon started; safe to call more than once. */
  shutdown(reason = "shutdown"): Promise<void> {
    this.stopping ??= (async () => {
      this.emitEvent({ kind: "shuttingDown", reason });
      removeConnectionInfo(this.engine.root);
      // Stop taking work first; what is queued stays on disk for the next start.
      await this.gateway.close();
      await this.functionUrls.close();
      await this.invokeApi.close();
      this.buckets.close();
      this.timers.stop();
      // A batch with a function is left unacknowledged: the slot gives it again on the next start.
      await this.databases.close();
      await this.broker.flush(); // what batching windows hold is queued on disk, not lost
      this.queue.stop();
      await this.engine.shutdown();
      await this.logStore.close();
      await this.control.close();
    })();
    return this.stopping;
  }

  get stopped(): Promise<void> | undefined {
    return this.stopping;
  }

  /** The answer to every request that is the same whoever asks. */
  private sharedHandlers(): SharedHandlers {
    const engine = this.engine;
    const known = (name: string | undefined) => {
      if (name !== undefined) this.requireFunction(name);
      return name;
    };
    return {
      functionsList: () => this.functionsList(),
      projectReload: () => ({ reloaded: engine.reload(), problems: engine.problems.map((p) => p.message) }),
      invoke: (params) => this.invoke(params),
      instancesList: (params) => ({ instances: engine.instances(known(params.function)) }),
      instancesStop: async ({ id }) => ({ stopped: await engine.stopInstance(id) }),
      logsQuery: async (params) => ({ records: await this.logStore.query(params) }),
      metricsGet: (params) => this.metrics(known(params.function)),
      costEstimate: (params) => this.costEstimate(known(params.function), params.provider),
      triggersList: () => this.triggers(),
      timersSetEnabled: (params) => ({ ok: this.timers.setEnabled(known(params.function)!, params.trigger, params.enabled) }),
      timersFire: (params) => ({ ok: this.timers.fireNow(known(params.function)!, params.trigger) }),
      topicsPublish: async ({ topic, messages, subject }) => ({ subscribers: await this.broker.publish(topic, messages, subject) }),
      eventsPut: async (params) => ({ rules: await this.eventBus.put({ ...params, detail: detailObject(params.detail) }) }),
      streamsPut: async (params) => ({
        consumers: params.kind === "kinesis" ? await this.streams.putKinesis(params.stream, params.records) : await this.streams.putDynamoDb(params.stream, params.records),
      }),
      asyncList: (params) => ({ pending: this.queue.pending(params.function), dead: this.queue.deadLetters(params.function) }),
      asyncReplay: async ({ id }) => ({ replayed: (await this.queue.replay(id)) !== undefined }),
      debugStop: async ({ sessionId }) => ({ stopped: await this.stopDebug(sessionId) }),
      debugList: () => ({ sessions: engine.debugSessions.list() }),
      eventsSamples: (params) => ({ samples: this.sampleEvents(known(params.function)) }),
      eventsSample: (params) => this.triggerSample(params),
      triggersRun: (params) => this.runTrigger(params),
      emulatorStatus: () => this.status(),
      emulatorShutdown: () => {
        setImmediate(() => void this.shutdown("requested by a client"));
        return { ok: true };
      },
    };
  }

  private forwardEngineEvents(): void {
    const engine = this.engine;
    engine.on("invoked", (report) => {
      this.metricsCollector.record(report);
      this.lastFailure.set(report.function, report.errorKind);
      if (report.errorKind === "throttle") this.lastThrottleAt.set(report.function, Date.now());
      this.emitEvent({ kind: "invoked", summary: summarize(report) });
    });
    engine.on("pool", (name, snapshot) => {
      this.metricsCollector.concurrency(name, snapshot.busy);
      this.emitEvent({ kind: "pool", function: name });
    });
    engine.on("instance", (info) => this.emitEvent({ kind: "instance", info }));
    // The function's state reads "debug" while a session lasts: told as a pool change.
    engine.on("debugging", (name) => this.emitEvent({ kind: "pool", function: name }));
    engine.on("reloaded", (functions) => this.emitEvent({ kind: "reloaded", functions }));
    engine.on("runtimesResolved", () => this.emitEvent({ kind: "projectChanged" }));
  }

  private emitEvent(event: ControlEvent): void {
    for (const listener of this.eventListeners) listener(event);
  }

  private requireFunction(name: string): void {
    if (!this.engine.functions().some((f) => f.name === name)) throw unknownFunction(name, this.engine.functions().map((f) => f.name));
  }
}

/** The event text as the runtime will receive it, once it is known to be JSON (as Lambda requires of a payload). */
function jsonBytes(text: string): Buffer {
  try {
    JSON.parse(text);
  } catch (error) {
    throw protocolError(ErrorCodes.InvalidParams, `invoke: params.eventText is not valid JSON: ${(error as Error).message}`);
  }
  return Buffer.from(text);
}

/** PutEvents' Detail must be a JSON object: https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsRequestEntry.html */
function detailObject(text: string): unknown {
  let detail: unknown;
  try {
    detail = JSON.parse(text);
  } catch (error) {
    throw protocolError(ErrorCodes.InvalidParams, `events.put: params.detail is not valid JSON: ${(error as Error).message}`);
  }
  if (detail === null || typeof detail !== "object" || Array.isArray(detail)) {
    throw protocolError(ErrorCodes.InvalidParams, "events.put: params.detail must be a JSON object, as EventBridge's Detail is");
  }
  return detail;
}

function summarize(report: InvocationReport): InvocationSummary {
  return {
    requestId: report.requestId, function: report.function, ok: report.ok, errorKind: report.errorKind,
    errorType: report.error?.errorType, errorMessage: report.error?.errorMessage, durationMs: report.timings.durationMs, billedMs: report.timings.billedMs,
    cold: report.timings.cold, time: Date.now(), ...(report.debug ? { debug: true as const } : {}),
    ...(report.source ? { source: report.source } : {}),
  };
}
