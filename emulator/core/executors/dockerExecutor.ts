import { existsSync } from "node:fs";
import { PassThrough, type Writable } from "node:stream";
import type Docker from "dockerode";
import { AGENT_CONTAINER_DIR, AGENT_CONTAINER_PATH, hostAgentBinary } from "../agent/agentBinary";
import { AGENT_API_PORT, AgentChannel } from "../agent/agentChannel";
import { AGENT_SOCKET_CONTAINER_DIR, listenForAgent, removeAgentSockets, type AgentChannelKind, type AgentSocketListener } from "../agent/agentSocket";
import { agentDiagnostics, agentHandlers } from "../agent/agentLaunch";
import { copyInto, engineSeesPath, volumeFor, type CodeTransfer, type CodeTransferChoice } from "../docker/codeTransfer";
import { LAUNCH_STEP_TIMEOUT_MS, NoAnswer, sleep, within } from "../docker/engineCalls";
import { cpuShareNanos, engineAgentArch, engineCpus, initCpuNanos } from "../docker/engineFacts";
import { LABELS } from "../docker/labels";
import { layersCacheDir, runtimeSdksDir } from "../../config/paths";
import { bundledSdkFor, RUNTIME_DIR, type BundledSdk } from "../sdks/bundledSdks";
import { ensureNpmSdk } from "../sdks/npmSdkCache";
import { sdkVolume } from "../sdks/sdkVolume";
import { mergedLayers } from "../layers/layerCache";
import { FunctionImages, type PreparedImage } from "../docker/functionImages";
import { RuntimeImages } from "../docker/runtimeImages";
import { varLangImage } from "../docker/varLangImage";
import type { FunctionSpec } from "../../project/spec";
import type { ChosenImage, ExitInfo, Executor, ImageRequest, LaunchRequest, LaunchedInstance } from "./executor";
import { ContainerRemovals, FIRST_RETRY_MS, MAX_RETRY_MS, type ContainerRemovalsOptions, type Removal } from "./containerRemovals";
import { leasedCommand } from "./lease";
import { OrphanSweeper, type OrphanSweeperOptions } from "./orphanSweeper";
import { checkReadable, newRuntimeUser, type RuntimeUser } from "./runtimeUser";

/** Filling an engine's volume with a runtime's bundled SDK (once per engine and version; 75 to 90 MB). */
const SDK_FILL_TIMEOUT_MS = 10 * 60_000;
/** How long a first invocation waits for its CPU quota to drop to its share (the engine answers in milliseconds when well). */
const CPU_UPDATE_TIMEOUT_MS = 5_000;

export { cpuShareNanos } from "../docker/engineFacts";
export { DEFAULT_REMOVE_RETRY_MS } from "./containerRemovals";
export { DEFAULT_REAP_GRACE_MS, DEFAULT_SWEEP_INTERVAL_MS } from "./orphanSweeper";

/** HostConfig.NetworkMode (FAASBOX_DOCKER_NETWORK may also name a network: treated as not host). */
export type DockerNetwork = "host" | "bridge" | "none";

export interface DockerExecutorOptions extends OrphanSweeperOptions, ContainerRemovalsOptions {
  /** `host` on Linux; `bridge` on Docker Desktop; `none` or a named network as configured. */
  network: DockerNetwork;
  /**
   * Run every instance under the in-container agent (emulator/agent/PROTOCOL.md): the default.
   * `false` (direct mode) only counts on host networking: elsewhere the runtime reaches its
   * Runtime API through the agent only.
   */
  agent?: boolean;
  /**
   * The agent's channel: the engine's attach stream (the default), or a Unix socket in a folder
   * mounted into the instance's container (a local Linux engine; see agentSocket.ts). An instance
   * whose code is copied in (an engine that does not see this machine's files) uses attach.
   */
  agentChannel?: AgentChannelKind;
  /** The shims folder on the host, mounted read-only into (or copied into) every container. */
  hostShimsDir: string;
  /**
   * How host folders (code, shims, the agent, debugpy) reach a container: bind mounts, or
   * copies through the archive API into volumes (an engine that does not see this machine's
   * files); `auto` (the default) asks the engine once, with the first function's code folder.
   */
  codeTransfer?: CodeTransferChoice;
  /** The engine in words a user can act on, for error messages (see describeDockerTarget). */
  target?: string;
  /** How long close() may spend removing what is left of this emulator's containers (default 5 s). */
  closeBudgetMs?: number;
  /** Where a warning for the user goes (containers left behind at close); default: stderr. */
  warn?: (message: string) => void;
}

/** close() removes what is left of its session for at most this long, then says what it could not. */
export const DEFAULT_CLOSE_BUDGET_MS = 5_000;

/** Where Lambda and SCF put a function's layers. */
const LAYER_ROOT = "/opt";
const SHIM_ROOT = "/opt/faasbox/shims";
/** LaunchRequest.cacheDir in the container: the one folder of the host an instance may write. */
const CACHE_ROOT = "/var/faasbox/cache";
const DEBUGPY_ROOT = "/opt/faasbox/debugpy";

/** A host folder (or file) a container needs, and where it appears, read-only for the runtime. */
interface HostPath {
  host: string;
  /** The folder it appears as (or, for a file, in). */
  target: string;
  /** A file's name inside `target`. */
  file?: string;
}
/** What launchContainer worked out for createAndStart. */
interface ContainerLaunch {
  agentBinary?: string;
  user: RuntimeUser;
  prepared?: PreparedImage;
  image: string;
  transfer: CodeTransfer;
  hostPaths: HostPath[];
  sdk?: BundledSdk;
  sdkVolumeName?: string;
  socketListener?: AgentSocketListener;
}

/** Lambda's /tmp is 512 MB by default; the root file system is read-only. */
const TMP_SIZE = "512m";
const PIDS_LIMIT = 256;
const OUTPUT_DRAIN_MS = 500;
/** A hijacked attach connection: a socket. */
type AttachedStream = NodeJS.ReadWriteStream & { destroy(): void };

/**
 * Runs each instance in its own container: non-root, read-only code, limited memory and pids.
 *
 * A container belongs to its emulator's session (label `dev.faasbox.session`) and lives on a
 * lease: it is created with an open stdin that closes when its one attached client goes
 * (StdinOnce), and we stay attached to it for its whole life. When this process dies, even by
 * SIGKILL, the engine closes that stdin and lease.sh kills the runtime, so the container
 * stops; it needs no network path back to us, works on a remote engine and guesses no PID.
 * A stopped container is then removed by the next sweep of any emulator (see reapOrphans).
 *
 * Every container is tracked from the moment the engine returns its id until the engine says it
 * is gone: a removal the engine does not take (unreachable, restarting, answering errors) is
 * retried with back-off for a few seconds, then again whenever the engine answers, and close()
 * removes whatever still carries this emulator's session, in any state, even a container whose
 * creation the engine never confirmed (it was shutting down).
 */
export class DockerExecutor implements Executor {
  readonly kind = "docker" as const;
  readonly isolated = true;
  readonly shimRoot = SHIM_ROOT;
  readonly runtimeApiHost: string;
  readonly agent: boolean;
  readonly agentChannel?: AgentChannelKind;
  readonly network: string;
  /** Every container we created and have not seen removed yet, and its removal. */
  private readonly containers: ContainerRemovals;
  /** Removes what dead emulators left on the engine. */
  private readonly sweeper: OrphanSweeper;
  private readonly functionImages: FunctionImages;
  private readonly runtimeImages: RuntimeImages;
  /** The sessions (dev.faasbox.session) our containers carry: close() sweeps each. */
  private readonly sessions = new Set<string>();
  /** Each instance's own user, chosen before its runtime API opens (see runtimeUser.ts). */
  private readonly users = new Map<string, RuntimeUser>();
  /** Mount or copy, decided once (see codeTransfer()). */
  private transfer?: Promise<CodeTransfer>;
  /** Set by close(): a launch still on its way creates nothing more, and removes what it made. */
  private closed = false;

  constructor(private readonly docker: Docker, private readonly options: DockerExecutorOptions) {
    // Without the agent (direct mode, host networking only) the runtime calls the emulator on the
    // host's loopback. Debug sessions read this too: 127.0.0.1 means a debugger's port is the host's.
    this.runtimeApiHost = options.network === "host" ? "127.0.0.1" : "host.docker.internal";
    this.agent = options.agent !== false || options.network !== "host";
    this.agentChannel = this.agent ? (options.agentChannel ?? "attach") : undefined;
    this.network = options.network;
    this.containers = new ContainerRemovals(docker, options);
    this.sweeper = new OrphanSweeper(docker, options, this.containers);
    this.functionImages = new FunctionImages(docker, options.network);
    this.runtimeImages = new RuntimeImages(docker);
  }

  /** In a network namespace of its own the agent takes the usual port; on the host's, each instance its own. */
  agentApiPort(): Promise<number> {
    // On the host's loopback the agent takes a port the kernel picks (0) and names it to its
    // runtime: one chosen here ahead could be taken before the container binds it (a burst of 16
    // instances once lost that race). Alone in its network namespace, it has 9001.
    return Promise.resolve(this.options.network === "host" ? 0 : AGENT_API_PORT);
  }

  codeRootFor(spec: FunctionSpec): string {
    return spec.dialect === "aws" ? "/var/task" : "/var/user";
  }

  /** Mounted read-write where the engine sees the host's folders; a remote engine gets none. */
  async cacheRootFor(image: string, hostDir: string): Promise<string | undefined> {
    return (await this.codeTransfer(image, hostDir)) === "mount" ? CACHE_ROOT : undefined;
  }

  /**
   * With host networking, the uid of the instance's runtime, which alone its runtime API
   * admits. On a bridge network the runtime's sockets are not in this host's table: no
   * check is possible there (the in-container agent of the any-engine work closes that).
   */
  runtimeUidFor(instanceId: string): number | undefined {
    // Under the agent the runtime API has no port to guard: its connections come over the agent's channel.
    if (this.agent) return undefined;
    return this.options.network === "host" ? this.runtimeUser(instanceId).uid : undefined;
  }

  /**
   * Mount or copy for this executor's containers: as configured, or in `auto` whether the
   * engine sees `probeDir` (a code folder: the folder that matters), asked once; a probe the
   * engine could not answer is asked again at the next launch. A folder this process cannot
   * write the probe's marker into leaves things as they always were: mount.
   */
  codeTransfer(image: string, probeDir: string): Promise<CodeTransfer> {
    const choice = this.options.codeTransfer ?? "auto";
    if (choice !== "auto") return Promise.resolve(choice);
    if (!this.transfer) {
      const probe = Promise.resolve().then(() => engineSeesPath(this.docker, image, probeDir)).then(
        (sees): CodeTransfer => (sees ? "mount" : "copy"),
        (error: unknown) => {
          // The host's own file system refused the marker (it names a path; an engine's error does not).
          if ((error as NodeJS.ErrnoException).path !== undefined && (error as { statusCode?: number }).statusCode === undefined) return "mount" as const;
          throw error;
        },
      );
      const transfer = this.engineStep("run the probe for shared files", probe);
      transfer.catch(() => {
        if (this.transfer === transfer) this.transfer = undefined;
      });
      this.transfer = transfer;
    }
    return this.transfer;
  }

  private runtimeUser(instanceId: string): RuntimeUser {
    let user = this.users.get(instanceId);
    if (!user) this.users.set(instanceId, (user = newRuntimeUser()));
    return user;
  }

  launch(request: LaunchRequest): Promise<LaunchedInstance> {
    return this.launchContainer(request).catch((error: unknown) => {
      this.users.delete(request.instanceId);
      throw error;
    });
  }

  private async launchContainer(request: LaunchRequest): Promise<LaunchedInstance> {
    const { spec } = request;
    if (this.agent && !request.agent) throw new Error(`on the ${this.options.network} network an instance runs under the Faasbox agent only`);
    // Known before the first await, so a close() that starts meanwhile lists this session too.
    const session = request.labels[LABELS.session];
    if (session) this.sessions.add(session);
    // The agent binary for the engine's architecture, mounted read-only as the container's entrypoint.
    const agentBinary = request.agent ? hostAgentBinary(await engineAgentArch(this.docker)) : undefined;
    const user = this.runtimeUser(request.instanceId);
    // An image function brings its code and runtime in its image: built (or found) here, nothing of the host's code is lent.
    const prepared = spec.container ? await this.prepareImage(request) : undefined;
    if (!prepared) checkReadable(spec.codeDir, user);
    const image = prepared?.image ?? request.image;
    const transfer = await this.codeTransfer(image, spec.codeDir);
    const hostPaths: HostPath[] = [
      // First: the rest are mounted (or copied) over it.
      ...(spec.layers?.length ? [{ host: await this.mergedLayers(spec.layers), target: LAYER_ROOT }] : []),
      ...(prepared ? [] : [{ host: spec.codeDir, target: request.codeRoot }]),
      { host: this.options.hostShimsDir, target: SHIM_ROOT },
      ...(request.debugpyDir ? [{ host: request.debugpyDir, target: DEBUGPY_ROOT }] : []),
      ...(agentBinary ? [{ host: agentBinary, target: AGENT_CONTAINER_DIR, file: AGENT_CONTAINER_PATH.slice(AGENT_CONTAINER_DIR.length + 1) }] : []),
    ];
    // What the runtime bundles: bind mounted, or a named volume filled once per engine (never copied per instance).
    const sdk = prepared ? undefined : this.presentSdk(spec, (line) => request.onOutput("stderr", Buffer.from(`${line}\n`)));
    const sdkVolumeName = sdk && transfer === "copy" ? await this.engineStep(`fill a volume with ${sdk.title}`, sdkVolume(this.docker, image, sdk), SDK_FILL_TIMEOUT_MS) : undefined;
    this.refuseWhenClosed();
    // The agent's channel on a socket of its own where the engine shares our files (mount); else the attach stream.
    const socketListener = agentBinary && transfer === "mount" && this.agentChannel === "socket" ? await listenForAgent(request.instanceId, user, request.onRuntimeConnection) : undefined;
    try {
      return await this.createAndStart(request, { agentBinary, user, prepared, image, transfer, hostPaths, sdk, sdkVolumeName, socketListener });
    } catch (error) {
      socketListener?.close();
      throw error;
    }
  }

  private async createAndStart(request: LaunchRequest, launch: ContainerLaunch): Promise<LaunchedInstance> {
    const { spec } = request;
    const { agentBinary, user, prepared, image, transfer, hostPaths, sdk, sdkVolumeName, socketListener } = launch;
    const memoryBytes = spec.memoryMb * 1024 * 1024;
    const engineCpuCount = await engineCpus(this.docker);
    const cpus = { init: initCpuNanos(spec.memoryMb, engineCpuCount), invoke: cpuShareNanos(spec.memoryMb, engineCpuCount) };
    const container = await this.engineStep("create the container", this.docker.createContainer({
      Image: image,
      // Sent as the create call's `platform` query parameter (dockerode puts the options there too).
      ...(request.platform && !prepared ? { platform: request.platform } : {}),
      // The agent as PID 1 (it reaps, forwards SIGTERM, holds the lease), or lease.sh. An image
      // function's ENTRYPOINT + CMD are the argv the agent runs, so the image's own ENTRYPOINT is reset.
      ...(prepared ? { Entrypoint: [""] } : {}),
      Cmd: agentBinary ? [AGENT_CONTAINER_PATH, ...(prepared?.argv ?? request.command)] : leasedCommand(SHIM_ROOT, prepared?.argv ?? request.command),
      WorkingDir: prepared?.workingDir ?? request.codeRoot,
      User: `${user.uid}:${user.gid}`,
      Env: Object.entries({ ...request.env, FAASBOX_IN_CONTAINER: "1", ...(request.debugpyDir ? { FAASBOX_DEBUGPY_PATH: DEBUGPY_ROOT } : {}), ...socketListener?.env })
        .map(([key, value]) => `${key}=${value}`),
      Labels: request.labels,
      // The lease: stdin stays open while we are attached, and closes for good when we go.
      OpenStdin: true,
      StdinOnce: true,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      HostConfig: {
        NetworkMode: request.ownNetwork && this.options.network === "host" ? "none" : this.options.network,
        // Not for the agent (nothing in the container calls the host for Faasbox): so a function
        // reaches services on this machine by the name Docker Desktop gives it, on Linux too.
        ExtraHosts: this.options.network === "bridge" ? ["host.docker.internal:host-gateway"] : undefined,
        // Mounted read-only, or copied (below) into volumes as files of root the runtime cannot change.
        ...(transfer === "mount"
          ? {
              Binds: [
                ...[...hostPaths, ...(sdk ? [{ host: sdk.hostDir, target: sdk.target }] : [])].map((p: HostPath) => `${p.host}:${p.file ? `${p.target}/${p.file}` : p.target}:ro`),
                ...(request.cacheDir ? [`${request.cacheDir}:${CACHE_ROOT}:rw`] : []),
                // Read-only: the agent connects to the socket (which a read-only mount allows) and can create nothing there.
                ...(socketListener ? [`${socketListener.hostDir}:${AGENT_SOCKET_CONTAINER_DIR}:ro`] : []),
              ],
            }
          : { Mounts: [...hostPaths.map((p) => volumeFor(p.target)), ...(sdkVolumeName && sdk ? [{ Type: "volume" as const, Source: sdkVolumeName, Target: sdk.target, ReadOnly: true }] : [])] }),
        Memory: memoryBytes,
        MemorySwap: memoryBytes, // no swap: over the limit means killed, as in the clouds
        NanoCpus: cpus.init, // a full vCPU to initialise, then CPU in proportion to memory (initDone below)
        PidsLimit: PIDS_LIMIT,
        // Everything the container prints reaches us over the attach stream (or the agent's socket);
        // the engine's default json-file log would also keep a copy on its disk for the container's
        // life: on the attach channel every frame, events and answers with whatever secrets they
        // carry (about 500 bytes an invocation, unbounded under a load test).
        LogConfig: { Type: "none", Config: {} },
        ReadonlyRootfs: true,
        Tmpfs: { "/tmp": `rw,exec,nosuid,size=${TMP_SIZE}` },
        CapDrop: ["ALL"],
        SecurityOpt: ["no-new-privileges"],
      },
    }));
    // Tracked from now on, whatever happens next: a container is never forgotten on the engine.
    this.containers.track(container.id);
    // The engine answers: removals that ran out of time while it did not can finish now.
    this.containers.retryStranded();
    let attached: AttachedStream | undefined;
    let leaseEnded = false;
    // The removal under way, or a new one when the last ran out of time (kill() again retries).
    const remove = (): Removal => {
      const removal = this.containers.remove(container.id);
      if (!leaseEnded) {
        leaseEnded = true;
        // The lease ends with the container, whether or not the engine took the removal yet.
        void removal.done.finally(() => attached?.destroy());
      }
      return removal;
    };
    try {
      this.refuseWhenClosed();
      if (transfer === "copy") {
        // Each into its own volume, all at once; the layers before the rest, whose volumes are inside theirs.
        const copy = (p: HostPath) => this.engineStep(`copy ${p.host} into the container`, copyInto(container, p.host, p.target, p.file));
        const [layers, rest] = hostPaths[0].target === LAYER_ROOT ? [hostPaths[0], hostPaths.slice(1)] : [undefined, hostPaths];
        if (layers) await copy(layers);
        await Promise.all(rest.map(copy));
      }
      // One hijacked connection carries the output and holds the lease: never written to nor
      // ended while the instance should live (ending it would stop the runtime).
      const stream = (await this.engineStep("attach to the container", container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true }))) as AttachedStream;
      attached = stream;
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      let channel: AgentChannel | undefined;
      if (socketListener) {
        // The frames go over the socket (below); the attach stream holds the lease (its stdin,
        // never written) and carries the agent's diagnostics (stderr). Its stdout stays empty.
        stderr.on("data", agentDiagnostics(request));
        stdout.on("data", agentDiagnostics(request));
      } else if (request.agent) {
        // The agent's stdout carries only frames (the runtime's output comes in STDOUT/STDERR
        // frames); its stderr is its own diagnostics. We write frames to its stdin: the attach
        // stream's writable side, whose end is the lease.
        channel = new AgentChannel(stdout, stream as unknown as Writable, agentHandlers(request));
        // Small frames (a Runtime API answer) go out at once on a TCP engine (DOCKER_HOST=tcp://); a no-op on a unix socket.
        (stream as { setNoDelay?: (noDelay: boolean) => void }).setNoDelay?.(true);
        stderr.on("data", agentDiagnostics(request));
        // demuxStream does not end its outputs: the channel must see the end of the agent's stdout.
        stream.once("end", () => stdout.end());
        stream.once("close", () => stdout.end());
      } else {
        stdout.on("data", (chunk: Buffer) => request.onOutput("stdout", chunk));
        stderr.on("data", (chunk: Buffer) => request.onOutput("stderr", chunk));
      }
      this.docker.modem.demuxStream(stream, stdout, stderr);
      const outputEnded = new Promise<void>((resolve) => {
        stream.once("end", resolve);
        stream.once("close", resolve);
        stream.on("error", () => resolve()); // a reset as the container goes: nothing more to read
      });
      await this.engineStep("start the container", container.start());
      const waited = container.wait();
      if (socketListener) {
        // The agent connects before it starts the runtime; one that cannot says why on stderr and exits.
        const gone = waited.then(
          () => Promise.reject(new Error("the instance's agent exited before it connected to the emulator's socket (its diagnostics are in the function's log)")),
          (error: unknown) => Promise.reject(error instanceof Error ? error : new Error(String(error))),
        );
        gone.catch(() => undefined);
        const socket = await within(Promise.race([socketListener.accepted, gone]), LAUNCH_STEP_TIMEOUT_MS, "the agent's connection to the emulator's socket");
        channel = new AgentChannel(socket, socket, agentHandlers(request));
        socket.resume(); // left paused with what followed the secret put back: the channel reads it now
      }
      const exited: Promise<ExitInfo> = waited.then(
        async (result: { StatusCode: number }) => {
          // The last lines (and, on the socket, the agent's EXIT) may still be on their way when the engine reports the exit.
          await Promise.race([Promise.all([outputEnded, channel?.ended]), new Promise((r) => setTimeout(r, OUTPUT_DRAIN_MS))]);
          const state = await container.inspect().then((info) => info.State, () => undefined);
          // Gone before the exit is reported when the engine takes the removal at once; when it
          // does not (it is shutting down), the exit is reported now and the removal goes on.
          await remove().firstTry;
          const oomKilled = Boolean(state?.OOMKilled);
          // Under the agent, PID 1 is the agent: the runtime's own exit is in its EXIT frame.
          const exit = channel?.exit;
          if (exit) return { exitCode: exit.code ?? null, signal: exit.signal, oomKilled };
          return { exitCode: result.StatusCode, oomKilled, ...(channel && !oomKilled ? { killedFromOutside: true } : {}) };
        },
        async () => {
          // Removed (kill), or the connection to the engine broke (it stopped or restarted).
          await remove().firstTry;
          return { exitCode: null, oomKilled: false, signal: "removed" };
        },
      );
      void exited.then(() => {
        this.users.delete(request.instanceId);
        socketListener?.close();
      });
      const exec = (command: string[]) => execOutput(container, command, `${user.uid}:${user.gid}`);
      // Lowered before the first event is given, so every invocation runs at its share as in Lambda
      // (under load the engine took 0.35 s to answer: the first invocation ran at a full vCPU that
      // long). An engine that cannot update a running container (or one already gone), or does not
      // answer in time, leaves the instance with the CPU it initialised with.
      const initDone = async () => {
        if (cpus.invoke >= cpus.init) return;
        await within(container.update({ NanoCpus: cpus.invoke }), CPU_UPDATE_TIMEOUT_MS, "lowering the CPU quota").catch(() => undefined);
      };
      return { exited, kill: async () => void (await remove().done), channel, exec, initDone };
    } catch (error) {
      attached?.destroy();
      await remove().firstTry;
      throw error;
    }
  }

  /**
   * An image function's image, built when its context changed (unbounded: a build takes what it
   * takes); for the others, the packages of their runtime's bundled SDK that they use, installed
   * into the host cache when missing (npm).
   */
  async prepare(spec: FunctionSpec, say: (line: string) => void, image?: string): Promise<void> {
    if (spec.container) {
      await this.functionImages.prepare(spec.name, spec.container, say);
      return;
    }
    const sdk = bundledSdkFor(spec, runtimeSdksDir());
    if (!sdk) return;
    await ensureNpmSdk(sdk, spec.codeDir, say);
    // An engine that does not see this machine's files gets the bundle once, in a volume, before the init limit counts.
    if (image && existsSync(sdk.hostDir) && (await this.codeTransfer(image, spec.codeDir)) === "copy") {
      // Once per engine and SDK version, and 100 MB or more: bounded by a transfer's time, not a launch step's.
      await this.engineStep(`fill a volume with ${sdk.title}`, sdkVolume(this.docker, image, sdk, say), SDK_FILL_TIMEOUT_MS);
    }
  }

  /** Where a function sees its runtime's bundle: Lambda's runtime folder, for functions that have one. */
  runtimeDirFor(spec: FunctionSpec): string | undefined {
    return bundledSdkFor(spec, runtimeSdksDir()) ? RUNTIME_DIR : undefined;
  }

  /**
   * The function's bundle when its cache folder is there; when it is not (setup did not run, and
   * nothing installs it at launch: boto3), the instance starts without it and says how to get it.
   */
  private presentSdk(spec: FunctionSpec, say?: (line: string) => void): BundledSdk | undefined {
    const sdk = bundledSdkFor(spec, runtimeSdksDir());
    if (!sdk || existsSync(sdk.hostDir)) return sdk;
    say?.(`${sdk.title} is not in ${sdk.hostDir}: the function runs without it; run scripts/setup-runtime-sdks.sh to install it`);
    return undefined;
  }

  async chooseImage(request: ImageRequest, say: (line: string) => void): Promise<ChosenImage> {
    const chosen = await this.runtimeImages.choose(request, say);
    if (!request.web) return chosen;
    // A web function's scf_bootstrap calls SCF's absolute interpreter paths: the image gets them.
    const { Id } = await this.docker.getImage(chosen.image).inspect();
    return { ...chosen, image: await this.engineStep("add SCF's /var/lang paths to the image", varLangImage(this.docker, Id), SDK_FILL_TIMEOUT_MS) };
  }

  /** At launch, after prepare(): the image is there, so this is a fingerprint and an inspect. */
  private prepareImage(request: LaunchRequest): Promise<PreparedImage> {
    return this.functionImages.prepare(request.spec.name, request.spec.container!, (line) => request.onOutput("stderr", Buffer.from(`${line}\n`)));
  }

  /**
   * The function's layers merged into one cached folder, with empty mount points for what this
   * executor puts inside /opt (shims, debugpy, the agent): a read-only /opt cannot have them made.
   */
  private mergedLayers(layers: string[]): Promise<string> {
    const inOpt = (path: string) => path.slice(LAYER_ROOT.length + 1);
    return mergedLayers(layers, layersCacheDir(), { dirs: [inOpt(SHIM_ROOT), inOpt(DEBUGPY_ROOT), inOpt(AGENT_CONTAINER_DIR), inOpt(AGENT_SOCKET_CONTAINER_DIR)], files: [inOpt(AGENT_CONTAINER_PATH)] });
  }

  layerRootFor(): string {
    return LAYER_ROOT;
  }

  /** A launch that outlived close() stops here (the catch of launchContainer removes what it made). */
  private refuseWhenClosed(): void {
    if (this.closed) throw new Error("the emulator is shutting down");
  }

  /** A launch step, bounded, its failure worded so the user sees the engine is the cause. */
  private async engineStep<T>(what: string, step: Promise<T>, timeoutMs = LAUNCH_STEP_TIMEOUT_MS): Promise<T> {
    try {
      return await within(step, timeoutMs, what);
    } catch (error) {
      const reason = (error as Error).message;
      const statusCode = (error as { statusCode?: number }).statusCode;
      const message = statusCode !== undefined
        ? `the Docker engine at ${this.target} could not ${what}: ${reason}`
        : error instanceof NoAnswer
          ? `the Docker engine at ${this.target} did not ${what} within ${timeoutMs / 1000} s; is it hung?`
          : `the Docker engine at ${this.target} does not answer (${reason}); is it running?`;
      throw Object.assign(new Error(message), { statusCode, cause: error });
    }
  }

  private get target(): string {
    return this.options.target ?? "the configured address";
  }

  /** Reaps every `sweepIntervalMs` from now on, until close(); the timer never keeps the process alive. */
  startSweeping(): void {
    this.sweeper.start();
  }

  /** Removes what dead emulators left (see OrphanSweeper.reapOrphans). */
  reapOrphans(graceMs?: number): Promise<number> {
    return this.sweeper.reapOrphans(graceMs);
  }

  /**
   * Stops sweeping and removes every container of this emulator's sessions that is still on
   * the engine, tracked or not (one created as the engine shut down, whose id never came back),
   * running or not: by now every instance has stopped. Gives up after closeBudgetMs, so a dead
   * engine never holds the emulator's shutdown, and then says what it left.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.sweeper.stop();
    try {
      await this.removeSessionContainers();
    } finally {
      removeAgentSockets();
    }
  }

  private async removeSessionContainers(): Promise<void> {
    const budget = this.options.closeBudgetMs ?? DEFAULT_CLOSE_BUDGET_MS;
    const deadline = performance.now() + budget;
    let listError: string | undefined;
    for (let delay = FIRST_RETRY_MS * 2; ; delay = Math.min(delay * 2, MAX_RETRY_MS)) {
      listError = await this.trackSessionContainers(Math.max(deadline - performance.now(), 1)).then(() => undefined, (e: Error) => e.message);
      const left = deadline - performance.now();
      // A listing that took the whole budget (a hung engine) leaves no time for removals worth trying.
      if (left > FIRST_RETRY_MS) await Promise.all(this.containers.ids.map((id) => within(this.containers.remove(id, left).done, left, "removal").catch(() => false)));
      if (listError === undefined && this.containers.size === 0) return;
      if (performance.now() + delay >= deadline) break;
      await sleep(delay);
    }
    const ids = this.containers.ids.map((id) => id.slice(0, 12));
    const reasons = new Set(this.containers.lastErrors());
    if (listError !== undefined) reasons.add(`listing them: ${listError}`);
    const what = ids.length
      ? `${ids.length} container(s) of this emulator could not be removed from the Docker engine at ${this.target} within ${budget / 1000} s: ${ids.join(" ")}`
      : `the containers of this emulator could not be listed on the Docker engine at ${this.target} within ${budget / 1000} s, so some may be left`;
    const how = ids.length && listError === undefined
      ? `docker rm -f ${ids.join(" ")}`
      : [...this.sessions].map((session) => `docker rm -f $(docker ps -aq --filter label=${LABELS.session}=${session})`).join("; ");
    const warn = this.options.warn ?? ((message: string) => console.error(`warning: ${message}`));
    warn(
      `${what} (${[...reasons].join("; ") || "no answer"}). Their lease has ended, so they stop; any Faasbox emulator on that engine removes` +
        ` stopped ones within a minute, or remove them yourself once the engine answers: ${how}`,
    );
  }

  /** Tracks every container on the engine that carries one of our sessions, in any state. */
  private async trackSessionContainers(timeoutMs: number): Promise<void> {
    for (const session of this.sessions) {
      const found = await within(this.docker.listContainers({ all: true, filters: { label: [`${LABELS.session}=${session}`] } }), timeoutMs, "listing");
      for (const info of found) if (!this.containers.isTracked(info.Id)) this.containers.track(info.Id);
    }
  }
}

/** A command's stdout inside the container (as `user`), within a launch step's time. */
async function execOutput(container: Docker.Container, command: string[], user: string): Promise<string> {
  const exec = await container.exec({ Cmd: command, User: user, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
  container.modem.demuxStream(stream, stdout, new PassThrough());
  await within(new Promise<void>((resolve, reject) => {
    stream.once("end", resolve);
    stream.once("close", resolve);
    stream.once("error", reject);
  }), LAUNCH_STEP_TIMEOUT_MS, "exec");
  return Buffer.concat(chunks).toString("utf8");
}
