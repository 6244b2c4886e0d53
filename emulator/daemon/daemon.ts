import { join, resolve } from "node:path";
import { AsyncQueue } from "../triggers/async/asyncQueue";
import { readUserConfig } from "../config/userConfig";
import { BucketWatcher, bucketFolder } from "../triggers/bucketWatcher";
import { HttpGateway } from "../triggers/http/httpGateway";
import { TopicBroker } from "../triggers/topicBroker";
import { InvokeApiServer, emulatorTarget } from "../triggers/invokeApi";
import { TimerScheduler } from "../triggers/timers/timerScheduler";
import { timerEvent } from "../triggers/events/timerEvents";
import { stateDir } from "../config/paths";
import { newToken } from "./auth";
import { readConnectionInfo, removeConnectionInfo, writeConnectionInfo } from "../client/connectionFile";
import { ControlServer } from "./controlServer";
import { ControlSession } from "./controlSession";
import { jsonRpcOverWebSocket } from "./wsTransport";
import { Engine, type EngineEvents, type EngineOptions } from "../core/engine";
import type { FailureKind } from "../core/invoke/functionError";
import type { InvokeResult } from "../core/invoke/invokeResult";
import { LogStore } from "../core/logs/logStore";
import { DEFAULT_PRICES, estimateCost } from "../core/metrics/cost";
import { MetricsCollector } from "../core/metrics/metricsCollector";
import {
  PROTOCOL_VERSION,
  type EmulatorStatus,
  type FunctionCost,
  type FunctionInfo,
  type FunctionState,
  type FunctionsListResult,
  type MetricsResult,
  type PriceTable,
  type Provider,
  type SampleEvent,
  type TriggersListResult,
} from "../protocol/index";
import { SAMPLE_DESCRIPTIONS, SAMPLE_TYPES, sampleEvent } from "../triggers/events/samples";
import type { Dialect } from "../project/spec";
import { FAASBOX_VERSION } from "../version";

export interface DaemonOptions extends EngineOptions {
  /** Control API address: loopback unless bound elsewhere on purpose (the token still applies). */
  controlHost?: string;
  controlPort?: number;
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

/**
 * A running emulator as a service: the emulator itself, its log store and metrics,
 * the control API, and the connection file that lets clients find it.
 */
export class Daemon {
  readonly token = newToken();
  readonly metricsCollector = new MetricsCollector();
  private readonly lastFailure = new Map<string, FailureKind | undefined>();
  private readonly lastThrottleAt = new Map<string, number>();
  private readonly shutdownListeners = new Set<(reason: string) => void>();
  private control!: ControlServer;
  private stopping?: Promise<void>;
  readonly queue: AsyncQueue;
  readonly broker: TopicBroker;
  readonly gateway: HttpGateway;
  readonly invokeApi: InvokeApiServer;
  private readonly buckets: BucketWatcher;
  readonly timers: TimerScheduler;
  private timerProblems: string[] = [];

  private constructor(readonly emulator: Engine, readonly logStore: LogStore, options: DaemonOptions) {
    this.queue = new AsyncQueue(join(stateDir(emulator.root), "queue"), (name, payload) => emulator.invoke(name, payload), { retryDelayMs: options.retryDelayMs });
    this.broker = new TopicBroker(() => emulator.functions(), this.queue);
    this.buckets = new BucketWatcher(emulator.root, this.queue);
    // A timer's event is queued like any asynchronous invocation: retried, dead-lettered, durable.
    this.timers = new TimerScheduler((fn, trigger, time) => {
      const event = timerEvent(fn.dialect, { triggerName: trigger.name, functionName: fn.name, region: fn.region, time, message: trigger.message, input: trigger.input });
      this.queue.enqueue(fn.name, JSON.stringify(event), `timer:${trigger.name}`).catch((error: Error) => {
        process.stderr.write(`faasbox: timer ${trigger.name} of ${fn.name} could not queue its event: ${error.message}\n`);
      });
    });
    this.gateway = new HttpGateway(
      {
        functions: () => emulator.functions(),
        invoke: (name, event) => emulator.invoke(name, event),
        publish: (topic, messages) => this.broker.publish(topic, messages),
      },
      { port: options.httpPort ?? 3000, host: options.controlHost, portFallback: options.portFallback?.http },
    );
    this.invokeApi = new InvokeApiServer(emulatorTarget(emulator, this.queue), { port: options.invokePort ?? 3001, host: options.controlHost, portFallback: options.portFallback?.invoke });
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
    const emulator = await Engine.create(options);
    const logStore = new LogStore(stateDir(emulator.root), (options.logCapMb ?? DEFAULT_LOG_CAP_MB) * 1024 * 1024);
    const daemon = new Daemon(emulator, logStore, options);
    emulator.logBus.subscribe((record) => logStore.append(record));
    emulator.on("invoked", (result) => {
      daemon.metricsCollector.record(result);
      daemon.lastFailure.set(result.function, result.errorKind);
      if (result.errorKind === "throttle") daemon.lastThrottleAt.set(result.function, Date.now());
    });
    emulator.on("pool", (name, snapshot) => daemon.metricsCollector.concurrency(name, snapshot.busy));
    daemon.control = new ControlServer({
      host: options.controlHost ?? "127.0.0.1",
      port: options.controlPort ?? 0,
      token: daemon.token,
      onConnection: (socket) => new ControlSession(jsonRpcOverWebSocket(socket), socket, daemon),
    });
    try {
      await daemon.control.listen();
      const gateway = await daemon.gateway.listen();
      if (gateway.busyPort) emulator.warnings.push(`port ${gateway.busyPort} is in use: the HTTP gateway listens on ${gateway.port} instead (--http-port chooses)`);
      daemon.invokeUrl = await daemon.invokeApi.listen();
      if (daemon.invokeApi.busyPort) emulator.warnings.push(`port ${daemon.invokeApi.busyPort} is in use: the Lambda Invoke API listens on ${daemon.invokeUrl} instead (--invoke-port chooses)`);
    } catch (error) {
      await daemon.shutdown("start failed");
      throw error;
    }
    const updateTriggers = () => {
      daemon.gateway.refresh();
      daemon.buckets.update(emulator.functions());
      daemon.timerProblems = daemon.timers.update(emulator.functions()).problems;
      emulator.warnings.push(...daemon.timerProblems);
    };
    updateTriggers();
    emulator.on("reloaded", updateTriggers);
    const recovered = daemon.queue.start();
    if (recovered) emulator.warnings.push(`delivering ${recovered} asynchronous event(s) left pending by an earlier run`);
    writeConnectionInfo({
      pid: process.pid, root: emulator.root, controlUrl: daemon.control.url, token: daemon.token,
      httpUrl: daemon.gateway.url, invokeUrl: daemon.invokeUrl, version: FAASBOX_VERSION, startedAt: emulator.startedAt,
    });
    return daemon;
  }

  /** Base URL of the Lambda-compatible Invoke API (`aws lambda invoke --endpoint-url`). */
  invokeUrl?: string;

  get controlUrl(): string {
    return this.control.url;
  }

  invoke(name: string, event: unknown): Promise<InvokeResult> {
    return this.emulator.invoke(name, event);
  }

  onEmulator<K extends keyof EngineEvents>(event: K, listener: (...args: EngineEvents[K]) => void): () => void {
    this.emulator.on(event, listener as never);
    return () => this.emulator.off(event, listener as never);
  }

  onShutdown(listener: (reason: string) => void): () => void {
    this.shutdownListeners.add(listener);
    return () => this.shutdownListeners.delete(listener);
  }

  functionState(name: string): FunctionState {
    const pool = this.emulator.poolSnapshot(name);
    if (!pool) return "stopped";
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
    const functions: FunctionInfo[] = this.emulator.functions().map((spec) => ({
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
      pool: this.emulator.poolSnapshot(spec.name) ?? { starting: 0, idle: 0, busy: 0, stopping: 0, queued: 0 },
      source: spec.source,
      isolated: this.emulator.executor.isolated,
    }));
    return { functions, problems: this.emulator.problems.map((p) => p.message) };
  }

  metrics(name?: string): MetricsResult {
    const names = name ? [name] : this.emulator.functions().map((f) => f.name);
    return { functions: this.metricsCollector.get(names) };
  }

  costEstimate(name?: string, provider?: Provider): { functions: FunctionCost[] } {
    const overrides = readUserConfig().pricing ?? {};
    const specs = this.emulator.functions().filter((f) => !name || f.name === name);
    return {
      functions: specs.map((spec) => {
        const chosen = provider ?? spec.dialect;
        const prices: PriceTable = { ...DEFAULT_PRICES[chosen], ...overrides[chosen], provider: chosen };
        return estimateCost(spec.name, this.metricsCollector.samplesOf(spec.name), prices, Date.now(), this.emulator.startedAt);
      }),
    };
  }

  triggers(): TriggersListResult {
    return {
      routes: this.gateway.routes(),
      timers: this.timers.list(),
      topics: this.broker.names(),
      buckets: [...new Set(this.emulator.functions().flatMap((f) => f.triggers.flatMap((t) => (t.kind === "storage" ? [t.bucket] : []))))]
        .map((bucket) => ({ bucket, folder: bucketFolder(this.emulator.root, bucket) })),
      problems: this.timerProblems,
    };
  }

  /** Sample events for each trigger type, in the dialect of `name` (or both dialects). */
  sampleEvents(name?: string): SampleEvent[] {
    const dialects: Dialect[] = name ? [this.emulator.getFunction(name).dialect] : ["scf", "aws"];
    return dialects.flatMap((dialect) =>
      SAMPLE_TYPES.map((type) => ({ type, dialect, description: SAMPLE_DESCRIPTIONS[type], event: sampleEvent(type, dialect) })),
    );
  }

  status(): EmulatorStatus {
    return {
      pid: process.pid,
      version: FAASBOX_VERSION,
      protocolVersion: PROTOCOL_VERSION,
      root: this.emulator.root,
      executor: this.emulator.executor.kind,
      isolated: this.emulator.executor.isolated,
      startedAt: this.emulator.startedAt,
      functions: this.emulator.functions().length,
      controlUrl: this.control.url,
      httpUrl: this.gateway.url || undefined,
      invokeUrl: this.invokeUrl,
    };
  }

  /** Stops everything this daemon started; safe to call more than once. */
  shutdown(reason = "shutdown"): Promise<void> {
    this.stopping ??= (async () => {
      for (const listener of this.shutdownListeners) listener(reason);
      removeConnectionInfo(this.emulator.root);
      // Stop taking work first; what is queued stays on disk for the next start.
      await this.gateway.close();
      await this.invokeApi.close();
      this.buckets.close();
      this.timers.stop();
      this.queue.stop();
      await this.emulator.shutdown();
      await this.logStore.close();
      await this.control.close();
    })();
    return this.stopping;
  }

  get stopped(): Promise<void> | undefined {
    return this.stopping;
  }
}
