import { inspectorPath, maskInspectorPath } from "../debug/inspectorAddress";
import { OutputLines } from "../logs/outputLines";
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import type { ServerResponse } from "node:http";
import { billedDurationMs } from "../invoke/billing";
import { platformErrors, type Failure } from "../invoke/functionError";
import type { FunctionError, InstanceState, LogRecord, LogStream } from "../../protocol";
import { LABELS } from "../docker/labels";
import type { ChosenImage, ExitInfo, Executor, ImageRequest, LaunchedInstance } from "../executors/executor";
import type { LogBus } from "../logs/logBus";
import { platformLines } from "../logs/platformLines";
import type { FunctionSpec } from "../../project/spec";
import { findJavaArtifact } from "./javaArtifact";
import { javaCdsDir, planJavaCds, type JavaCdsPlan } from "./javaCds";
import type { Invocation } from "./invocation";
import { MAX_RESPONSE_BYTES, MAX_STREAMED_RESPONSE_BYTES, RuntimeApiServer, type RuntimeResult, type ShimLogLine, type StreamedFacts, type StreamReceiver } from "./runtimeApiServer";
import { StreamedResponse } from "./streamedResponse";
import { clientContextHeader } from "./clientContext";
import { AGENT_API_HOST, AGENT_API_PORT, type AgentChannel } from "../agent/agentChannel";
import { debugEnv, functionArn, runtimeCommand, runtimeEnv, type DebugListen } from "./runtimeEnv";
import { missingModuleHint } from "./missingModuleHint";
import { unpackCode } from "./codeArchive";

/**
 * How long after a delivery a sandbox killed from outside still counts as never having read
 * it: the agent's channel ends a few milliseconds after `docker kill`; a handler that ran for
 * longer was reached and fails with the exit, as the clouds report it.
 */
const UNREAD_WINDOW_MS = 250;

/**
 * Lambda's Init phase is limited to 10 s; an init that runs over is retried on the first
 * invocation with the function's timeout, so a longer timeout extends it here.
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html
 */
export const INIT_LIMIT_MS = 10_000;
const OUTPUT_TAIL_LINES = 20;
/** The init phase's lines handed to the invocation that caused the cold start (a bound for a chatty import). */
const INIT_LOG_LINES = 1000;

interface InFlight {
  invocation: Invocation;
  deliveredAt: number;
  cold: boolean;
  timer?: NodeJS.Timeout;
  logs: LogRecord[];
  /** The runtime answered; the instance is waiting for the rest of its output (see drainOutput). */
  answered?: { result: Completion; memoryKb?: number; endedAt: number };
  /** The runtime is streaming its response. */
  streaming?: StreamedResponse;
}

interface Completion {
  payload?: Buffer;
  failure?: Failure;
  streamed?: StreamedFacts;
}

/**
 * A runtime other than our shims prints through the container's output stream, which may
 * deliver its last lines a few milliseconds after its HTTP answer. Its invocation ends once
 * that stream has been quiet this long after the answer (at most OUTPUT_DRAIN_MAX_MS), so
 * what it printed belongs to its request. The duration is measured at the answer.
 */
const OUTPUT_QUIET_MS = 10;
const OUTPUT_DRAIN_MAX_MS = 100;

export interface InstanceEvents {
  state: [InstanceState];
  /** The debugger listens (debug instances only). */
  debugReady: [];
  /** A line of the runtime's own output (not through the shim). */
  rawLine: [string];
  /** An invocation assigned to it that its runtime never took before it exited: run it elsewhere. */
  undelivered: [Invocation];
}

/** Waiting for a person at a breakpoint is not an init failure: debug instances wait this long. */
const DEBUG_INIT_LIMIT_MS = 30 * 60_000;
const DEBUG_LISTENING = /^(Debugger listening on ws:\/\/|faasbox: debugpy listening on |Listening for transport dt_socket at address: )/;

/**
 * One warm runtime: a container or process of a function, with its own runtime API.
 * It runs one invocation at a time, as in the clouds, and reports how each ended.
 */
export class Instance extends EventEmitter<InstanceEvents> {
  readonly id = randomBytes(6).toString("hex");
  state: InstanceState = "starting";
  readonly createdAt = Date.now();
  lastUsedAt = Date.now();
  invocationCount = 0;
  initMs?: number;

  private readonly api: RuntimeApiServer;
  private launched?: LaunchedInstance;
  private launching?: Promise<LaunchedInstance>;
  private launchStartedAt = 0;
  private ready = false;
  /** The init phase's resources have ended (endInitPhase): events are given only after. */
  private initEnded = false;
  private initEnding = false;
  private parkedNext?: ServerResponse;
  private assigned?: Invocation;
  private assignedCold = false;
  private inFlight?: InFlight;
  private initError?: FunctionError;
  private initTimer?: NodeJS.Timeout;
  private pickupTimer?: NodeJS.Timeout;
  private readonly outputLines = new OutputLines((stream, line) => this.rawLine(stream, line));
  /** Lines of the init phase (no request id) until an invocation is delivered; then undefined. */
  private initLogs?: LogRecord[] = [];
  private lastRawOutputAt = 0;
  private readonly outputTail: string[] = [];
  private debugExitStatus?: number;
  /** Node's inspector's WebSocket path ("/UUID"), read off its stderr (see debug/inspectorAddress.ts). */
  debugWebSocketPath?: string;
  /** What differs from the declared runtime here (executor.chooseImage), said at this instance's first invocation. */
  private runtimeNotices: string[] = [];

  constructor(
    readonly spec: FunctionSpec,
    private readonly executor: Executor,
    private readonly image: ImageRequest,
    private readonly logBus: LogBus,
    private readonly labels: Record<string, string>,
    readonly debug?: DebugListen,
    /** The user's cloud credentials for this function's dialect; never logged. */
    private readonly credentials: Record<string, string> = {},
  ) {
    super();
    this.api = new RuntimeApiServer({
      onReady: () => this.onReady(),
      onNext: (response) => this.onNext(response),
      onResult: (requestId, outcome) => this.onResult(requestId, outcome),
      onInitError: (body, errorType) => this.onInitError(body, errorType),
      onLogs: (lines) => this.onShimLogs(lines),
      onStreamBegin: (requestId, contentType) => this.onStreamBegin(requestId, contentType),
      // Said where the user looks: someone on this machine tried to take or answer this function's invocations.
      onRefused: (reason) => this.publish("system", `faasbox: refused a runtime API call: ${reason}`, undefined),
    }, executor.runtimeUidFor?.(this.id));
  }

  /** Starts the runtime; resolves once it is launched (not yet ready). */
  async start(): Promise<void> {
    // Under the agent the runtime calls the agent beside it (127.0.0.1 in its container), which
    // relays each connection to this.api over its channel: the emulator listens on no port.
    const agent = this.executor.agent === true;
    const apiHost = agent ? AGENT_API_HOST : this.executor.runtimeApiHost;
    const apiPort = agent
      ? await (this.executor.agentApiPort?.() ?? Promise.resolve(AGENT_API_PORT))
      : await this.api.listen(this.executor.runtimeApiHost === "127.0.0.1" ? "127.0.0.1" : "0.0.0.0");
    const codeRoot = this.executor.codeRootFor(this.spec);
    if (this.spec.codeArchive) await unpackCode(this.spec.codeArchive, this.spec.codeDir);
    if (this.spec.container) await this.prepareImage();
    const chosen = await this.chooseImage();
    // A Java function's jar (a Maven or Gradle project's build output), said with the version notices.
    const javaArtifact = this.spec.family === "java" && !this.spec.container ? findJavaArtifact(this.spec.codeDir, this.spec.name) : undefined;
    const javaCds = javaArtifact && !this.debug ? await this.javaCdsPlan(chosen.image) : undefined;
    this.runtimeNotices = [...chosen.notices, ...(javaArtifact?.notices ?? []), ...(javaCds?.notices ?? [])];
    if (!this.spec.container) await this.prepareRuntime(chosen.image);
    const env = {
      ...runtimeEnv({
        spec: this.spec, codeRoot, apiHost, apiPort, instanceId: this.id, layerRoot: await this.executor.layerRootFor?.(this.spec),
        credentials: this.credentials, runtimeDir: this.executor.runtimeDirFor?.(this.spec),
      }),
      ...debugEnv(this.debug),
      ...(javaArtifact?.path ? { FAASBOX_JAVA_ARTIFACT: javaArtifact.path } : {}),
      ...javaCds?.env,
      ...(agent ? { FAASBOX_AGENT_API_PORT: String(apiPort) } : {}),
    };
    // Stopped while it was being prepared (stop() settled everything then): launch nothing, and arm
    // no init timer, which nothing would clear (a debug instance's, 30 minutes, kept a process alive).
    if (this.stopRequested) return;
    this.launchStartedAt = performance.now();
    this.initTimer = setTimeout(() => this.onInitTimeout(), this.initLimitMs);
    this.launching = this.executor.launch({
      instanceId: this.id,
      spec: this.spec,
      image: chosen.image,
      platform: chosen.platform,
      env,
      command: runtimeCommand(this.spec, this.executor.shimRoot, codeRoot, this.debug, javaCds?.flags),
      cacheDir: javaCds?.hostDir,
      codeRoot,
      labels: { ...this.labels, [LABELS.function]: this.spec.name, [LABELS.instance]: this.id },
      debugpyDir: this.debug?.debugpyDir,
      onOutput: (stream, chunk) => this.onRawOutput(stream, chunk),
      agent,
      onRuntimeConnection: agent ? (connection) => this.api.acceptConnection(connection) : undefined,
    });
    try {
      this.launched = await this.launching;
    } catch (error) {
      this.failAndStop({ kind: "platform", error: { errorType: "Faasbox.LaunchFailed", errorMessage: (error as Error).message } });
      throw error;
    }
    void this.launched.exited.then((info) => this.onExit(info));
    // Ready before the launch call returned (a runtime quicker than the engine's answer).
    if (this.ready) this.endInitPhase();
    // Stopped while the container was being created: nothing else will remove it.
    if (this.state === "stopping" || this.state === "stopped") await this.launched.kill();
  }

  /** A Java function's class-data-sharing archive, where the executor can lend the instance a folder to write it in. */
  private async javaCdsPlan(image: string): Promise<JavaCdsPlan | undefined> {
    if (!this.executor.cacheRootFor || process.env.FAASBOX_JAVA_CDS === "off") return undefined;
    const hostDir = javaCdsDir(this.spec, image);
    const containerDir = await this.executor.cacheRootFor(image, hostDir);
    return containerDir ? planJavaCds(this.spec, hostDir, containerDir) : undefined;
  }

  /** An image function's image, built before the init limit counts; refused where the executor has no images. */
  private async prepareImage(): Promise<void> {
    try {
      if (!this.executor.prepare) throw new Error(`${this.spec.name} is a container image function: it runs in Docker only; start Faasbox with the Docker executor`);
      await this.executor.prepare(this.spec, (line) => this.publish("system", line, undefined));
    } catch (error) {
      this.failAndStop({ kind: "platform", error: { errorType: "Faasbox.LaunchFailed", errorMessage: (error as Error).message } });
      throw error;
    }
  }

  /** The runtime image (pulled on first use, before the init limit counts), or the first candidate where the executor takes no image. */
  private async chooseImage(): Promise<ChosenImage> {
    if (this.spec.container || !this.executor.chooseImage) return { image: this.image.candidates[0]?.image ?? "", notices: [] };
    try {
      return await this.executor.chooseImage(this.image, (line) => this.publish("system", line, undefined));
    } catch (error) {
      this.failAndStop({ kind: "platform", error: { errorType: "Faasbox.LaunchFailed", errorMessage: (error as Error).message } });
      throw error;
    }
  }

  /** What the runtime bundles (the executor installs what is missing) for the chosen image, before the init limit counts. */
  private async prepareRuntime(image: string): Promise<void> {
    try {
      await this.executor.prepare?.(this.spec, (line) => this.publish("system", line, undefined), image);
    } catch (error) {
      this.failAndStop({ kind: "platform", error: { errorType: "Faasbox.LaunchFailed", errorMessage: (error as Error).message } });
      throw error;
    }
  }

  /** Agent mode, once launched: the channel to the instance's agent (to reach a port inside it, e.g. its debugger). */
  get agentChannel(): AgentChannel | undefined {
    return this.launched?.channel;
  }

  /** Gives this instance its next invocation; only when it is starting (cold) or idle. */
  assign(invocation: Invocation): void {
    if (this.assigned || this.inFlight || (this.state !== "idle" && this.state !== "starting")) {
      throw new Error(`instance ${this.id} cannot take an invocation while ${this.state}`);
    }
    this.assigned = invocation;
    // Cold means this invocation waited for the runtime to start; a pre-warmed instance's first is warm.
    this.assignedCold = this.state === "starting";
    if (this.state === "idle") this.setState("busy");
    this.deliverIfPossible();
  }

  get isAvailable(): boolean {
    return this.state === "idle" && !this.assigned;
  }

  /** An invocation is waiting for this instance or running on it. */
  get hasWork(): boolean {
    return this.assigned !== undefined || this.inFlight !== undefined;
  }

  /** stop() was called (a getter, so that TypeScript does not take the state as fixed across an await). */
  private get stopRequested(): boolean {
    return this.state === "stopping" || this.state === "stopped";
  }

  async stop(): Promise<void> {
    if (this.state === "stopped") return;
    if (this.state !== "stopping") this.setState("stopping");
    clearTimeout(this.initTimer);
    const launched = this.launched ?? (await this.launching?.catch(() => undefined));
    await launched?.kill();
    if (!launched) {
      // It never started: nothing will report an exit, so settle what waited for it here.
      this.failAssigned({ kind: "platform", error: { errorType: "Faasbox.InstanceStopped", errorMessage: "the instance was stopped before its runtime started" } });
      this.setState("stopped");
    }
    this.api.close();
  }

  private setState(state: InstanceState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit("state", state);
  }

  private onReady(): void {
    if (this.ready) return;
    this.ready = true;
    clearTimeout(this.initTimer);
    this.initMs = performance.now() - this.launchStartedAt;
    if (this.state === "starting") this.setState(this.assigned ? "busy" : "idle");
    this.endInitPhase();
    this.armPickupTimeout();
  }

  /**
   * Ends the init phase's resources (the CPU burst drops to the function's share) once both the
   * runtime is ready and the launch has returned; the first event waits for it, so no invocation
   * runs with the init phase's CPU.
   */
  private endInitPhase(): void {
    const launched = this.launched;
    if (!launched || this.initEnding) return;
    this.initEnding = true;
    const ended = () => {
      this.initEnded = true;
      this.deliverIfPossible();
    };
    const lowering = launched.initDone?.();
    if (lowering) void lowering.then(ended);
    else ended();
  }

  private onNext(response: ServerResponse): void {
    this.parkedNext = response;
    response.on("close", () => {
      if (this.parkedNext === response) this.parkedNext = undefined;
    });
    this.deliverIfPossible();
  }

  private deliverIfPossible(): void {
    // A runtime that died (`docker kill`) has closed its side of the parked /next before its
    // exit is reported, but the response's "close" may not have come yet: an invocation written
    // there would be lost and then failed with the exit. It waits instead, and goes elsewhere
    // when the exit comes (see "undelivered").
    if (this.parkedNext && !canAnswer(this.parkedNext)) this.parkedNext = undefined;
    const invocation = this.assigned;
    const next = this.parkedNext;
    if (!invocation || !next || this.inFlight || !this.ready || !this.initEnded) return this.armPickupTimeout();
    clearTimeout(this.pickupTimer);
    this.pickupTimer = undefined;
    this.assigned = undefined;
    this.parkedNext = undefined;
    const cold = this.assignedCold;
    this.invocationCount++;
    const deadline = Date.now() + this.spec.timeoutSec * 1000;
    const inFlight: InFlight = { invocation, deliveredAt: performance.now(), cold, logs: [] };
    this.inFlight = inFlight;
    // While a debugger is attached the timeout is suspended: a person is stepping through.
    if (!this.debug) inFlight.timer = setTimeout(() => this.onTimeout(inFlight), this.spec.timeoutSec * 1000);
    // What the runtime printed while starting belongs to the init phase, before START (as Lambda's log
    // stream shows it), and is part of the logs of the invocation that waited for it.
    if (this.initLogs) {
      if (invocation.keepLogs) inFlight.logs.push(...this.initLogs);
      this.initLogs = undefined;
    }
    this.publish("system", platformLines.start(this.spec.dialect, invocation.requestId), invocation.requestId);
    // Right after the first START, where a reader of the log looks: the version that runs, if not the declared one.
    if (this.invocationCount === 1) for (const notice of this.runtimeNotices) this.publish("system", notice, invocation.requestId);
    const headers: Record<string, string | number> = {
      "Content-Type": "application/json",
      "Content-Length": invocation.payload.length,
      // Lambda Runtime API
      "Lambda-Runtime-Aws-Request-Id": invocation.requestId,
      "Lambda-Runtime-Deadline-Ms": deadline,
      "Lambda-Runtime-Invoked-Function-Arn": functionArn(this.spec),
      "Lambda-Runtime-Trace-Id": `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${invocation.requestId.replaceAll("-", "").slice(0, 24)};Parent=0;Sampled=0`,
      // SCF custom runtime API
      request_id: invocation.requestId,
      memory_limit_in_mb: this.spec.memoryMb,
      time_limit_in_ms: this.spec.timeoutSec * 1000,
    };
    const clientContext = invocation.clientContext === undefined ? undefined : clientContextHeader(invocation.clientContext);
    if (clientContext) headers["Lambda-Runtime-Client-Context"] = clientContext;
    next.writeHead(200, headers).end(invocation.payload);
  }

  /** The runtime streams its response: each chunk goes to the caller as it arrives, the end settles the invocation. */
  private onStreamBegin(requestId: string, contentType: string): StreamReceiver | undefined {
    const inFlight = this.inFlight;
    if (!inFlight || requestId !== inFlight.invocation.requestId || inFlight.answered || inFlight.streaming) return undefined;
    const streaming = new StreamedResponse(contentType, inFlight.invocation.stream);
    inFlight.streaming = streaming;
    // Bytes after the invocation ended (its timeout) reach nobody.
    const current = () => this.inFlight === inFlight && !inFlight.answered;
    return {
      chunk: (bytes) => {
        if (current()) streaming.push(bytes);
      },
      end: (ending) => {
        if (current()) this.onResult(requestId, streaming.result(ending));
      },
      tooLarge: (size) => {
        if (current()) this.onResult(requestId, { kind: "too-large", size, limit: MAX_STREAMED_RESPONSE_BYTES });
      },
    };
  }

  private onResult(requestId: string | undefined, result: RuntimeResult): boolean {
    const inFlight = this.inFlight;
    if (!inFlight || (requestId !== undefined && requestId !== inFlight.invocation.requestId)) return false;
    if (inFlight.answered) return false;
    const memoryKb = result.kind === "too-large" ? undefined : result.memoryKb;
    const streamed = result.kind === "too-large" ? inFlight.streaming?.facts : result.streamed;
    const completion: Completion =
      result.kind === "response"
        ? { payload: result.body, streamed }
        : result.kind === "error"
          ? { failure: { kind: "function", error: parseFunctionError(result.body, result.errorType) }, streamed }
          : {
              failure: { kind: "function", error: { errorType: "Function.ResponseSizeTooLarge", errorMessage: `Response payload size (${result.size} bytes) exceeded the maximum allowed payload size (${result.limit ?? MAX_RESPONSE_BYTES} bytes).` } },
              streamed,
            };
    if (this.spec.family !== "custom") {
      this.complete(inFlight, completion, memoryKb);
    } else {
      clearTimeout(inFlight.timer);
      inFlight.answered = { result: completion, memoryKb, endedAt: performance.now() };
      const answered = inFlight.answered;
      // A custom runtime reports no memory figure: the agent measures the instance's peak instead.
      void Promise.all([this.drainOutput(answered.endedAt), memoryKb ?? this.measuredPeakKb()]).then(([, measuredKb]) => {
        answered.memoryKb = measuredKb;
        this.complete(inFlight, completion, measuredKb);
      });
    }
    return true;
  }

  /** The instance's peak memory as its agent measures it; undefined without an agent. */
  private async measuredPeakKb(): Promise<number | undefined> {
    const bytes = await this.launched?.channel?.peakMemoryBytes();
    return bytes === undefined ? undefined : Math.ceil(bytes / 1024);
  }

  /** Resolves once the runtime's output has been quiet for OUTPUT_QUIET_MS after `answeredAt`. */
  private async drainOutput(answeredAt: number): Promise<void> {
    const deadline = answeredAt + OUTPUT_DRAIN_MAX_MS;
    for (;;) {
      const now = performance.now();
      const quietSince = Math.max(this.lastRawOutputAt, answeredAt);
      if (now - quietSince >= OUTPUT_QUIET_MS || now >= deadline) return;
      await new Promise((resolve) => setTimeout(resolve, Math.min(quietSince + OUTPUT_QUIET_MS, deadline) - now));
    }
  }

  private complete(inFlight: InFlight, result: Completion, memoryKb?: number, status?: string): void {
    if (this.inFlight !== inFlight) return;
    clearTimeout(inFlight.timer);
    this.inFlight = undefined;
    this.lastUsedAt = Date.now();
    const measuredMs = (inFlight.answered?.endedAt ?? performance.now()) - inFlight.deliveredAt;
    // Node's timers may fire a fraction of a millisecond early by performance.now(); the clouds
    // report (and bill) a timed-out invocation as lasting its whole timeout, never less.
    const durationMs = status === "timeout" ? Math.max(measuredMs, this.spec.timeoutSec * 1000) : measuredMs;
    const { requestId } = inFlight.invocation;
    const maxUsedMb = memoryKb === undefined ? undefined : Math.ceil(memoryKb / 1024);
    const initMs = inFlight.cold ? this.initMs : undefined;
    this.publish("system", platformLines.end(this.spec.dialect, requestId), requestId, inFlight);
    this.publish("system", platformLines.report(this.spec.dialect, {
      requestId, durationMs, billedMs: billedDurationMs(this.spec.dialect, durationMs), memoryMb: this.spec.memoryMb, maxUsedMb, initMs, status,
    }), requestId, inFlight);
    inFlight.invocation.settle({
      requestId, instanceId: this.id, ...result, streamed: result.streamed ?? inFlight.streaming?.facts, cold: inFlight.cold, initMs, durationMs,
      queuedMs: inFlight.deliveredAt - inFlight.invocation.enqueuedAt - (initMs ?? 0), maxUsedMb, logs: inFlight.logs,
    });
    if (this.state === "busy") this.setState("idle");
  }

  private onTimeout(inFlight: InFlight): void {
    const failure = platformErrors.timeout(this.spec.dialect, inFlight.invocation.requestId, this.spec.timeoutSec);
    this.publish("system", failure.error.errorMessage, inFlight.invocation.requestId, inFlight);
    // The clouds replace an instance that timed out: its state is unknown. Stopping comes
    // first, so the pool does not hand it the next invocation as it settles this one.
    this.setState("stopping");
    this.complete(inFlight, { failure }, undefined, "timeout");
    void this.stop();
  }

  private onInitTimeout(): void {
    if (this.ready) return;
    this.failAndStop({
      kind: "init",
      error: {
        errorType: "Runtime.InitTimeout",
        errorMessage: this.debug
          ? `the debugger never continued into the function within ${this.initLimitMs / 60_000} minutes${this.tailHint()}`
          : `the runtime did not become ready within ${this.initLimitMs / 1000} s${this.tailHint()}`,
      },
    });
  }

  /** The error the runtime reported while starting, if it failed to start. */
  get startupError(): FunctionError | undefined {
    return this.initError;
  }

  private onInitError(body: Buffer, errorType?: string): void {
    this.initError = parseFunctionError(body, errorType);
    this.publish("stderr", `${this.initError.errorType}: ${this.initError.errorMessage}`, this.assigned?.requestId);
    const hint = missingModuleHint(this.spec, this.initError);
    if (hint) this.publish("system", hint, this.assigned?.requestId);
    this.failAndStop({ kind: "init", error: this.initError });
  }

  private onExit(exit: ExitInfo): void {
    const info = this.debugExitStatus === undefined ? exit : { ...exit, exitCode: this.debugExitStatus, signal: undefined };
    clearTimeout(this.initTimer);
    this.outputLines.flush();
    // An exited instance takes no more work: not idle, even for the moment it settles its invocation.
    if (this.state !== "stopped") this.setState("stopping");
    const inFlight = this.inFlight;
    if (inFlight && !inFlight.answered && this.neverReached(inFlight, info)) {
      // Handed over in the instant the sandbox was killed (`docker kill` of an idle instance):
      // through the agent the kill and the delivery race, and the runtime most likely never
      // read it. It runs on a fresh instance instead, as one handed to a dead runtime does.
      clearTimeout(inFlight.timer);
      this.inFlight = undefined;
      this.emit("undelivered", inFlight.invocation);
    } else if (inFlight?.answered) {
      // It answered, then exited while its last output was awaited: the answer stands.
      this.complete(inFlight, inFlight.answered.result, inFlight.answered.memoryKb);
    } else if (inFlight) {
      const { requestId } = inFlight.invocation;
      const failure = info.oomKilled
        ? platformErrors.outOfMemory(this.spec.dialect, requestId, this.spec.memoryMb)
        : platformErrors.exited(this.spec.dialect, requestId, info.exitCode, info.signal);
      this.publish("system", failure.error.errorMessage, requestId, inFlight);
      this.complete(inFlight, { failure }, this.spec.memoryMb * 1024, info.oomKilled ? "error (out of memory)" : "error");
    }
    if (this.assigned && this.ready && !this.debug) {
      // It was ready and died idle (a runtime that exits after an answer, `docker kill`): the
      // invocation handed to it never reached it, and the clouds would run it elsewhere.
      const invocation = this.assigned;
      this.assigned = undefined;
      clearTimeout(this.pickupTimer);
      this.emit("undelivered", invocation);
    } else if (this.assigned) {
      const how = info.signal ? `signal ${info.signal}` : `exit status ${info.exitCode}`;
      this.failAssigned({
        kind: "init",
        error: this.initError ?? { errorType: "Runtime.ExitError", errorMessage: `the runtime exited before it was ready (${how})${this.tailHint()}` },
      });
    }
    this.api.close();
    this.setState("stopped");
  }

  /**
   * Whether an invocation delivered to a sandbox killed from outside can be taken as never
   * read: delivered within UNREAD_WINDOW_MS of the kill, with no output from the runtime since.
   */
  private neverReached(inFlight: InFlight, exit: ExitInfo): boolean {
    if (!exit.killedFromOutside || this.debug) return false;
    const printed = inFlight.logs.some((record) => record.stream !== "system");
    return !printed && performance.now() - inFlight.deliveredAt < UNREAD_WINDOW_MS;
  }

  /** Fails the invocation waiting for this instance (if any) and stops the instance. */
  private failAndStop(failure: Failure): void {
    this.failAssigned(failure);
    void this.stop();
  }

  /**
   * A ready runtime that does not ask for its invocation (it stopped polling, or is stuck
   * after its last answer) would hold it forever: it gets the function's timeout for that too.
   */
  private armPickupTimeout(): void {
    const invocation = this.assigned;
    if (!invocation || !this.ready || this.debug || this.pickupTimer) return;
    this.pickupTimer = setTimeout(() => {
      this.pickupTimer = undefined;
      if (this.assigned !== invocation) return;
      const failure = platformErrors.timeout(this.spec.dialect, invocation.requestId, this.spec.timeoutSec);
      this.publish("system", `${failure.error.errorMessage} (the runtime never asked for this invocation)`, invocation.requestId);
      this.setState("stopping");
      this.failAssigned(failure);
      void this.stop();
    }, this.spec.timeoutSec * 1000);
  }

  private failAssigned(failure: Failure): void {
    const invocation = this.assigned;
    if (!invocation) return;
    clearTimeout(this.pickupTimer);
    this.pickupTimer = undefined;
    this.assigned = undefined;
    invocation.settle({
      requestId: invocation.requestId, instanceId: this.id, failure, cold: this.assignedCold, durationMs: 0,
      queuedMs: performance.now() - invocation.enqueuedAt, logs: invocation.keepLogs ? [...(this.initLogs ?? [])] : [],
    });
  }

  private tailHint(): string {
    return this.outputTail.length ? `; last output:\n${this.outputTail.join("\n")}` : "";
  }

  private onShimLogs(lines: ShimLogLine[]): void {
    for (const line of lines) {
      const requestId = line.requestId ?? undefined; // Python's shim sends null outside an invocation
      const inFlight = this.inFlight && this.inFlight.invocation.requestId === requestId ? this.inFlight : undefined;
      this.publish(line.stream, line.text, requestId, inFlight, line.time);
    }
  }

  /** Output that did not go through the shim: custom runtimes, native code, crashes. */
  private onRawOutput(stream: "stdout" | "stderr", chunk: Buffer): void {
    this.lastRawOutputAt = performance.now();
    this.outputLines.push(stream, chunk);
  }

  private onDebugLine(line: string): void {
    this.debugWebSocketPath ??= inspectorPath(line);
    if (DEBUG_LISTENING.test(line)) this.emit("debugReady");
    const exiting = /^faasbox: process exiting with status (\d+)/.exec(line);
    if (exiting) this.debugExitStatus = Number(exiting[1]);
    // Node holds an exiting process until the debugger disconnects: it has exited for us.
    if (/Waiting for the debugger to disconnect/.test(line)) void this.launched?.kill();
  }

  private get initLimitMs(): number {
    return this.debug ? DEBUG_INIT_LIMIT_MS : Math.max(INIT_LIMIT_MS, this.spec.timeoutSec * 1000);
  }

  private rawLine(stream: "stdout" | "stderr", raw: string): void {
    if (this.debug) this.onDebugLine(raw);
    this.emit("rawLine", raw);
    const line = this.debug ? maskInspectorPath(raw) : raw;
    this.outputTail.push(line);
    if (this.outputTail.length > OUTPUT_TAIL_LINES) this.outputTail.shift();
    const inFlight = this.inFlight;
    this.publish(stream, line, inFlight?.invocation.requestId, inFlight);
  }

  private publish(stream: LogStream, text: string, requestId: string | undefined, inFlight?: InFlight, time = Date.now()): void {
    const record: LogRecord = { function: this.spec.name, requestId, stream, time, text, instanceId: this.id };
    const target = inFlight ?? (this.inFlight?.invocation.requestId === requestId ? this.inFlight : undefined);
    if (requestId !== undefined && target?.invocation.keepLogs) target.logs.push(record);
    // The init phase is the runtime's own output; Faasbox's preparation (an image pulled, an SDK installed) is said on
    // the function's stream but is not the function's init.
    if (requestId === undefined && stream !== "system" && this.initLogs && this.initLogs.length < INIT_LOG_LINES) this.initLogs.push(record);
    this.logBus.publish(record);
  }
}

/** The parked /next can still carry an answer: the runtime has not closed its connection (it may have died). */
function canAnswer(response: ServerResponse): boolean {
  const socket = response.socket;
  return !response.destroyed && !response.writableEnded && socket !== null && !socket.destroyed && socket.writable && !socket.readableEnded;
}

/** The runtime's error body in the clouds' shape, whatever the runtime actually sent. */
export function parseFunctionError(body: Buffer, errorTypeHeader?: string): FunctionError {
  const text = body.toString("utf8");
  try {
    const parsed = JSON.parse(text) as Partial<FunctionError> & { stackTrace?: unknown; trace?: unknown };
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
      // Python runtimes name the stack `stackTrace`; AWS's Node.js runtime client names it `trace`.
      const stack = Array.isArray(parsed.stackTrace) ? parsed.stackTrace : Array.isArray(parsed.trace) ? parsed.trace : undefined;
      return {
        errorType: String(parsed.errorType ?? errorTypeHeader ?? "Error"),
        errorMessage: String(parsed.errorMessage ?? text),
        ...(stack ? { stackTrace: stack.map(String) } : {}),
      };
    }
  } catch {
    // not JSON: a custom runtime may post plain text
  }
  return { errorType: errorTypeHeader ?? "Error", errorMessage: text.trim() };
}
