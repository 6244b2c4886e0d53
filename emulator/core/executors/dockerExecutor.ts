import { statSync } from "node:fs";
import { PassThrough } from "node:stream";
import type Docker from "dockerode";
import { LABELS } from "../docker/labels";
import { isAlive } from "../../util/isAlive";
import type { FunctionSpec } from "../../project/spec";
import type { ExitInfo, Executor, LaunchRequest, LaunchedInstance } from "./executor";
import { leasedCommand } from "./lease";

export type DockerNetwork = "host" | "bridge";

export interface DockerExecutorOptions {
  /** `host` on Linux; `bridge` with host.docker.internal on Docker Desktop. */
  network: DockerNetwork;
  /** The shims folder on the host, mounted read-only into every container. */
  hostShimsDir: string;
  /** How long a stopped Faasbox container may stay before any emulator removes it (default 30 s). */
  reapGraceMs?: number;
  /** How often a running emulator looks for such containers (default 30 s; 0: only at start). */
  sweepIntervalMs?: number;
}

// Grace plus interval: a crashed emulator's containers are gone within a minute while any emulator runs on the engine.
/** A stopped container older than this is an orphan: its own emulator removes it as soon as it stops. */
export const DEFAULT_REAP_GRACE_MS = 30_000;
export const DEFAULT_SWEEP_INTERVAL_MS = 30_000;
/** States in which a container's lease may still be held: never removed for another session. */
const LIVE_STATES = new Set(["running", "paused", "restarting", "removing"]);

const SHIM_ROOT = "/opt/faasbox/shims";
const DEBUGPY_ROOT = "/opt/faasbox/debugpy";
/** Lambda's /tmp is 512 MB by default; the root file system is read-only. */
const TMP_SIZE = "512m";
const PIDS_LIMIT = 256;
const NOBODY = "65534:65534";

/**
 * Never root: the user's own uid when it is not root (the code is theirs, so readable),
 * otherwise nobody, as the clouds run code as an unprivileged user.
 */
function containerUser(): string {
  const uid = process.getuid?.() ?? 0;
  return uid === 0 ? NOBODY : `${uid}:${process.getgid?.() ?? uid}`;
}

/** Lambda requires deployed files to be readable by others; say so before a confusing import error. */
function checkReadable(codeDir: string, user: string): void {
  if (user !== NOBODY) return;
  const mode = statSync(codeDir).mode;
  if ((mode & 0o005) !== 0o005) {
    throw new Error(`${codeDir} cannot be read by the container's unprivileged user (mode ${(mode & 0o777).toString(8)}); run: chmod -R o+rX ${codeDir}`);
  }
}
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
 */
export class DockerExecutor implements Executor {
  readonly kind = "docker" as const;
  readonly isolated = true;
  readonly shimRoot = SHIM_ROOT;
  readonly runtimeApiHost: string;
  private sweeper?: NodeJS.Timeout;
  private sweeping?: Promise<number>;

  constructor(private readonly docker: Docker, private readonly options: DockerExecutorOptions) {
    this.runtimeApiHost = options.network === "host" ? "127.0.0.1" : "host.docker.internal";
  }

  codeRootFor(spec: FunctionSpec): string {
    return spec.dialect === "aws" ? "/var/task" : "/var/user";
  }

  async launch(request: LaunchRequest): Promise<LaunchedInstance> {
    const { spec } = request;
    const memoryBytes = spec.memoryMb * 1024 * 1024;
    const user = containerUser();
    checkReadable(spec.codeDir, user);
    const container = await this.docker.createContainer({
      Image: request.image,
      Cmd: leasedCommand(SHIM_ROOT, request.command),
      WorkingDir: request.codeRoot,
      User: user,
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
        ExtraHosts: this.options.network === "bridge" ? ["host.docker.internal:host-gateway"] : undefined,
        Binds: [
          `${spec.codeDir}:${request.codeRoot}:ro`,
          `${this.options.hostShimsDir}:${SHIM_ROOT}:ro`,
          ...(request.debugpyDir ? [`${request.debugpyDir}:${DEBUGPY_ROOT}:ro`] : []),
        ],
        Memory: memoryBytes,
        MemorySwap: memoryBytes, // no swap: over the limit means killed, as in the clouds
        PidsLimit: PIDS_LIMIT,
        ReadonlyRootfs: true,
        Tmpfs: { "/tmp": `rw,exec,nosuid,size=${TMP_SIZE}` },
        CapDrop: ["ALL"],
        SecurityOpt: ["no-new-privileges"],
      },
    });
    let attached: AttachedStream | undefined;
    let removed: Promise<void> | undefined;
    const remove = () =>
      (removed ??= container
        .remove({ force: true })
        .then(() => undefined, () => undefined)
        .finally(() => attached?.destroy()));
    try {
      // One hijacked connection carries the output and holds the lease: never written to nor
      // ended while the instance should live (ending it would stop the runtime).
      const stream = (await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })) as AttachedStream;
      attached = stream;
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      stdout.on("data", (chunk: Buffer) => request.onOutput("stdout", chunk));
      stderr.on("data", (chunk: Buffer) => request.onOutput("stderr", chunk));
      this.docker.modem.demuxStream(stream, stdout, stderr);
      const outputEnded = new Promise<void>((resolve) => {
        stream.once("end", resolve);
        stream.once("close", resolve);
        stream.on("error", () => resolve()); // a reset as the container goes: nothing more to read
      });
      await container.start();
      const exited: Promise<ExitInfo> = container.wait().then(
        async (result: { StatusCode: number }) => {
          // The last lines may still be on their way when the engine reports the exit.
          await Promise.race([outputEnded, new Promise((r) => setTimeout(r, OUTPUT_DRAIN_MS))]);
          const state = await container.inspect().then((info) => info.State, () => undefined);
          await remove();
          return { exitCode: result.StatusCode, oomKilled: Boolean(state?.OOMKilled) };
        },
        async () => {
          await remove();
          return { exitCode: null, oomKilled: false, signal: "removed" };
        },
      );
      return { exited, kill: remove };
    } catch (error) {
      await remove();
      throw error;
    }
  }

  /** Reaps every `sweepIntervalMs` from now on, until close(); the timer never keeps the process alive. */
  startSweeping(): void {
    const every = this.options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
    if (every > 0 && !this.sweeper) {
      this.sweeper = setInterval(() => void this.reapOrphans().catch(() => undefined), every);
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
    await Promise.all(orphans.map((id) => this.docker.getContainer(id).remove({ force: true }).catch(() => undefined)));
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

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }
}
