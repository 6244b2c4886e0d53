import { statSync } from "node:fs";
import { PassThrough } from "node:stream";
import type Docker from "dockerode";
import { LABELS } from "../docker/labels";
import { isAlive } from "../../util/isAlive";
import type { FunctionSpec } from "../../project/spec";
import type { ExitInfo, Executor, LaunchRequest, LaunchedInstance } from "./executor";

export type DockerNetwork = "host" | "bridge";

export interface DockerExecutorOptions {
  /** `host` on Linux; `bridge` with host.docker.internal on Docker Desktop. */
  network: DockerNetwork;
  /** The shims folder on the host, mounted read-only into every container. */
  hostShimsDir: string;
}

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

/** Runs each instance in its own container: non-root, read-only code, limited memory and pids. */
export class DockerExecutor implements Executor {
  readonly kind = "docker" as const;
  readonly isolated = true;
  readonly shimRoot = SHIM_ROOT;
  readonly runtimeApiHost: string;

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
      Cmd: request.command,
      WorkingDir: request.codeRoot,
      User: user,
      Env: Object.entries({ ...request.env, FAASBOX_IN_CONTAINER: "1", ...(request.debugpyDir ? { FAASBOX_DEBUGPY_PATH: DEBUGPY_ROOT } : {}) })
        .map(([key, value]) => `${key}=${value}`),
      Labels: request.labels,
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
    let removed: Promise<void> | undefined;
    const remove = () => (removed ??= container.remove({ force: true }).then(() => undefined, () => undefined));
    try {
      const stream = await container.attach({ stream: true, stdout: true, stderr: true });
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      stdout.on("data", (chunk: Buffer) => request.onOutput("stdout", chunk));
      stderr.on("data", (chunk: Buffer) => request.onOutput("stderr", chunk));
      this.docker.modem.demuxStream(stream, stdout, stderr);
      const outputEnded = new Promise<void>((resolve) => {
        stream.once("end", resolve);
        stream.once("close", resolve);
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

  /** Removes containers left by emulators that are no longer running (a crash, a SIGKILL). */
  async reapOrphans(): Promise<number> {
    const containers = await this.docker.listContainers({ all: true, filters: { label: [`${LABELS.managed}=true`] } });
    let reaped = 0;
    for (const info of containers) {
      const pid = Number(info.Labels[LABELS.emulator]?.split("-")[0]);
      if (pid && isAlive(pid)) continue;
      await this.docker.getContainer(info.Id).remove({ force: true }).catch(() => undefined);
      reaped++;
    }
    return reaped;
  }

  async close(): Promise<void> {}
}
