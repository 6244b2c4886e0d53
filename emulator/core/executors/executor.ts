import type { Duplex } from "node:stream";
import type { AgentChannel } from "../agent/agentChannel";
import type { FunctionSpec } from "../../project/spec";
import type { ImageChoice } from "../../config/images";
import type { DeclaredRuntime } from "../../config/runtimeVersions";

/** The images a function may run on, best first (config/images.ts imageCandidates), and what it declares. */
export interface ImageRequest {
  functionName: string;
  runtime: string;
  declared: DeclaredRuntime;
  candidates: ImageChoice[];
  architecture?: "x86_64" | "arm64";
  /** A web function's: the image gets SCF's /var/lang interpreter paths (runtime/varLang.ts). */
  web?: boolean;
}

/** The image a function runs on here, and what differs from the cloud, said at its first invocation. */
export interface ChosenImage {
  image: string;
  /** The language version it runs (`20.20.2`); undefined where unknown or not a language runtime. */
  version?: string;
  /** Lines for the function's log: the version that runs instead, an architecture it cannot have... */
  notices: string[];
  /** `linux/arm64` where an arm64 function runs on an arm64 image. */
  platform?: string;
}

export type ExecutorKind = "docker" | "process";

export interface LaunchRequest {
  instanceId: string;
  spec: FunctionSpec;
  /** The image for the function's runtime (docker only). */
  image: string;
  /** The image's platform when not the engine's own (`linux/arm64`; docker only). */
  platform?: string;
  env: Record<string, string>;
  command: string[];
  /** Where the code appears to the runtime: /var/task, /var/user, or the host folder for `process`. */
  codeRoot: string;
  labels: Record<string, string>;
  /** A host folder with the `debugpy` package, for the runtime to import (debug instances only). */
  debugpyDir?: string;
  /** A host folder the runtime may write, at cacheRootFor's path (a Java function's class-data-sharing archive). */
  cacheDir?: string;
  onOutput: (stream: "stdout" | "stderr", chunk: Buffer) => void;
  /**
   * Run the runtime under the instance agent (emulator/agent/PROTOCOL.md) instead of lease.sh:
   * the agent listens for the runtime's Runtime API on 127.0.0.1:FAASBOX_AGENT_API_PORT (from
   * `env`) beside it, and relays each connection over its channel to `onRuntimeConnection`.
   */
  agent?: boolean;
  /** Agent mode: a Runtime API connection of the runtime (serve it: RuntimeApiServer.acceptConnection). */
  onRuntimeConnection?: (connection: Duplex) => void;
  /**
   * The instance listens on a fixed port (a web function's 9000), so it needs a network namespace
   * of its own: on host networking it gets none (`--network none`), where two instances would clash.
   */
  ownNetwork?: boolean;
}

export interface ExitInfo {
  exitCode: number | null;
  signal?: string;
  oomKilled: boolean;
  /**
   * The whole sandbox was killed from outside (`docker kill`, the engine): under the agent, the
   * container ended without the agent reporting its runtime's exit. Undefined where unknown.
   */
  killedFromOutside?: boolean;
}

export interface LaunchedInstance {
  /** Settles once, when the process or container has exited. */
  readonly exited: Promise<ExitInfo>;
  /** Stops it now and removes what it left (container); idempotent. */
  kill(): Promise<void>;
  /** Agent mode: the channel to the instance's agent (e.g. connect(port) to reach a port inside it). */
  readonly channel?: AgentChannel;
  /** Runs a command inside the instance as its user and resolves with its stdout (docker: exec); absent where not possible. */
  exec?(command: string[]): Promise<string>;
  /**
   * The runtime is ready: the init phase's resources end (docker: the CPU burst of initialisation
   * drops to the function's share). Settles when they have (never rejects, bounded in time): the
   * instance gives its first event only then.
   */
  initDone?(): Promise<void>;
}

/** Starts one instance of a function: a container, or a child process on the host. */
export interface Executor {
  readonly kind: ExecutorKind;
  /** False for `process`: wherever it is shown, the user must see the function is not isolated. */
  readonly isolated: boolean;
  /** Where the shims live as the runtime sees them. */
  readonly shimRoot: string;
  /** Docker only: the network functions join (HostConfig.NetworkMode), said where functions are listed. */
  readonly network?: string;
  /** Host the runtime uses to reach the emulator's runtime API (without the agent). */
  readonly runtimeApiHost: string;
  /**
   * Instances run under the agent (LaunchRequest.agent): their Runtime API comes over the
   * agent's channel and the emulator listens on no port for them.
   */
  readonly agent?: boolean;
  /** Docker agent mode: the agent's channel, a Unix socket (a local Linux engine) or the attach stream (see agentSocket.ts). */
  readonly agentChannel?: "socket" | "attach";
  /**
   * Agent mode: the port a new instance's agent listens on for its runtime, on 127.0.0.1 beside
   * it: AGENT_API_PORT in a container with a network of its own; 0 where instances share the
   * host's (host networking, local processes): the agent takes a port the kernel picks and puts it
   * in its runtime's AWS_LAMBDA_RUNTIME_API / SCF_RUNTIME_API_PORT (emulator/agent/PROTOCOL.md).
   */
  agentApiPort?(): Promise<number>;
  codeRootFor(spec: FunctionSpec): string;
  /** Where a function's layers (FunctionSpec.layers) appear to its runtime; /opt when not given. */
  layerRootFor?(spec: FunctionSpec): string | Promise<string>;
  /** Where a function sees what its runtime bundles (emulator/core/sdks); undefined where nothing is provided. */
  runtimeDirFor?(spec: FunctionSpec): string | undefined;
  /**
   * Where the runtime sees LaunchRequest.cacheDir (a host folder it may write, for the Java
   * class-data-sharing archive), or undefined where the executor cannot lend one (code copied to a
   * remote engine).
   */
  cacheRootFor?(image: string, hostDir: string): Promise<string | undefined>;
  /**
   * The uid that owns the sockets of this instance's runtime, the only caller its runtime
   * API admits; undefined where the host cannot see the runtime's sockets (no check).
   */
  runtimeUidFor?(instanceId: string): number | undefined;
  /**
   * Readies what a launch of `spec` needs and may take long (an image function's image build, the
   * packages of its runtime's bundled SDK it uses; `image`: the runtime image it will run in),
   * before the init limit starts counting; `say` tells the function's log what it does. Where
   * absent, or when it throws, the function cannot run on this executor as it is.
   */
  prepare?(spec: FunctionSpec, say: (line: string) => void, image?: string): Promise<void>;
  /**
   * The image a function's instances run on: the first of its candidates the engine has or can
   * pull (with progress said), with the version it runs. Absent where instances need no image.
   */
  chooseImage?(request: ImageRequest, say: (line: string) => void): Promise<ChosenImage>;
  launch(request: LaunchRequest): Promise<LaunchedInstance>;
  close(): Promise<void>;
}
