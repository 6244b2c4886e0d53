import { inspectorPath, maskInspectorPath } from "../debug/inspectorAddress";
import { OutputLines } from "../logs/outputLines";
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { billedDurationMs } from "../invoke/billing";
import { platformErrors, type Failure } from "../invoke/functionError";
import type { FunctionError, InstanceState, LogRecord, LogStream } from "../../protocol";
import { LABELS } from "../docker/labels";
import type { ChosenImage, ExitInfo, Executor, ImageRequest, LaunchedInstance } from "../executors/executor";
import type { LogBus } from "../logs/logBus";
import { platformLines } from "../logs/platformLines";
import { WEB_PORT, type FunctionSpec } from "../../project/spec";
import type { Invocation } from "./invocation";
import type { InstanceEvents } from "./instance";
import { AGENT_API_HOST, AGENT_API_PORT } from "../agent/agentChannel";
import { debugEnv, runtimeEnv, type DebugListen } from "./runtimeEnv";
import { BOOTSTRAP_NAME, bootstrapProblem, bootstrapText } from "./webBootstrap";
import { listeningAddresses, loopbackOnly } from "./webListeners";
import { isProvided, VAR_LANG_PATHS, varLangNotices, varLangPathsIn } from "./varLang";
import { webDebugEnv } from "./webDebug";

/** How often the instance's port 9000 is tried while its server starts. */
const PROBE_INTERVAL_MS = 50;
const OUTPUT_TAIL_LINES = 20;
const INIT_LOG_LINES = 1000;
/** As Instance: a server's last lines of a request may come a few milliseconds after its response. */
const OUTPUT_QUIET_MS = 10;
const OUTPUT_DRAIN_MAX_MS = 100;
/** Waiting for a person at a breakpoint is not an init failure. */
const DEBUG_INIT_LIMIT_MS = 30 * 60_000;
const DEBUG_LISTENING = /^(Debugger listening on ws:\/\/|faasbox: debugpy listening on )/;

export interface WebInstanceEvents extends InstanceEvents {
  /** A request ended and the instance may take another while others still run (per-instance concurrency). */
  capacity: [];
}

interface InFlight {
  invocation: Invocation;
  deliveredAt: number;
  cold: boolean;
  timer?: NodeJS.Timeout;
  logs: LogRecord[];
  done?: boolean;
}

/**
 * One instance of an SCF Web function: the agent runs its scf_bootstrap, which starts the user's
 * own web server; the instance is ready once port 9000 accepts inside it (reached through the
 * agent's channel), and each request is passed through to that port as it was sent. It serves
 * one request at a time, or as many as the function's per-instance concurrency; timeouts,
 * memory, START/END/REPORT and the states are those of event functions (see Instance).
 */
export class WebInstance extends EventEmitter<WebInstanceEvents> {
  readonly id = randomBytes(6).toString("hex");
  state: InstanceState = "starting";
  readonly createdAt = Date.now();
  lastUsedAt = Date.now();
  invocationCount = 0;
  initMs?: number;

  private launched?: LaunchedInstance;
  private launching?: Promise<LaunchedInstance>;
  private launchStartedAt = 0;
  private ready = false;
  /** Assigned, not yet delivered (the server is not listening yet). */
  private readonly assigned: Array<{ invocation: Invocation; cold: boolean }> = [];
  private readonly inFlight = new Set<InFlight>();
  private initError?: FunctionError;
  private initTimer?: NodeJS.Timeout;
  private readonly outputLines = new OutputLines((stream, line) => this.rawLine(stream, line));
  private initLogs?: LogRecord[] = [];
  private lastRawOutputAt = 0;
  private readonly outputTail: string[] = [];
  private notices: string[] = [];
  private debugExitStatus?: number;
  /** Node's inspector's WebSocket path ("/UUID"), read off its stderr (see debug/inspectorAddress.ts). */
  debugWebSocketPath?: string;

  constructor(
    readonly spec: FunctionSpec,
    private readonly executor: Executor,
    private readonly image: ImageRequest,
    private readonly logBus: LogBus,
    private readonly labels: Record<string, string>,
    readonly debug?: DebugListen,
    private readonly credentials: Record<string, string> = {},
  ) {
    super();
  }

  private get concurrency(): number {
    return this.spec.web?.instanceConcurrency ?? 1;
  }

  private get load(): number {
    return this.assigned.length + this.inFlight.size;
  }

  get isAvailable(): boolean {
    if (this.load >= this.concurrency) return false;
    // One request per instance: only an idle one. With more, a starting or busy one takes them too, as SCF fills an instance first.
    return this.concurrency === 1 ? this.state === "idle" : this.state === "idle" || this.state === "busy" || this.state === "starting";
  }

  get hasWork(): boolean {
    return this.load > 0;
  }

  get agentChannel() {
    return this.launched?.channel;
  }

  get startupError(): FunctionError | undefined {
    return this.initError;
  }

  async start(): Promise<void> {
    const refusal = this.executorRefusal();
    if (refusal) return this.failLaunch(refusal);
    const codeRoot = this.executor.codeRootFor(this.spec);
    const chosen = await this.chooseImage();
    if (!chosen) return;
    const problem = bootstrapProblem(this.spec.codeDir);
    if (problem) {
      this.initError = { errorType: "ContainerStateExited", errorMessage: problem };
      this.publish("system", `faasbox: ${problem}`, this.assigned[0]?.invocation.requestId);
      return this.failAndStop({ kind: "init", error: this.initError });
    }
    this.notices = [...chosen.notices, ...varLangNotices(bootstrapText(this.spec.codeDir), chosen.version ? { [this.spec.family === "python" ? "python" : "node"]: chosen.version } : {})];
    const apiPort = await (this.executor.agentApiPort?.() ?? Promise.resolve(AGENT_API_PORT));
    const base = runtimeEnv({
      spec: this.spec, codeRoot, apiHost: AGENT_API_HOST, apiPort, instanceId: this.id, layerRoot: await this.executor.layerRootFor?.(this.spec),
      credentials: this.credentials, runtimeDir: this.executor.runtimeDirFor?.(this.spec),
    });
    const env = {
      ...base,
      ...debugEnv(this.debug),
      ...webDebugEnv(this.spec, this.debug, this.executor.shimRoot, base),
      FAASBOX_AGENT_API_PORT: String(apiPort),
    };
    // Stopped while it was being prepared (stop() settled everything then): launch nothing, and arm
    // no init timer, which nothing would clear (a debug instance's, 30 minutes, kept a process alive).
    if (this.isEnding()) return;
    this.launchStartedAt = performance.now();
    this.initTimer = setTimeout(() => this.onInitTimeout(), this.initLimitMs);
    this.launching = this.executor.launch({
      instanceId: this.id,
      spec: this.spec,
      image: chosen.image,
      platform: chosen.platform,
      env,
      command: [`${codeRoot}/${BOOTSTRAP_NAME}`],
      codeRoot,
      labels: { ...this.labels, [LABELS.function]: this.spec.name, [LABELS.instance]: this.id },
      debugpyDir: this.debug?.debugpyDir,
      onOutput: (stream, chunk) => this.onRawOutput(stream, chunk),
      agent: true,
      // Nothing in a web function speaks the Runtime API: a connection to it is closed.
      onRuntimeConnection: (connection) => connection.destroy(),
      ownNetwork: true,
    });
    try {
      this.launched = await this.launching;
    } catch (error) {
      this.failAndStop({ kind: "platform", error: { errorType: "Faasbox.LaunchFailed", errorMessage: (error as Error).message } });
      throw error;
    }
    void this.launched.exited.then((info) => this.onExit(info));
    if (this.state === "stopping" || this.state === "stopped") {
      await this.launched.kill();
      return;
    }
    void this.waitForServer();
  }

  /**
   * Web functions run under the agent only (it reaches port 9000 inside the instance), each in a
   * network of its own: the process executor runs functions on this machine, where every
   * instance would need this machine's one port 9000 and SCF's /var/lang paths, so it refuses them.
   */
  private executorRefusal(): string | undefined {
    if (this.executor.kind === "process") {
      return `${this.spec.name} is an SCF web function: it runs in Docker only (each instance's server listens on its own port 9000, and scf_bootstrap calls /var/lang/... interpreters); start Faasbox with a Docker engine`;
    }
    if (!this.executor.agent) return `${this.spec.name} is an SCF web function: it runs under the Faasbox agent only; unset FAASBOX_AGENT=0`;
    return undefined;
  }

  private async chooseImage(): Promise<ChosenImage | undefined> {
    try {
      const chosen = this.executor.chooseImage
        ? await this.executor.chooseImage(this.image, (line) => this.publish("system", line, undefined))
        : { image: this.image.candidates[0]?.image ?? "", notices: [] };
      await this.executor.prepare?.(this.spec, (line) => this.publish("system", line, undefined), chosen.image);
      return chosen;
    } catch (error) {
      this.failLaunch((error as Error).message);
      return undefined;
    }
  }

  private failLaunch(message: string): void {
    this.failAndStop({ kind: "platform", error: { errorType: "Faasbox.LaunchFailed", errorMessage: message } });
  }

  /** Tries port 9000 until it accepts (then checks it is not loopback only), the instance exits, or the init limit passes. */
  private async waitForServer(): Promise<void> {
    const channel = this.launched?.channel;
    if (!channel) return this.failLaunch("the instance has no agent channel to reach its port 9000");
    while (!this.ready && this.state === "starting") {
      const connected = await channel.connect(WEB_PORT).then((stream) => {
        stream.destroy();
        return true;
      }, () => false);
      if (this.isEnding()) return;
      if (connected) {
        const refusal = await this.loopbackRefusal();
        if (refusal) {
          this.initError = { errorType: "ContainerStateExited", errorMessage: refusal };
          this.publish("system", `faasbox: ${refusal}`, this.assigned[0]?.invocation.requestId);
          return this.failAndStop({ kind: "init", error: this.initError });
        }
        return this.onReady();
      }
      await new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS));
    }
  }

  /**
   * SCF's proxy reaches the server from outside its loopback: a server on 127.0.0.1 only is never
   * reached there ("不可以使用内部回环地址 127.0.0.1", https://cloud.tencent.com/document/product/583/56126).
   * The agent connects on the instance's own loopback, so the kernel's socket table tells.
   */
  private async loopbackRefusal(): Promise<string | undefined> {
    const tables = await this.launched?.exec?.(["cat", "/proc/net/tcp", "/proc/net/tcp6"]).catch(() => undefined);
    if (tables === undefined) return undefined;
    const addresses = listeningAddresses(tables, WEB_PORT);
    if (!loopbackOnly(addresses)) return undefined;
    return `the web server listens on ${addresses.join(" and ")}:${WEB_PORT} only: SCF forbids the loopback address, so its gateway never reaches it; ` +
      `listen on 0.0.0.0:${WEB_PORT} (Express: app.listen(9000, "0.0.0.0"); Flask: app.run(host="0.0.0.0", port=9000))`;
  }

  /** Read through a method: the state changes while a probe is awaited. */
  private isEnding(): boolean {
    return this.state === "stopping" || this.state === "stopped";
  }

  private async onReady(): Promise<void> {
    if (this.ready) return;
    clearTimeout(this.initTimer);
    this.initMs = performance.now() - this.launchStartedAt;
    // The init phase's CPU burst ends before the first request is given (see Instance.endInitPhase).
    await this.launched?.initDone?.();
    if (this.isEnding()) return;
    this.ready = true;
    if (this.state === "starting") this.setState(this.assigned.length ? "busy" : "idle");
    this.deliverAssigned();
  }

  assign(invocation: Invocation): void {
    if (this.load >= this.concurrency || this.state === "stopping" || this.state === "stopped") {
      throw new Error(`instance ${this.id} cannot take an invocation while ${this.state} with ${this.load} of ${this.concurrency}`);
    }
    this.assigned.push({ invocation, cold: this.state === "starting" });
    if (this.state === "idle") this.setState("busy");
    this.deliverAssigned();
  }

  private deliverAssigned(): void {
    if (!this.ready) return;
    for (let next = this.assigned.shift(); next; next = this.assigned.shift()) this.deliver(next.invocation, next.cold);
  }

  private deliver(invocation: Invocation, cold: boolean): void {
    const channel = this.launched?.channel;
    const exchange = invocation.web;
    this.invocationCount++;
    const inFlight: InFlight = { invocation, deliveredAt: performance.now(), cold, logs: [] };
    this.inFlight.add(inFlight);
    if (!this.debug) inFlight.timer = setTimeout(() => this.onTimeout(inFlight), this.spec.timeoutSec * 1000);
    if (this.initLogs) {
      if (invocation.keepLogs) inFlight.logs.push(...this.initLogs);
      this.initLogs = undefined;
    }
    this.publish("system", platformLines.start(this.spec.dialect, invocation.requestId), invocation.requestId, inFlight);
    if (this.invocationCount === 1) for (const notice of this.notices) this.publish("system", notice, invocation.requestId, inFlight);
    if (!channel || !exchange) {
      this.finish(inFlight, { kind: "platform", error: { errorType: "Faasbox.NotAWebRequest", errorMessage: `${this.spec.name} is a web function: it answers HTTP requests through the gateway only, not events` } });
      return;
    }
    exchange.run(() => channel.connect(WEB_PORT), invocation.requestId).then(
      () => this.finishAfterOutput(inFlight),
      (error: Error) => {
        if (inFlight.done) return;
        const failure: Failure = { kind: "function", error: { errorType: "WebServerError", errorMessage: `the web server broke the request: ${error.message}` } };
        this.publish("system", `faasbox: ${failure.error.errorMessage}`, invocation.requestId, inFlight);
        this.finishAfterOutput(inFlight, failure);
      },
    );
  }

  /** What the server prints as it ends a request belongs to it (one request in flight): wait for its output to go quiet. */
  private finishAfterOutput(inFlight: InFlight, failure?: Failure): void {
    const answeredAt = performance.now();
    const endedAt = answeredAt;
    void (async () => {
      const deadline = answeredAt + OUTPUT_DRAIN_MAX_MS;
      for (;;) {
        const now = performance.now();
        const quietSince = Math.max(this.lastRawOutputAt, answeredAt);
        if (now - quietSince >= OUTPUT_QUIET_MS || now >= deadline) break;
        await new Promise((resolve) => setTimeout(resolve, Math.min(quietSince + OUTPUT_QUIET_MS, deadline) - now));
      }
      const bytes = await this.launched?.channel?.peakMemoryBytes().catch(() => undefined);
      this.finish(inFlight, failure, bytes === undefined ? undefined : Math.ceil(bytes / 1024), undefined, endedAt);
    })();
  }

  private finish(inFlight: InFlight, failure?: Failure, memoryKb?: number, status?: string, endedAt = performance.now()): void {
    if (inFlight.done) return;
    inFlight.done = true;
    clearTimeout(inFlight.timer);
    this.inFlight.delete(inFlight);
    this.lastUsedAt = Date.now();
    const measuredMs = endedAt - inFlight.deliveredAt;
    const durationMs = status === "timeout" ? Math.max(measuredMs, this.spec.timeoutSec * 1000) : measuredMs;
    const { requestId } = inFlight.invocation;
    const maxUsedMb = memoryKb === undefined ? undefined : Math.ceil(memoryKb / 1024);
    const initMs = inFlight.cold ? this.initMs : undefined;
    this.publish("system", platformLines.end(this.spec.dialect, requestId), requestId, inFlight);
    this.publish("system", platformLines.report(this.spec.dialect, {
      requestId, durationMs, billedMs: billedDurationMs(this.spec.dialect, durationMs), memoryMb: this.spec.memoryMb, maxUsedMb, initMs, status,
    }), requestId, inFlight);
    if (failure) inFlight.invocation.web?.abort(failure);
    inFlight.invocation.settle({
      requestId, instanceId: this.id, payload: failure ? undefined : Buffer.alloc(0), failure, cold: inFlight.cold, initMs, durationMs,
      queuedMs: inFlight.deliveredAt - inFlight.invocation.enqueuedAt - (initMs ?? 0), maxUsedMb, logs: inFlight.logs,
    });
    if (this.state === "busy" && this.load === 0) this.setState("idle");
    else if (this.state === "busy" && this.load < this.concurrency) this.emit("capacity");
  }

  /** The request is cut with SCF's timeout, and the instance replaced: its state is unknown (as Instance does). */
  private onTimeout(inFlight: InFlight): void {
    const failure = platformErrors.timeout(this.spec.dialect, inFlight.invocation.requestId, this.spec.timeoutSec);
    this.publish("system", failure.error.errorMessage, inFlight.invocation.requestId, inFlight);
    this.setState("stopping");
    this.finish(inFlight, failure, undefined, "timeout");
    void this.stop();
  }

  private onInitTimeout(): void {
    if (this.ready) return;
    const limit = this.initLimitMs / 1000;
    this.initError = {
      errorType: "Runtime.InitTimeout",
      errorMessage: this.debug
        ? `the debugger never continued into the server within ${limit / 60} minutes${this.tailHint()}`
        : `${BOOTSTRAP_NAME} did not start a server listening on port ${WEB_PORT} within the init timeout of ${limit} s (initTimeout)${this.tailHint()}`,
    };
    this.publish("system", `faasbox: ${this.initError.errorMessage}`, this.assigned[0]?.invocation.requestId);
    this.failAndStop({ kind: "init", error: this.initError });
  }

  async stop(): Promise<void> {
    if (this.state === "stopped") return;
    if (this.state !== "stopping") this.setState("stopping");
    clearTimeout(this.initTimer);
    const launched = this.launched ?? (await this.launching?.catch(() => undefined));
    await launched?.kill();
    if (!launched) {
      this.failAssigned({ kind: "platform", error: { errorType: "Faasbox.InstanceStopped", errorMessage: "the instance was stopped before its server started" } });
      this.setState("stopped");
    }
  }

  private onExit(exit: ExitInfo): void {
    const info = this.debugExitStatus === undefined ? exit : { ...exit, exitCode: this.debugExitStatus, signal: undefined };
    clearTimeout(this.initTimer);
    this.outputLines.flush();
    if (this.state !== "stopped") this.setState("stopping");
    for (const inFlight of [...this.inFlight]) {
      const { requestId } = inFlight.invocation;
      const failure = info.oomKilled
        ? platformErrors.outOfMemory(this.spec.dialect, requestId, this.spec.memoryMb)
        : platformErrors.exited(this.spec.dialect, requestId, info.exitCode, info.signal);
      this.publish("system", failure.error.errorMessage, requestId, inFlight);
      this.finish(inFlight, failure, this.spec.memoryMb * 1024, info.oomKilled ? "error (out of memory)" : "error");
    }
    if (this.ready) {
      // Ready, then gone before these reached it: another instance runs them.
      for (let next = this.assigned.shift(); next; next = this.assigned.shift()) this.emit("undelivered", next.invocation);
    } else {
      const how = info.signal ? `signal ${info.signal}` : `exit status ${info.exitCode}`;
      this.failAssigned({
        kind: "init",
        error: this.initError ?? { errorType: "ContainerStateExited", errorMessage: `${BOOTSTRAP_NAME} exited before its server listened on port ${WEB_PORT} (${how})${this.exitHint(info)}${this.tailHint()}` },
      });
    }
    this.setState("stopped");
  }

  /** Exit status 127 is the shell's "command not found": most often an interpreter path the image lacks. */
  private exitHint(info: ExitInfo): string {
    if (info.exitCode !== 127 && info.exitCode !== 126) return "";
    const paths = varLangPathsIn(bootstrapText(this.spec.codeDir));
    const unknown = paths.filter((path) => !isProvided(path));
    if (unknown.length) return `; it runs ${unknown.join(", ")}, not one of SCF's standard paths (标准语言环境绝对路径): use one of ${[...VAR_LANG_PATHS.node, ...VAR_LANG_PATHS.python].join(", ")}`;
    return paths.length
      ? `; it runs ${paths.join(", ")}: check each is one of SCF's standard paths (标准语言环境绝对路径) for the function's runtime`
      : "; a command it runs was not found or could not be executed";
  }

  private failAndStop(failure: Failure): void {
    this.failAssigned(failure);
    void this.stop();
  }

  private failAssigned(failure: Failure): void {
    for (let next = this.assigned.shift(); next; next = this.assigned.shift()) {
      next.invocation.web?.abort(failure);
      next.invocation.settle({
        requestId: next.invocation.requestId, instanceId: this.id, failure, cold: next.cold, durationMs: 0,
        queuedMs: performance.now() - next.invocation.enqueuedAt, logs: next.invocation.keepLogs ? [...(this.initLogs ?? [])] : [],
      });
    }
  }

  private setState(state: InstanceState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit("state", state);
  }

  private get initLimitMs(): number {
    return this.debug ? DEBUG_INIT_LIMIT_MS : (this.spec.web?.initTimeoutSec ?? 60) * 1000;
  }

  private tailHint(): string {
    return this.outputTail.length ? `; last output:\n${this.outputTail.join("\n")}` : "";
  }

  private onRawOutput(stream: "stdout" | "stderr", chunk: Buffer): void {
    this.lastRawOutputAt = performance.now();
    this.outputLines.push(stream, chunk);
  }

  /**
   * The server's lines belong to the request in flight when there is one; with several at once
   * (per-instance concurrency) nothing tells which printed it, so they are the instance's.
   */
  private rawLine(stream: "stdout" | "stderr", raw: string): void {
    if (this.debug) this.onDebugLine(raw);
    this.emit("rawLine", raw);
    const line = this.debug ? maskInspectorPath(raw) : raw;
    this.outputTail.push(line);
    if (this.outputTail.length > OUTPUT_TAIL_LINES) this.outputTail.shift();
    const only = this.inFlight.size === 1 ? [...this.inFlight][0] : undefined;
    this.publish(stream, line, only?.invocation.requestId, only);
  }

  private onDebugLine(line: string): void {
    this.debugWebSocketPath ??= inspectorPath(line);
    if (DEBUG_LISTENING.test(line)) this.emit("debugReady");
    const exiting = /^faasbox: process exiting with status (\d+)/.exec(line);
    if (exiting) this.debugExitStatus = Number(exiting[1]);
    if (/Waiting for the debugger to disconnect/.test(line)) void this.launched?.kill();
  }

  private publish(stream: LogStream, text: string, requestId: string | undefined, inFlight?: InFlight, time = Date.now()): void {
    const record: LogRecord = { function: this.spec.name, requestId, stream, time, text, instanceId: this.id };
    if (requestId !== undefined && inFlight?.invocation.keepLogs) inFlight.logs.push(record);
    if (requestId === undefined && stream !== "system" && this.initLogs && this.initLogs.length < INIT_LOG_LINES) this.initLogs.push(record);
    this.logBus.publish(record);
  }
}
