import { resolve } from "node:path";
import { EventEmitter } from "node:events";
import { LABELS, newSessionId } from "./docker/labels";
import { createExecutor, type ExecutorChoice } from "./executors/createExecutor";
import type { DockerNetwork } from "./executors/dockerExecutor";
import type { Executor } from "./executors/executor";
import { billedDurationMs } from "./invoke/billing";
import { toInvokeResult, type InvocationReport } from "./invoke/invocationReport";
import { LogBus } from "./logs/logBus";
import { FunctionPool, type PoolDeps } from "./pool/functionPool";
import { Standbys, standbyOptions, type StandbyOptions } from "./pool/standbys";
import type { InstanceInfo, InvokeResult, PoolSnapshot } from "../protocol";
import type { ManifestError, ManifestWarning } from "../project/errors";
import { loadProject, type LocalDefaults, type ManifestOptions } from "../project/loadProject";
import type { FunctionSpec, ProjectSpec, UnservedRoute } from "../project/spec";
import { ProjectWatcher } from "../project/projectWatcher";
import { Invocation, type InvocationOutcome, type WebExchange } from "./runtime/invocation";
import { DebugSessions } from "./debug/debugSessions";
import { NO_CREDENTIALS, resolveFunctionCredentials, type CredentialOptions, type FunctionCredentials } from "../credentials/functionCredentials";
import { imageRequestFor } from "./runtime/imageRequest";
import type { ResponseStreamListener } from "./runtime/streamedResponse";

export interface EngineOptions {
  root: string;
  executor?: ExecutorChoice;
  network?: DockerNetwork;
  /** Run instances under the in-container agent (default: in containers unless FAASBOX_AGENT=0; see agentWanted). */
  agent?: boolean;
  /** The Docker engine to run containers on (`unix:///path/docker.sock` or `tcp://host:port`, with the TLS variables as `docker -H`); default: as the docker CLI chooses (see core/docker/engineTarget.ts). */
  dockerHost?: string;
  /** Hot reload on code and manifest changes (default true). */
  watch?: boolean;
  /** The user's defaults for functions faasbox.yml does not configure. */
  localDefaults?: LocalDefaults;
  /** The command line's settings for the manifests (`--stage`, `--parameter-overrides`...). */
  manifest?: ManifestOptions;
  /** Which of the user's cloud credentials functions get (`--profile`, `--no-credentials`). */
  credentials?: CredentialOptions;
  /** Standby instances of recently used functions (default: on unless FAASBOX_STANDBY=0; see pool/standbys.ts). */
  standby?: StandbyOptions;
}

export interface EngineEvents {
  /** An instance was created, changed state or stopped. */
  instance: [InstanceInfo];
  /** A function's pool numbers changed. */
  pool: [string, PoolSnapshot];
  /** A debug session of the named function began or ended. */
  debugging: [string];
  /** Functions were reloaded (manifest or code change); names of the functions affected. */
  reloaded: [string[]];
  /** Something the user should read once: a fallback, a manifest problem. */
  warning: [string];
  /** Every finished invocation, for metrics. */
  invoked: [InvocationReport];
  /** The images of the named functions were chosen (runtimeOf knows what they run). */
  runtimesResolved: [string[]];
}

/** The image a function runs on here and what differs from what it declares. */
export interface RuntimeFact {
  image?: string;
  version?: string;
  notices: string[];
}

export interface InvokeOptions {
  /** The caller's request id (a UUID when absent): the runtime, the log lines and the result carry it. */
  requestId?: string;
  clientContext?: string;
  /** Keep the request's log lines in the report (the CLI, the editor, the Invoke API's Tail); others read the log bus. */
  keepLogs?: boolean;
  /**
   * Takes a streamed response (Lambda's response streaming) chunk by chunk as it arrives; the
   * report then carries no payload. Without it a streamed response comes whole in the report.
   */
  stream?: ResponseStreamListener;
  /** A web function's request, passed through to its server (the event is then empty). */
  web?: WebExchange;
  /** What brought the event ("database:shop"): carried by the report, so the request log can say it. */
  source?: string;
}

/** The emulator: a project's functions, their pools and the logs they print. */
export class Engine extends EventEmitter<EngineEvents> {
  readonly logBus = new LogBus();
  /** This emulator's session: labels its containers (their lifetime is the lease, see lease.sh). */
  readonly id = newSessionId();
  project!: ProjectSpec;
  problems: ManifestError[] = [];
  /** What loads but differs from the cloud, at FILE:LINE (see LoadResult.warnings). */
  manifestWarnings: ManifestWarning[] = [];
  readonly startedAt = Date.now();
  private readonly pools = new Map<string, FunctionPool>();
  private readonly standbys: Standbys;
  readonly debugSessions: DebugSessions;
  private watcher?: ProjectWatcher;
  /** What each function's image runs, once chosen (resolveRuntimes). */
  private readonly runtimes = new Map<string, RuntimeFact>();
  private shuttingDown?: Promise<void>;
  /** The user's cloud credentials, resolved once at start and given to every function of their cloud. */
  credentials: FunctionCredentials = NO_CREDENTIALS;

  private constructor(
    readonly root: string,
    readonly executor: Executor,
    readonly warnings: string[],
    private readonly localDefaults: LocalDefaults = {},
    private readonly manifest: ManifestOptions = {},
    standby: StandbyOptions = {},
  ) {
    super();
    const standbyChoice = standbyOptions(standby);
    this.standbys = new Standbys(standbyChoice, () => this.pools.values());
    this.debugSessions = new DebugSessions({
      // Spares are the debugger's standby instances: on and off with them.
      spares: standbyChoice.enabled,
      executor,
      logBus: this.logBus,
      imageFor: (spec) => imageRequestFor(spec, this.project.images),
      labels: this.labels,
      credentialsFor: (spec) => this.credentials.env[spec.dialect],
      warn: (message) => this.emit("warning", message),
      onChange: (name) => this.emit("debugging", name),
    });
  }

  private get labels(): Record<string, string> {
    return { [LABELS.managed]: "true", [LABELS.project]: this.root, [LABELS.session]: this.id };
  }

  static async create(options: EngineOptions): Promise<Engine> {
    const credentials = await resolveFunctionCredentials(options.credentials);
    const { executor, warning } = await createExecutor(options.executor ?? "auto", options.network, { dockerHost: options.dockerHost, agent: options.agent });
    const emulator = new Engine(resolve(options.root), executor, warning ? [warning] : [], options.localDefaults, options.manifest, options.standby);
    emulator.credentials = credentials;
    emulator.load();
    if (options.watch !== false) {
      emulator.watcher = new ProjectWatcher(emulator.project, {
        onManifestChange: () => emulator.reload(),
        onCodeChange: (names) => emulator.retire(names),
      });
    }
    return emulator;
  }

  functions(): FunctionSpec[] {
    return this.project.functions;
  }

  /**
   * Chooses every function's image now (pulling what is missing, `say` telling the progress), so
   * the version each runs is known before its first invocation: for the function list and tree.
   */
  async resolveRuntimes(say: (line: string) => void = () => undefined): Promise<void> {
    const chooseImage = this.executor.chooseImage?.bind(this.executor);
    if (!chooseImage) return;
    const specs = this.project.functions.filter((spec) => !spec.container);
    await Promise.all(specs.map(async (spec) => {
      try {
        const chosen = await chooseImage(imageRequestFor(spec, this.project.images), say);
        this.runtimes.set(spec.name, { image: chosen.image, version: chosen.version, notices: chosen.notices });
      } catch (error) {
        this.runtimes.set(spec.name, { notices: [`faasbox: ${spec.name}: ${(error as Error).message}`] });
      }
    }));
    this.emit("runtimesResolved", specs.map((spec) => spec.name));
  }

  /** What a function's image runs, once resolveRuntimes chose it. */
  runtimeOf(name: string): RuntimeFact | undefined {
    return this.runtimes.get(name);
  }

  /** Routes of API definitions that no function answers (see UnservedRoute). */
  unservedRoutes(): UnservedRoute[] {
    return this.project.unservedRoutes ?? [];
  }

  poolSnapshot(name: string): PoolSnapshot | undefined {
    return this.pools.get(name)?.snapshot();
  }

  instances(name?: string): InstanceInfo[] {
    return [...this.pools.values()].filter((p) => !name || p.spec.name === name).flatMap((p) => p.listInstances());
  }

  async stopInstance(id: string): Promise<boolean> {
    for (const pool of this.pools.values()) if (await pool.stopInstanceById(id)) return true;
    return false;
  }

  getFunction(name: string): FunctionSpec {
    const spec = this.project.functions.find((f) => f.name === name);
    if (!spec) {
      const known = this.project.functions.map((f) => f.name).join(", ") || "none";
      throw new Error(`no function named "${name}" in ${this.root} (functions: ${known})`);
    }
    return spec;
  }

  /**
   * Runs `name` once with `event`, the bytes its runtime receives, and reports how it went
   * with the runtime's answer as bytes: the one invoke path, for every edge.
   */
  async run(name: string, event: Buffer, options: InvokeOptions = {}): Promise<InvocationReport> {
    const spec = this.getFunction(name);
    const pool = this.pools.get(name)!;
    const invocation = new Invocation(event, options);
    // While a debug session runs for this function, its invocations stop at the breakpoints.
    const debugging = this.debugSessions.forFunction(name);
    // A debug session's calls run on its own instance: they neither take nor keep a standby.
    if (!debugging) this.standbys.used(pool);
    const outcome = await (debugging ? this.debugSessions.invoke(debugging.sessionId, invocation) : pool.invoke(invocation));
    const report = toReport(spec, outcome);
    if (debugging) report.debug = true;
    if (options.source) report.source = options.source;
    this.emit("invoked", report);
    return report;
  }

  /** `run` for callers that hold a JSON value and want one back (the CLI, the control API, tests); keeps the request's logs. */
  async invoke(name: string, event: unknown = {}, options: InvokeOptions = {}): Promise<InvokeResult> {
    return toInvokeResult(await this.run(name, Buffer.from(JSON.stringify(event ?? {})), { keepLogs: true, ...options }));
  }

  /** Re-reads the manifests; changed functions get fresh instances, removed ones stop. */
  reload(): string[] {
    const before = new Map(this.project.functions.map((f) => [f.name, JSON.stringify(f)]));
    const unservedBefore = JSON.stringify(this.unservedRoutes());
    const databasesBefore = JSON.stringify(this.project.databases ?? []);
    const warnedBefore = new Set(this.manifestWarnings.map((w) => w.message));
    this.load();
    // What the change brought to light (sources newer than their faasbox build, a dependency missing) is said as it happens.
    for (const warning of this.manifestWarnings) if (!warnedBefore.has(warning.message)) this.emit("warning", warning.message);
    const affected = this.project.functions.filter((f) => before.get(f.name) !== JSON.stringify(f)).map((f) => f.name);
    for (const name of before.keys()) if (!this.pools.has(name)) affected.push(name);
    this.watcher?.update(this.project);
    // Routes no function answers change no function, but the gateway's table must follow them.
    // Nor do `databases:` sources (faasbox.yml): the daemon's database triggers follow them.
    const databasesChanged = JSON.stringify(this.project.databases ?? []) !== databasesBefore;
    if (affected.length || databasesChanged || JSON.stringify(this.unservedRoutes()) !== unservedBefore) this.emit("reloaded", affected);
    // A changed runtime may run on another image: known again before its next invocation (pulls are cached).
    if (affected.length && this.runtimes.size) void this.resolveRuntimes();
    return affected;
  }

  async shutdown(): Promise<void> {
    this.shuttingDown ??= (async () => {
      this.watcher?.close();
      this.standbys.close();
      await this.debugSessions.stopAll();
      await Promise.all([...this.pools.values()].map((pool) => pool.close()));
      await this.executor.close();
    })();
    return this.shuttingDown;
  }

  private retire(names: string[]): void {
    for (const name of names) {
      this.pools.get(name)?.retire();
      const spec = this.project.functions.find((f) => f.name === name);
      if (spec) this.debugSessions.functionChanged(spec);
    }
    this.emit("reloaded", names);
  }

  private load(): void {
    const { project, problems, warnings } = loadProject(this.root, { ...this.manifest, localDefaults: this.localDefaults });
    this.project = project;
    this.problems = problems;
    this.manifestWarnings = warnings;
    for (const problem of problems) this.emit("warning", problem.message);
    const seen = new Set<string>();
    for (const spec of project.functions) {
      seen.add(spec.name);
      const deps: PoolDeps = {
        executor: this.executor,
        image: imageRequestFor(spec, project.images),
        logBus: this.logBus,
        labels: this.labels,
        credentials: this.credentials.env[spec.dialect],
      };
      const existing = this.pools.get(spec.name);
      if (existing) {
        if (JSON.stringify(existing.spec) !== JSON.stringify(spec)) {
          existing.retire(spec, deps);
          this.standbys.changed(existing);
          this.debugSessions.functionChanged(spec);
        }
        continue;
      }
      const pool = new FunctionPool(spec, deps);
      pool.on("instance", (info) => this.emit("instance", info));
      pool.on("changed", (snapshot) => this.emit("pool", spec.name, snapshot));
      this.pools.set(spec.name, pool);
    }
    for (const [name, pool] of this.pools) {
      if (!seen.has(name)) {
        this.pools.delete(name);
        this.standbys.forget(name);
        this.debugSessions.functionRemoved(name);
        void pool.close();
      }
    }
  }
}

function toReport(spec: FunctionSpec, outcome: InvocationOutcome): InvocationReport {
  const report: InvocationReport = {
    requestId: outcome.requestId,
    function: spec.name,
    ok: !outcome.failure,
    logs: outcome.logs,
    timings: {
      durationMs: outcome.durationMs,
      billedMs: outcome.failure?.kind === "throttle" ? 0 : billedDurationMs(spec.dialect, outcome.durationMs),
      initMs: outcome.initMs,
      cold: outcome.cold,
      queuedMs: Math.max(0, outcome.queuedMs),
    },
    memory: { sizeMb: spec.memoryMb, maxUsedMb: outcome.maxUsedMb },
    instanceId: outcome.instanceId,
  };
  if (outcome.streamed) {
    report.streamedBytes = outcome.streamed.bytes;
    report.streamContentType = outcome.streamed.contentType;
  }
  if (outcome.failure) {
    report.error = outcome.failure.error;
    report.errorKind = outcome.failure.kind;
  } else {
    report.payload = outcome.payload;
  }
  return report;
}
