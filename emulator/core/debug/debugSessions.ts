import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import type { Socket } from "node:net";
import { isAbsolute, join } from "node:path";
import type { Executor, ImageRequest } from "../executors/executor";
import type { LogBus } from "../logs/logBus";
import type { FunctionSpec } from "../../project/spec";
import type { DebugSessionInfo } from "../../protocol";
import { Instance } from "../runtime/instance";
import { DebugSpares, type DebugLaunch } from "./debugSpares";
import { WebInstance } from "../runtime/webInstance";
import type { Invocation, InvocationOutcome } from "../runtime/invocation";
import { freePort } from "../../util/freePort";
import { forwardPort, type PortForward } from "../agent/portForward";
import { socketOwnerUid } from "../runtime/socketOwner";

/** How long the debugger may take to start listening before the session fails. */
const LISTEN_TIMEOUT_MS = 30_000;

interface Session {
  info: DebugSessionInfo;
  instance: Instance | WebInstance;
  /** Agent mode: the host's end of the debugger inside the instance (closes with the session). */
  forward?: PortForward;
  owner: string;
  /** One invocation at a time: the rest wait their turn, as on any instance. */
  queue: Promise<unknown>;
  /** What the session was started with: its spare is started with the same, once it ends. */
  spec: FunctionSpec;
}

export interface DebugDeps {
  executor: Executor;
  logBus: LogBus;
  imageFor(spec: FunctionSpec): ImageRequest;
  labels: Record<string, string>;
  /** The user's cloud credentials for a function's dialect (see credentials/functionCredentials.ts). */
  credentialsFor?(spec: FunctionSpec): Record<string, string>;
  /** Said to the user (a refused connection to a debug port). */
  warn?: (message: string) => void;
  /** A debug session of the function began or ended (its state reads "debug" meanwhile). */
  onChange?: (functionName: string) => void;
  /** Whether a function keeps a debug instance started ahead once its session ends (debugSpares.ts); off by default. */
  spares?: boolean;
}

/**
 * Dedicated instances with a debugger listening. Each debug session has its own
 * instance, which serves the function's invocations while the session lasts (so a
 * request through the HTTP gateway stops at the breakpoint too); it is removed when the
 * session ends or its client goes away.
 */
export class DebugSessions {
  private readonly sessions = new Map<string, Session>();
  private readonly spares: DebugSpares;

  constructor(private readonly deps: DebugDeps) {
    this.spares = new DebugSpares((spec, logBus) => this.launch(spec, undefined, logBus), deps.logBus, deps.spares ?? false);
  }

  /** Starts a debug instance of `spec`, its lines going to `logBus`; its debugger listens once `ready` resolves. */
  private async launch(spec: FunctionSpec, debugpyDir: string | undefined, logBus: LogBus): Promise<DebugLaunch> {
    // Where the debugger listens: on the host's 127.0.0.1 directly, or under the agent on the
    // instance's own 127.0.0.1 (a free port of the host's serves there too, host network or not).
    const port = await freePort();
    // A web function's server is started by its scf_bootstrap, under the debugger its environment asks for (runtime/webDebug.ts).
    const instance = spec.web
      ? new WebInstance(spec, this.deps.executor, this.deps.imageFor(spec), logBus, this.deps.labels, { port, debugpyDir }, this.deps.credentialsFor?.(spec))
      : new Instance(spec, this.deps.executor, this.deps.imageFor(spec), logBus, this.deps.labels, { port, debugpyDir }, this.deps.credentialsFor?.(spec));
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the debugger did not start listening within ${LISTEN_TIMEOUT_MS / 1000} s`)), LISTEN_TIMEOUT_MS);
      instance.once("debugReady", () => {
        clearTimeout(timer);
        resolve();
      });
      instance.on("rawLine", (line) => {
        if (/address already in use/i.test(line)) reject(new Error(`port ${port} is in use: the debugger could not listen (${line.trim()})`));
      });
      instance.on("state", (state) => {
        if (state !== "stopped") return;
        clearTimeout(timer);
        const failed = instance.startupError; // e.g. Runtime.DebuggerMissing, with what to do
        reject(new Error(failed ? `${failed.errorType}: ${failed.errorMessage}` : "the function's instance exited before its debugger listened"));
      });
    });
    ready.catch(() => undefined); // seen by whoever awaits it; a spare's failure is no unhandled rejection
    return { instance, port, started: instance.start(), ready };
  }

  /**
   * Starts a debug instance and resolves once its debugger listens. `debugpyPath` is a host
   * folder holding the `debugpy` package (the editor's own, or the user's), for Python
   * images that have none.
   */
  async start(spec: FunctionSpec, owner: string, options: { debugpyPath?: string } = {}): Promise<DebugSessionInfo> {
    if (spec.container) throw new Error(`${spec.name} is a container image function: its image starts its own runtime, which Faasbox cannot start under a debugger; run it with Invoke, or attach a debugger your image starts itself`);
    if (spec.family === "custom") throw new Error(`${spec.name} uses a custom runtime: Faasbox can debug Node.js, Python and Java functions`);
    // Under the agent the debugger is reached through its channel, whatever the instance's network.
    if (this.deps.executor.kind === "docker" && !this.deps.executor.agent && this.deps.executor.runtimeApiHost !== "127.0.0.1") {
      throw new Error("debugging needs host networking (Linux); with Docker Desktop use the process executor to debug");
    }
    const debugpyDir = spec.family === "python" && options.debugpyPath !== undefined ? checkDebugpyFolder(options.debugpyPath) : undefined;
    const { instance, port, started, ready } = (await this.spares.take(spec)) ?? (await this.launch(spec, debugpyDir, this.deps.logBus));
    let forward: PortForward | undefined;
    try {
      await started;
      await ready;
      const channel = instance.agentChannel;
      // Security: a debugger runs any code it likes in the function, so the forwarding listener on
      // the host's loopback admits only processes of this emulator's own user (the editor's),
      // checked in the kernel's socket table before anything is opened in the instance; it lives
      // only as long as the session.
      if (channel) {
        forward = await forwardPort(() => channel.connect(port), {
          host: "127.0.0.1",
          admit: sameUserAsUs,
          onRefused: (socket) => this.deps.warn?.(`refused a connection to the debug port of ${spec.name} from a process of another user (port ${socket.remotePort})`),
        });
      }
    } catch (error) {
      await instance.stop();
      throw error;
    }
    const info: DebugSessionInfo = {
      sessionId: randomBytes(8).toString("hex"),
      function: spec.name,
      protocol: spec.family === "nodejs" ? "node" : spec.family === "java" ? "java" : "python",
      host: "127.0.0.1",
      port: forward?.port ?? port,
      remoteRoot: this.deps.executor.codeRootFor(spec),
      // A function run from its faasbox build: the build's files are copies of the sources, which are where breakpoints are set.
      localRoot: spec.build?.sourceDir ?? spec.codeDir,
      ...(instance.debugWebSocketPath ? { webSocketPath: instance.debugWebSocketPath } : {}),
    };
    this.sessions.set(info.sessionId, { info, instance, forward, owner, queue: Promise.resolve(), spec });
    instance.on("state", (state) => {
      if (state !== "stopped") return;
      this.forget(info.sessionId);
      void forward?.close();
    });
    // It may have ended while the forwarder was opening.
    if (instance.state === "stopped") {
      this.forget(info.sessionId);
      await forward?.close();
      throw new Error("the function's instance exited as its debug session started");
    }
    this.deps.onChange?.(spec.name);
    return info;
  }

  /** The session is over (stopped, or its instance ended): the function's next session will find a spare ready. */
  private forget(sessionId: string): void {
    const session = this.sessions.get(sessionId);
    if (!session) return;
    this.sessions.delete(sessionId);
    this.spares.prepare(session.spec);
    this.deps.onChange?.(session.info.function);
  }

  /** A function's code or configuration changed: its spare, if it keeps one, is started again with it. */
  functionChanged(spec: FunctionSpec): void {
    this.spares.changed(spec);
  }

  /** A function left the project: it keeps no spare. */
  functionRemoved(name: string): void {
    this.spares.retire(name);
  }

  /** Whether `name` keeps a spare debug instance. */
  hasSpare(name: string): boolean {
    return this.spares.has(name);
  }

  /** The debug session serving `functionName`, if any: invocations go to it. */
  forFunction(functionName: string): DebugSessionInfo | undefined {
    for (const session of this.sessions.values()) if (session.info.function === functionName) return session.info;
    return undefined;
  }

  invoke(sessionId: string, invocation: Invocation): Promise<InvocationOutcome> {
    const session = this.sessions.get(sessionId);
    if (!session) return Promise.reject(new Error(`no debug session ${sessionId}`));
    const run = session.queue.then(() => {
      if (session.instance.state === "stopped" || session.instance.state === "stopping") {
        throw new Error("the debug session's instance has stopped (the function crashed or the session ended)");
      }
      session.instance.assign(invocation);
      return invocation.done;
    });
    session.queue = run.catch(() => undefined);
    return run;
  }

  list(): DebugSessionInfo[] {
    return [...this.sessions.values()].map((s) => s.info);
  }

  async stop(sessionId: string): Promise<boolean> {
    const session = this.sessions.get(sessionId);
    if (!session) return false;
    this.forget(sessionId);
    await Promise.all([session.forward?.close(), session.instance.stop()]);
    return true;
  }

  /** A client went away: its sessions end with it. */
  async stopOwnedBy(owner: string): Promise<void> {
    await Promise.all([...this.sessions.values()].filter((s) => s.owner === owner).map((s) => this.stop(s.info.sessionId)));
  }

  async stopAll(): Promise<void> {
    // Closed first: the sessions that end here make no spares.
    const spares = this.spares.close();
    await Promise.all([...this.sessions.keys()].map((id) => this.stop(id)));
    await spares;
  }
}

/** The folder must hold the package itself (`DIR/debugpy/__init__.py`), as `pip install --target DIR debugpy` leaves it. */
function checkDebugpyFolder(path: string): string {
  if (!isAbsolute(path)) throw new Error(`debugpyPath must be an absolute folder path, got ${JSON.stringify(path)}`);
  if (!existsSync(join(path, "debugpy", "__init__.py"))) {
    throw new Error(`debugpyPath ${path} holds no debugpy package (expected ${join(path, "debugpy", "__init__.py")}); pip install --target ${path} debugpy fills it`);
  }
  return path;
}

/** Whether the other end of a loopback connection belongs to this process's user (true where the kernel cannot say: not Linux). */
async function sameUserAsUs(socket: Socket): Promise<boolean> {
  const owner = await socketOwnerUid(socket);
  return owner === undefined || owner === process.getuid?.();
}
