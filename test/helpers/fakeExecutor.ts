// An Executor whose "instances" are scripted runtimes inside the test process. Each one
// speaks the real runtime API (Lambda's, or SCF's custom-runtime API) over loopback HTTP
// to the instance's own RuntimeApiServer, so the pool and instance logic runs unchanged,
// in milliseconds and without Docker.
import { EventEmitter } from "node:events";
import { request as httpRequest, type ClientRequest, type IncomingHttpHeaders } from "node:http";
import type { ExitInfo, Executor, LaunchRequest, LaunchedInstance } from "../../emulator/core/executors/executor";
import type { FunctionError } from "../../emulator/protocol";
import type { FunctionSpec } from "../../emulator/project/spec";

// Captured before any test mocks the timers: the fake runtime's own delays and the waits
// below run on real time, whatever the code under test sees.
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

/** What a scripted handler gets besides its event. */
export interface FakeContext {
  requestId: string;
  /** Lambda-Runtime-Deadline-Ms (AWS) as the runtime received it; NaN for SCF. */
  deadlineMs: number;
  headers: IncomingHttpHeaders;
  launch: FakeLaunch;
  /** Prints through the shims' log channel (/faasbox/v1/logs), tagged with this request. */
  log(text: string, stream?: "stdout" | "stderr"): Promise<void>;
  /** Prints on the process's own stdout or stderr, as a crash or a custom runtime does. */
  print(text: string, stream?: "stdout" | "stderr"): void;
  /** Any call to the runtime API, as this runtime. */
  post(path: string, body?: string | Buffer, headers?: Record<string, string>): Promise<FakeResponse>;
  /** The process exits with `code` now; the invocation is never answered. */
  exit(code: number): Promise<never>;
  /** The kernel kills the process for its memory limit (exit 137, OOMKilled). */
  oom(): Promise<never>;
  /** Never answers (and keeps asking nothing). */
  hang(): Promise<never>;
}

export type FakeHandler = (event: unknown, ctx: FakeContext) => unknown;

/** How one launch behaves. Every field is optional: by default it starts and echoes each event. */
export interface RuntimeScript {
  /** launch() rejects with this message (the image is missing, Docker refused…). */
  launchError?: string;
  /** launch() resolves only once this settles: a slow container start. */
  launchGate?: Promise<unknown>;
  /** Real milliseconds before the runtime first asks for work. */
  initDelayMs?: number;
  /** The launched instance has initDone() (docker: the init phase's CPU drops), settling once this does. */
  initDoneGate?: Promise<void>;
  /** Printed on stderr as the process starts (what a crash on import leaves). */
  initOutput?: string;
  /** The runtime reports this init error (/init/error) instead of asking for work. */
  initError?: FunctionError;
  /** The process exits with this code before it is ready. */
  initExit?: number;
  /** Never becomes ready: never asks for work. */
  neverReady?: boolean;
  /** After this many invocations it stops asking for work (the process stays up, unless `thenExit`). */
  stopPollingAfter?: number;
  /** With `stopPollingAfter`: the process exits with this code instead of staying up. */
  thenExit?: number;
  /** Real milliseconds before each answer. */
  delayMs?: number;
  /** Runs each invocation: its value is the response, what it throws the function error. */
  handler?: FakeHandler;
  /** Runs once the answer was accepted, before the runtime asks for more work. */
  afterAnswer?: (ctx: FakeContext, answer: FakeResponse) => unknown;
}

export interface FakeResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface ReceivedInvocation {
  requestId: string;
  event: unknown;
  headers: IncomingHttpHeaders;
}

/** One launch, as the test sees it afterwards. */
export interface FakeLaunch {
  /** 0 for the first launch of this executor. */
  index: number;
  instanceId: string;
  request: LaunchRequest;
  env: Record<string, string>;
  invocations: ReceivedInvocation[];
  /** kill() was called. */
  killed: boolean;
  /** initDone() was called (with `initDoneGate`). */
  initDoneCalled?: boolean;
  /** How it exited, once it has. */
  exit?: ExitInfo;
  readonly exited: Promise<ExitInfo>;
}

export interface FakeExecutorEvents {
  launch: [FakeLaunch];
  invocation: [FakeLaunch, ReceivedInvocation];
  exit: [FakeLaunch, ExitInfo];
}

/** Echoes the event back. */
export const echo: FakeHandler = (event) => event;
/** Never answers. */
export const hang: FakeHandler = (_event, ctx) => ctx.hang();

export class FakeExecutor extends EventEmitter<FakeExecutorEvents> implements Executor {
  readonly kind = "process" as const;
  readonly isolated = false;
  readonly shimRoot = "/faasbox-fake/shims";
  readonly runtimeApiHost = "127.0.0.1";
  readonly launches: FakeLaunch[] = [];
  private readonly runtimes = new Set<FakeRuntime>();

  /** The script of the next launches; a function picks one per launch (by its index). */
  constructor(public script: RuntimeScript | ((index: number) => RuntimeScript) = {}) {
    super();
  }

  codeRootFor(spec: FunctionSpec): string {
    return spec.codeDir;
  }

  async launch(request: LaunchRequest): Promise<LaunchedInstance> {
    const index = this.launches.length;
    const script = typeof this.script === "function" ? this.script(index) : this.script;
    let resolveExit!: (info: ExitInfo) => void;
    const exited = new Promise<ExitInfo>((resolve) => (resolveExit = resolve));
    const launch: FakeLaunch = { index, instanceId: request.instanceId, request, env: request.env, invocations: [], killed: false, exited };
    this.launches.push(launch);
    this.emit("launch", launch);
    if (script.launchGate) await script.launchGate;
    if (script.launchError !== undefined) {
      launch.exit = { exitCode: null, oomKilled: false, signal: "never-started" };
      resolveExit(launch.exit);
      throw new Error(script.launchError);
    }
    const runtime = new FakeRuntime(this, launch, script, (info) => {
      this.runtimes.delete(runtime);
      launch.exit = info;
      resolveExit(info);
      this.emit("exit", launch, info);
    });
    this.runtimes.add(runtime);
    runtime.run();
    return {
      exited,
      kill: async () => {
        launch.killed = true;
        runtime.die({ exitCode: null, signal: "SIGKILL", oomKilled: false });
        await exited;
      },
      ...(script.initDoneGate ? { initDone: () => ((launch.initDoneCalled = true), script.initDoneGate!) } : {}),
    };
  }

  async close(): Promise<void> {
    for (const runtime of [...this.runtimes]) runtime.die({ exitCode: null, signal: "SIGKILL", oomKilled: false });
  }

  /** Launches that were killed (by the instance or pool stopping them). */
  get killed(): FakeLaunch[] {
    return this.launches.filter((l) => l.killed);
  }

  /** Launches whose runtime has not exited. */
  get running(): FakeLaunch[] {
    return this.launches.filter((l) => !l.exit);
  }

  /** Every invocation the runtimes received, launch by launch (in order within each). */
  get invocations(): ReceivedInvocation[] {
    return this.launches.flatMap((l) => l.invocations);
  }

  /** Resolves once runtimes have received `count` invocations in all. */
  received(count: number): Promise<void> {
    return waitFor(() => this.invocations.length >= count, `${count} invocation(s) to reach a runtime (got ${this.invocations.length})`);
  }

  /** Resolves once `count` launches have been made. */
  launched(count: number): Promise<void> {
    return waitFor(() => this.launches.length >= count, `${count} launch(es) (got ${this.launches.length})`);
  }

  /** Resolves once `count` launches have exited. */
  exitedCount(count: number): Promise<void> {
    return waitFor(() => this.launches.filter((l) => l.exit).length >= count, `${count} instance(s) to exit`);
  }

  /** The runtime of an instance (for a test to post to its API by hand). */
  apiOf(instanceId: string): { host: string; port: number } {
    const launch = this.launches.find((l) => l.instanceId === instanceId);
    if (!launch) throw new Error(`no launch for instance ${instanceId}`);
    return apiAddress(launch.env);
  }
}

function apiAddress(env: Record<string, string>): { host: string; port: number } {
  if (env.AWS_LAMBDA_RUNTIME_API) {
    const [host, port] = env.AWS_LAMBDA_RUNTIME_API.split(":");
    return { host, port: Number(port) };
  }
  return { host: env.SCF_RUNTIME_API, port: Number(env.SCF_RUNTIME_API_PORT) };
}

class FakeRuntime {
  private dead = false;
  private readonly requests = new Set<ClientRequest>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly api: { host: string; port: number };
  private readonly aws: boolean;

  constructor(
    private readonly executor: FakeExecutor,
    private readonly launch: FakeLaunch,
    private readonly script: RuntimeScript,
    private readonly onExit: (info: ExitInfo) => void,
  ) {
    this.aws = launch.env.AWS_LAMBDA_RUNTIME_API !== undefined;
    this.api = apiAddress(launch.env);
  }

  run(): void {
    this.loop().catch(() => {
      // The instance closed its API (it stopped us, or we died): nothing more to do.
    });
  }

  /** The process ends: its connections drop, then its exit is reported. */
  die(info: ExitInfo): void {
    if (this.dead) return;
    this.dead = true;
    for (const timer of this.timers) realClearTimeout(timer);
    this.timers.clear();
    for (const request of this.requests) request.destroy();
    this.requests.clear();
    this.onExit(info);
  }

  private async loop(): Promise<void> {
    const { script } = this;
    if (script.initOutput !== undefined) this.launch.request.onOutput("stderr", Buffer.from(`${script.initOutput}\n`));
    if (script.initDelayMs) await this.sleep(script.initDelayMs);
    if (this.dead) return;
    if (script.initExit !== undefined) return this.die({ exitCode: script.initExit, oomKilled: false });
    if (script.initError) {
      const body = JSON.stringify(script.initError);
      await this.call("POST", this.aws ? "/2018-06-01/runtime/init/error" : "/runtime/init/error", body, { "Lambda-Runtime-Function-Error-Type": script.initError.errorType });
      return; // a runtime that failed to start waits to be stopped
    }
    if (script.neverReady) return;
    if (!this.aws) await this.call("POST", "/runtime/init/ready", "");
    for (let served = 0; !this.dead; served++) {
      if (script.stopPollingAfter !== undefined && served >= script.stopPollingAfter) {
        if (script.thenExit !== undefined) this.die({ exitCode: script.thenExit, oomKilled: false });
        return;
      }
      const next = await this.call("GET", this.aws ? "/2018-06-01/runtime/invocation/next" : "/runtime/invocation/next");
      if (this.dead) return;
      if (next.status !== 200) throw new Error(`/next answered ${next.status}`);
      const requestId = String(next.headers["lambda-runtime-aws-request-id"] ?? next.headers.request_id);
      const text = next.body.toString("utf8");
      let event: unknown = text;
      try {
        event = JSON.parse(text);
      } catch {
        // not JSON: the handler gets the text
      }
      const received: ReceivedInvocation = { requestId, event, headers: next.headers };
      this.launch.invocations.push(received);
      this.executor.emit("invocation", this.launch, received);
      await this.answer(received);
    }
  }

  private async answer({ requestId, event, headers }: ReceivedInvocation): Promise<void> {
    const ctx: FakeContext = {
      requestId,
      headers,
      deadlineMs: Number(headers["lambda-runtime-deadline-ms"]),
      launch: this.launch,
      log: async (text, stream = "stdout") => {
        await this.call("POST", "/faasbox/v1/logs", JSON.stringify([{ stream, requestId, time: Date.now(), text }]));
      },
      print: (text, stream = "stdout") => this.launch.request.onOutput(stream, Buffer.from(`${text}\n`)),
      post: (path, body, extra) => this.call("POST", path, body ?? "", extra),
      exit: (code) => {
        this.die({ exitCode: code, oomKilled: false });
        return new Promise<never>(() => undefined);
      },
      oom: () => {
        this.die({ exitCode: 137, oomKilled: true });
        return new Promise<never>(() => undefined);
      },
      hang: () => new Promise<never>(() => undefined),
    };
    let outcome: { ok: true; body: Buffer } | { ok: false; error: Error };
    try {
      const value = await (this.script.handler ?? echo)(event, ctx);
      outcome = { ok: true, body: Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value ?? null)) };
    } catch (error) {
      outcome = { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
    }
    if (this.script.delayMs) await this.sleep(this.script.delayMs);
    if (this.dead) return;
    const path = (kind: "response" | "error") =>
      this.aws ? `/2018-06-01/runtime/invocation/${encodeURIComponent(requestId)}/${kind}` : `/runtime/invocation/${kind}`;
    let answer: FakeResponse;
    if (outcome.ok) {
      answer = await this.call("POST", path("response"), outcome.body);
    } else {
      const { name, message } = outcome.error;
      answer = await this.call("POST", path("error"), JSON.stringify({ errorType: name, errorMessage: message, stackTrace: [] }), { "Lambda-Runtime-Function-Error-Type": name });
    }
    if (this.script.afterAnswer && !this.dead) await this.script.afterAnswer(ctx, answer);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = realSetTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  /** One HTTP exchange on its own connection (no keep-alive), so nothing outlives the runtime. */
  private call(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<FakeResponse> {
    if (this.dead) return Promise.reject(new Error("the runtime is dead"));
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (error: Error | undefined, response?: FakeResponse) => {
        if (settled) return;
        settled = true;
        this.requests.delete(request);
        if (error) reject(error);
        else resolve(response!);
      };
      const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body);
      const request = httpRequest(
        {
          host: this.api.host, port: this.api.port, method, path, agent: false,
          headers: { ...headers, connection: "close", ...(payload ? { "content-type": "application/json", "content-length": payload.length } : {}) },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () => settle(undefined, { status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
          response.on("error", (error) => settle(error));
          response.on("aborted", () => settle(new Error("aborted")));
        },
      );
      this.requests.add(request);
      request.on("error", (error) => settle(error));
      request.on("close", () => settle(new Error("connection closed")));
      request.end(payload);
    });
  }
}

/**
 * Resolves once `condition` holds, checking on real time; rejects after `limitMs` (real) so a
 * broken expectation fails the test instead of hanging it. Not a timing assertion: only a guard.
 */
export async function waitFor(condition: () => boolean, what = "condition", limitMs = 5000): Promise<void> {
  // performance.now() is real time even while a test mocks Date and setTimeout.
  const until = performance.now() + limitMs;
  while (!condition()) {
    if (performance.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => realSetTimeout(resolve, 1));
  }
}

/**
 * `promise`, or a rejection naming `what` after `limitMs` of real time: an invocation that
 * never settles fails its test instead of hanging the run. Not a timing assertion: a guard.
 */
export function within<T>(promise: Promise<T>, what: string, limitMs = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_resolve, reject) => {
    timer = realSetTimeout(() => reject(new Error(`${what} did not happen within ${limitMs} ms of real time`)), limitMs);
  });
  return Promise.race([promise, guard]).finally(() => realClearTimeout(timer));
}

/** A promise a test opens when it wants: holds a handler busy, or a launch slow. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
