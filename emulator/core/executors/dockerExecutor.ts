import { PassThrough, type Writable } from "node:stream";
import type Docker from "dockerode";
import { AGENT_CONTAINER_DIR, AGENT_CONTAINER_PATH, agentArch, hostAgentBinary, type AgentArch } from "../agent/agentBinary";
import { AGENT_API_PORT, AgentChannel } from "../agent/agentChannel";
import { agentDiagnostics, agentHandlers } from "../agent/agentLaunch";
import { copyInto, engineSeesPath, volumeFor, type CodeTransfer, type CodeTransferChoice } from "../docker/codeTransfer";
import { LABELS } from "../docker/labels";
import { freePort } from "../../util/freePort";
import { isAlive } from "../../util/isAlive";
import type { FunctionSpec } from "../../project/spec";
import type { ExitInfo, Executor, LaunchRequest, LaunchedInstance } from "./executor";
import { leasedCommand } from "./lease";
import { checkReadable, newRuntimeUser, type RuntimeUser } from "./runtimeUser";

/** HostConfig.NetworkMode (FAASBOX_DOCKER_NETWORK may also name a network: treated as not host). */
export type DockerNetwork = "host" | "bridge" | "none";

export interface DockerExecutorOptions {
  /** `host` on Linux; `bridge` on Docker Desktop; `none` or a named network as configured. */
  network: DockerNetwork;
  /**
   * Run every instance under the in-container agent (emulator/agent/PROTOCOL.md). Always so on
   * a network other than host: there the runtime reaches its Runtime API through the agent only.
   */
  agent?: boolean;
  /** The shims folder on the host, mounted read-only into (or copied into) every container. */
  hostShimsDir: string;
  /**
   * How host folders (code, shims, the agent, debugpy) reach a container: bind mounts, or
   * copies through the archive API into volumes (an engine that does not see this machine's
   * files); `auto` (the default) asks the engine once, with the first function's code folder.
   */
  codeTransfer?: CodeTransferChoice;
  /** How long a stopped Faasbox container may stay before any emulator removes it (default 30 s). */
  reapGraceMs?: number;
  /** How often a running emulator looks for such containers (default 30 s; 0: only at start). */
  sweepIntervalMs?: number;
  /** The engine in words a user can act on, for error messages (see describeDockerTarget). */
  target?: string;
  /** How long one container's removal is retried while the engine does not answer or fails (default 5 s). */
  removeRetryMs?: number;
  /** How long close() may spend removing what is left of this emulator's containers (default 5 s). */
  closeBudgetMs?: number;
  /** Where a warning for the user goes (containers left behind at close); default: stderr. */
  warn?: (message: string) => void;
}

// Grace plus interval: a crashed emulator's containers are gone within a minute while any emulator runs on the engine.
/** A stopped container older than this is an orphan: its own emulator removes it as soon as it stops. */
export const DEFAULT_REAP_GRACE_MS = 30_000;
export const DEFAULT_SWEEP_INTERVAL_MS = 30_000;
/** Removal is retried this long while the engine is unreachable or answers an error; then it is left for later. */
export const DEFAULT_REMOVE_RETRY_MS = 5_000;
/** close() removes what is left of its session for at most this long, then says what it could not. */
export const DEFAULT_CLOSE_BUDGET_MS = 5_000;
/** A launch step the engine has not answered within this long fails, so nothing waits on a hung engine forever. */
const LAUNCH_STEP_TIMEOUT_MS = 30_000;
const FIRST_RETRY_MS = 50;
const MAX_RETRY_MS = 1_000;
/** States in which a container's lease may still be held: never removed for another session. */
const LIVE_STATES = new Set(["running", "paused", "restarting", "removing"]);

const SHIM_ROOT = "/opt/faasbox/shims";
const DEBUGPY_ROOT = "/opt/faasbox/debugpy";

/** A host folder (or file) a container needs, and where it appears, read-only for the runtime. */
interface HostPath {
  host: string;
  /** The folder it appears as (or, for a file, in). */
  target: string;
  /** A file's name inside `target`. */
  file?: string;
}
/** Lambda's /tmp is 512 MB by default; the root file system is read-only. */
const TMP_SIZE = "512m";
const PIDS_LIMIT = 256;
/**
 * CPU in proportion to memory, as Lambda allocates it: "Lambda allocates CPU power in proportion
 * to the amount of memory configured. ... At 1,769 MB, a function has the equivalent of one vCPU
 * (one vCPU-second of credits per second)" (https://docs.aws.amazon.com/lambda/latest/dg/resource-model.html,
 * "Configure Lambda function memory"). SCF's docs give no CPU figure for a memory size (its quotas,
 * https://cloud.tencent.com/document/product/583/11637, list memory only): SCF functions get the same share.
 */
const MB_PER_VCPU = 1769;
/**
 * The least CPU a container gets. Lambda's own share at 128 MB, 0.072 vCPU, made a cold start
 * here 4.6 times (Node) to 5.9 times (Python) slower than with no quota: medians of 742 and
 * 1,004 ms against 162 and 171 ms (five 128 MB cold starts each, start of the container to the
 * first answer, on a 2-CPU host); a 0.125 floor gave 397 and 549 ms, 0.25 gave 235 and 246 ms,
 * 0.5 gave 215 and 226 ms. Lambda does not initialise at that share either: on-demand functions
 * "use a full vCPU (non-throttled)" for up to 10 s of initialisation, says an AWS guide
 * (https://serverlessland.com/content/service/lambda/guides/effectively-running-java-on-serverless/init-heavy-lifting;
 * the developer guide is silent), and a container's quota is set when it is created, before its
 * runtime initialises. So 0.25 vCPU, past which cold starts barely improve: a function under
 * 443 MB gets more CPU here than in Lambda; from 443 MB up it gets exactly Lambda's share.
 */
const MIN_VCPU = 0.25;

/**
 * HostConfig.NanoCpus for a function of `memoryMb`: its share, at least MIN_VCPU, at most the
 * engine's CPUs (Docker refuses a container asking for more CPUs than its host has).
 */
export function cpuShareNanos(memoryMb: number, engineCpus?: number): number {
  const share = Math.max(MIN_VCPU, memoryMb / MB_PER_VCPU);
  return Math.round(Math.min(share, engineCpus ?? Infinity) * 1e9);
}

/** The engine's CPU count (its VM's on Docker Desktop), asked once per engine; undefined when it does not say. */
const engineCpuCounts = new WeakMap<Docker, Promise<number | undefined>>();
function engineCpus(docker: Docker): Promise<number | undefined> {
  let count = engineCpuCounts.get(docker);
  if (!count) {
    const info = Promise.resolve().then(() => docker.info() as Promise<{ NCPU?: number }>);
    count = within(info, LAUNCH_STEP_TIMEOUT_MS, "docker info").then((answer) => answer.NCPU || undefined, () => undefined);
    engineCpuCounts.set(docker, count);
  }
  return count;
}
const OUTPUT_DRAIN_MS = 500;
/** A hijacked attach connection: a socket. */
type AttachedStream = NodeJS.ReadWriteStream & { destroy(): void };

/** Docker's name for the engine's architecture (`docker version` Arch) as the agent's, asked once per engine. */
const engineArches = new WeakMap<Docker, Promise<AgentArch>>();
function engineAgentArch(docker: Docker): Promise<AgentArch> {
  let arch = engineArches.get(docker);
  if (!arch) {
    const version = Promise.resolve().then(() => docker.version() as Promise<{ Arch?: string }>);
    arch = within(version, LAUNCH_STEP_TIMEOUT_MS, "docker version").then((answer) => agentArch(answer.Arch ?? "unknown"));
    // A failed question is asked again next time.
    arch.catch(() => engineArches.delete(docker));
    engineArches.set(docker, arch);
  }
  return arch;
}

/** One container's removal: retried with back-off until it is gone or its time is up. */
interface Removal {
  /** Settles after the first attempt, whatever it gave. */
  firstTry: Promise<void>;
  /** True once the container is gone; false when the time ran out first (it stays tracked). */
  done: Promise<boolean>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The engine says the container does not exist (any more): as good as removed. */
function isGone(error: unknown): boolean {
  return (error as { statusCode?: number }).statusCode === 404;
}

/** The engine did not answer in time (it may be hung, or very slow). */
class NoAnswer extends Error {}

/** A promise that rejects (NoAnswer) after `ms` when `promise` has not settled by then; `ms` of 0 or less: no bound. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  if (ms <= 0 || !Number.isFinite(ms)) return promise;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NoAnswer(`${what}: no answer within ${(ms / 1000).toFixed(1)} s`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

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
  private sweeper?: NodeJS.Timeout;
  private sweeping?: Promise<number>;
  /** Every container we created and have not seen removed yet, with the last error removing it. */
  private readonly containers = new Map<string, { lastError?: string }>();
  private readonly removals = new Map<string, Removal>();
  /** The sessions (dev.faasbox.session) our containers carry: close() sweeps each. */
  private readonly sessions = new Set<string>();
  /** Each instance's own user, chosen before its runtime API opens (see runtimeUser.ts). */
  private readonly users = new Map<string, RuntimeUser>();
  /** Mount or copy, decided once (see codeTransfer()). */
  private transfer?: Promise<CodeTransfer>;

  constructor(private readonly docker: Docker, private readonly options: DockerExecutorOptions) {
    // Without the agent (host networking only, now) the runtime calls the emulator on the host's
    // loopback. Debug sessions read this too: 127.0.0.1 means a debugger's port is the host's.
    this.runtimeApiHost = options.network === "host" ? "127.0.0.1" : "host.docker.internal";
    this.agent = options.agent === true || options.network !== "host";
  }

  /** In a network namespace of its own the agent takes the usual port; on the host's, each instance its own. */
  agentApiPort(): Promise<number> {
    return this.options.network === "host" ? freePort() : Promise.resolve(AGENT_API_PORT);
  }

  codeRootFor(spec: FunctionSpec): string {
    return spec.dialect === "aws" ? "/var/task" : "/var/user";
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
    // The agent binary for the engine's architecture, mounted read-only as the container's entrypoint.
    const agentBinary = request.agent ? hostAgentBinary(await engineAgentArch(this.docker)) : undefined;
    const memoryBytes = spec.memoryMb * 1024 * 1024;
    const user = this.runtimeUser(request.instanceId);
    checkReadable(spec.codeDir, user);
    const session = request.labels[LABELS.session];
    if (session) this.sessions.add(session);
    const transfer = await this.codeTransfer(request.image, spec.codeDir);
    const hostPaths: HostPath[] = [
      { host: spec.codeDir, target: request.codeRoot },
      { host: this.options.hostShimsDir, target: SHIM_ROOT },
      ...(request.debugpyDir ? [{ host: request.debugpyDir, target: DEBUGPY_ROOT }] : []),
      ...(agentBinary ? [{ host: agentBinary, target: AGENT_CONTAINER_DIR, file: AGENT_CONTAINER_PATH.slice(AGENT_CONTAINER_DIR.length + 1) }] : []),
    ];
    const container = await this.engineStep("create the container", this.docker.createContainer({
      Image: request.image,
      // The agent as PID 1 (it reaps, forwards SIGTERM, holds the lease), or lease.sh.
      Cmd: agentBinary ? [AGENT_CONTAINER_PATH, ...request.command] : leasedCommand(SHIM_ROOT, request.command),
      WorkingDir: request.codeRoot,
      User: `${user.uid}:${user.gid}`,
      Env: Object.entries({ ...request.env, FAASBOX_IN_CONTAINER: "1", ...(request.debugpyDir ? { FAASBOX_DEBUGPY_PATH: DEBUGPY_ROOT } : {}) })
        .map(([key, value]) => `${key}=${value}`),
      Labels: request.labels,
      // The lease: stdin stays open while we are attached, and closes for good when we go.
      OpenStdin: true,
      StdinOnce: true,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      HostConfig: {
        NetworkMode: this.options.network,
        // Under the agent nothing in the container calls the host.
        ExtraHosts: this.options.network === "bridge" && !agentBinary ? ["host.docker.internal:host-gateway"] : undefined,
        // Mounted read-only, or copied (below) into volumes as files of root the runtime cannot change.
        ...(transfer === "mount"
          ? { Binds: hostPaths.map((p) => `${p.host}:${p.file ? `${p.target}/${p.file}` : p.target}:ro`) }
          : { Mounts: hostPaths.map((p) => volumeFor(p.target)) }),
        Memory: memoryBytes,
        MemorySwap: memoryBytes, // no swap: over the limit means killed, as in the clouds
        NanoCpus: cpuShareNanos(spec.memoryMb, await engineCpus(this.docker)), // CPU in proportion to memory (MB_PER_VCPU, MIN_VCPU)
        PidsLimit: PIDS_LIMIT,
        ReadonlyRootfs: true,
        Tmpfs: { "/tmp": `rw,exec,nosuid,size=${TMP_SIZE}` },
        CapDrop: ["ALL"],
        SecurityOpt: ["no-new-privileges"],
      },
    }));
    // Tracked from now on, whatever happens next: a container is never forgotten on the engine.
    this.containers.set(container.id, {});
    // The engine answers: removals that ran out of time while it did not can finish now.
    this.retryStranded();
    let attached: AttachedStream | undefined;
    let leaseEnded = false;
    // The removal under way, or a new one when the last ran out of time (kill() again retries).
    const remove = (): Removal => {
      const removal = this.remove(container.id);
      if (!leaseEnded) {
        leaseEnded = true;
        // The lease ends with the container, whether or not the engine took the removal yet.
        void removal.done.finally(() => attached?.destroy());
      }
      return removal;
    };
    try {
      if (transfer === "copy") {
        // Each into its own volume, all at once.
        await Promise.all(hostPaths.map((p) => this.engineStep(`copy ${p.host} into the container`, copyInto(container, p.host, p.target, p.file))));
      }
      // One hijacked connection carries the output and holds the lease: never written to nor
      // ended while the instance should live (ending it would stop the runtime).
      const stream = (await this.engineStep("attach to the container", container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true }))) as AttachedStream;
      attached = stream;
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      let channel: AgentChannel | undefined;
      if (request.agent) {
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
      const exited: Promise<ExitInfo> = container.wait().then(
        async (result: { StatusCode: number }) => {
          // The last lines may still be on their way when the engine reports the exit.
          await Promise.race([outputEnded, new Promise((r) => setTimeout(r, OUTPUT_DRAIN_MS))]);
          const state = await container.inspect().then((info) => info.State, () => undefined);
          // Gone before the exit is reported when the engine takes the removal at once; when it
          // does not (it is shutting down), the exit is reported now and the removal goes on.
          await remove().firstTry;
          const oomKilled = Boolean(state?.OOMKilled);
          // Under the agent, PID 1 is the agent: the runtime's own exit is in its EXIT frame.
          const exit = channel?.exit;
          return exit ? { exitCode: exit.code ?? null, signal: exit.signal, oomKilled } : { exitCode: result.StatusCode, oomKilled };
        },
        async () => {
          // Removed (kill), or the connection to the engine broke (it stopped or restarted).
          await remove().firstTry;
          return { exitCode: null, oomKilled: false, signal: "removed" };
        },
      );
      void exited.then(() => this.users.delete(request.instanceId));
      return { exited, kill: async () => void (await remove().done), channel };
    } catch (error) {
      attached?.destroy();
      await remove().firstTry;
      throw error;
    }
  }

  /** A launch step, bounded, its failure worded so the user sees the engine is the cause. */
  private async engineStep<T>(what: string, step: Promise<T>): Promise<T> {
    try {
      return await within(step, LAUNCH_STEP_TIMEOUT_MS, what);
    } catch (error) {
      const reason = (error as Error).message;
      const statusCode = (error as { statusCode?: number }).statusCode;
      const message = statusCode !== undefined
        ? `the Docker engine at ${this.target} could not ${what}: ${reason}`
        : error instanceof NoAnswer
          ? `the Docker engine at ${this.target} did not ${what} within ${LAUNCH_STEP_TIMEOUT_MS / 1000} s; is it hung?`
          : `the Docker engine at ${this.target} does not answer (${reason}); is it running?`;
      throw Object.assign(new Error(message), { statusCode, cause: error });
    }
  }

  private get target(): string {
    return this.options.target ?? "the configured address";
  }

  /**
   * Removes a tracked container, retrying with back-off while the engine is unreachable or
   * answers an error, for at most `budgetMs`; a container still there then stays tracked, for
   * retryStranded and close(). One removal per container at a time.
   */
  private remove(id: string, budgetMs = this.options.removeRetryMs ?? DEFAULT_REMOVE_RETRY_MS): Removal {
    const under = this.removals.get(id);
    if (under) return under;
    if (!this.containers.has(id)) return { firstTry: Promise.resolve(), done: Promise.resolve(true) };
    let firstTried!: () => void;
    const firstTry = new Promise<void>((resolve) => (firstTried = resolve));
    const done = (async () => {
      const deadline = performance.now() + budgetMs;
      for (let delay = FIRST_RETRY_MS; ; delay = Math.min(delay * 2, MAX_RETRY_MS)) {
        const left = Math.max(deadline - performance.now(), 1);
        const error = await within(this.docker.getContainer(id).remove({ force: true, v: true }), left, "removal").then(() => undefined, (e: unknown) => e);
        firstTried();
        if (error === undefined || isGone(error)) {
          this.containers.delete(id);
          return true;
        }
        const tracked = this.containers.get(id);
        if (tracked) tracked.lastError = (error as Error).message;
        if (performance.now() + delay >= deadline) return false;
        await sleep(delay);
      }
    })().finally(() => this.removals.delete(id));
    const removal = { firstTry, done };
    this.removals.set(id, removal);
    return removal;
  }

  /** Containers whose removal ran out of time: tried again (in the background) now that the engine answers. */
  private retryStranded(): void {
    for (const [id, tracked] of this.containers) {
      if (!this.removals.has(id) && tracked.lastError !== undefined) void this.remove(id);
    }
  }

  /** Reaps every `sweepIntervalMs` from now on, until close(); the timer never keeps the process alive. */
  startSweeping(): void {
    const every = this.options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
    if (every > 0 && !this.sweeper) {
      this.sweeper = setInterval(() => {
        this.retryStranded();
        void this.reapOrphans().catch(() => undefined);
      }, every);
      this.sweeper.unref();
    }
  }

  /**
   * Removes what dead emulators left, whichever session they belong to: a Faasbox container
   * that is not running (created, exited, dead) and whose last change of state is older than
   * the grace period. A live emulator removes its own containers as soon as they stop, so an
   * old stopped one has no owner any more; its lease ran out. A running container is never
   * removed for its session: by construction its owner still holds its lease. The one
   * exception is a running container of a Faasbox from before sessions (no session label, no
   * lease), removed as those versions did when its emulator's PID is dead, and only on a local
   * unix-socket engine, where that PID can mean something.
   */
  async reapOrphans(graceMs = this.options.reapGraceMs ?? DEFAULT_REAP_GRACE_MS): Promise<number> {
    // One sweep at a time: a slow engine must not pile them up.
    this.sweeping ??= this.sweep(graceMs).finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async sweep(graceMs: number): Promise<number> {
    const containers = await this.docker.listContainers({ all: true, filters: { label: [`${LABELS.managed}=true`] } });
    const orphans: string[] = [];
    let now: number | undefined;
    for (const info of containers) {
      if (LIVE_STATES.has(info.State)) {
        if (this.isLegacyOrphan(info)) orphans.push(info.Id);
        continue;
      }
      // The engine's clock, not ours: a remote engine's may differ by more than the grace.
      now ??= await this.engineNow();
      const changed = await this.lastStateChange(info);
      if (changed !== undefined && now - changed >= graceMs) orphans.push(info.Id);
    }
    await Promise.all(orphans.map((id) => this.docker.getContainer(id).remove({ force: true, v: true }).catch(() => undefined)));
    return orphans.length;
  }

  private isLegacyOrphan(info: Docker.ContainerInfo): boolean {
    if (info.State !== "running" || info.Labels[LABELS.session] !== undefined || !this.localEngine()) return false;
    const pid = Number(info.Labels[LABELS.emulator]?.split("-")[0]);
    return Number.isInteger(pid) && pid > 0 && !isAlive(pid);
  }

  /** A unix socket not pointed elsewhere by DOCKER_HOST (tcp, ssh): the engine shares our PIDs, or at least our host. */
  private localEngine(): boolean {
    const host = process.env.DOCKER_HOST;
    return Boolean((this.docker.modem as { socketPath?: unknown }).socketPath) && (!host || host.startsWith("unix://"));
  }

  /** When the container last started or stopped (or was created), in the engine's ms; undefined when gone. */
  private async lastStateChange(info: Docker.ContainerInfo): Promise<number | undefined> {
    const details = await this.docker.getContainer(info.Id).inspect().catch(() => undefined);
    if (!details) return undefined;
    const times = [details.Created, details.State.StartedAt, details.State.FinishedAt].map((t) => Date.parse(t)).filter((t) => t > 0);
    return Math.max(info.Created * 1000, ...times);
  }

  private async engineNow(): Promise<number> {
    const info = (await this.docker.info().catch(() => undefined)) as { SystemTime?: string } | undefined;
    const time = info?.SystemTime ? Date.parse(info.SystemTime) : NaN;
    return Number.isNaN(time) ? Date.now() : time;
  }

  /**
   * Stops sweeping and removes every container of this emulator's sessions that is still on
   * the engine, tracked or not (one created as the engine shut down, whose id never came back),
   * running or not: by now every instance has stopped. Gives up after closeBudgetMs, so a dead
   * engine never holds the emulator's shutdown, and then says what it left.
   */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    const budget = this.options.closeBudgetMs ?? DEFAULT_CLOSE_BUDGET_MS;
    const deadline = performance.now() + budget;
    let listError: string | undefined;
    for (let delay = FIRST_RETRY_MS * 2; ; delay = Math.min(delay * 2, MAX_RETRY_MS)) {
      listError = await this.trackSessionContainers(Math.max(deadline - performance.now(), 1)).then(() => undefined, (e: Error) => e.message);
      const left = deadline - performance.now();
      // A listing that took the whole budget (a hung engine) leaves no time for removals worth trying.
      if (left > FIRST_RETRY_MS) await Promise.all([...this.containers.keys()].map((id) => within(this.remove(id, left).done, left, "removal").catch(() => false)));
      if (listError === undefined && this.containers.size === 0) return;
      if (performance.now() + delay >= deadline) break;
      await sleep(delay);
    }
    const ids = [...this.containers.keys()].map((id) => id.slice(0, 12));
    const reasons = new Set([...this.containers.values()].map((c) => c.lastError).filter((e) => e !== undefined));
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
      for (const info of found) if (!this.containers.has(info.Id)) this.containers.set(info.Id, {});
    }
  }
}
