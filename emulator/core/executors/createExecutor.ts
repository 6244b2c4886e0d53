import { connectDocker, describeDockerTarget, pingEngine } from "../docker/engine";
import { hostShimsDir } from "../runtime/shimsDir";
import { DockerExecutor, type DockerNetwork } from "./dockerExecutor";
import type { Executor } from "./executor";
import { ProcessExecutor } from "./processExecutor";

export type ExecutorChoice = "docker" | "process" | "auto";

export interface ExecutorSetup {
  executor: Executor;
  /** Said once to the user when `auto` fell back to processes. */
  warning?: string;
}

/** Linux engines share the host's loopback; Docker Desktop needs a bridge and host.docker.internal. */
export function defaultNetwork(env: NodeJS.ProcessEnv = process.env): DockerNetwork {
  const configured = env.FAASBOX_DOCKER_NETWORK;
  if (configured === "host" || configured === "bridge") return configured;
  return process.platform === "linux" ? "host" : "bridge";
}

/**
 * FAASBOX_REAP_GRACE_MS and FAASBOX_REAP_INTERVAL_MS tune the sweep for stopped orphan
 * containers (see DockerExecutor.reapOrphans); the tests shorten them.
 */
function msFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): number | undefined {
  const value = Number(env[name]);
  return env[name] !== undefined && env[name] !== "" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

export interface CreateExecutorOptions {
  /** The Docker engine (`unix:///path` or `tcp://host:port`); default: DOCKER_HOST, else the local socket. */
  dockerHost?: string;
}

export async function createExecutor(
  choice: ExecutorChoice,
  network: DockerNetwork = defaultNetwork(),
  options: CreateExecutorOptions = {},
): Promise<ExecutorSetup> {
  const shims = hostShimsDir();
  if (choice === "process") return { executor: new ProcessExecutor(shims) };
  const docker = connectDocker(options.dockerHost);
  const target = describeDockerTarget(process.env, options.dockerHost);
  try {
    await pingEngine(docker, 3000);
  } catch (error) {
    const reason = `no Docker engine answers at ${target} (${(error as Error).message})`;
    if (choice === "docker") throw new Error(`${reason}. Start Docker, or run with --executor process (functions then run as local processes, not isolated).`);
    return {
      executor: new ProcessExecutor(shims),
      warning: `${reason}: functions run as local processes (not isolated, no memory or CPU limit). Start Docker and restart to run them in containers.`,
    };
  }
  const executor = new DockerExecutor(docker, {
    network,
    hostShimsDir: shims,
    target,
    reapGraceMs: msFromEnv("FAASBOX_REAP_GRACE_MS"),
    sweepIntervalMs: msFromEnv("FAASBOX_REAP_INTERVAL_MS"),
  });
  await executor.reapOrphans();
  executor.startSweeping();
  return { executor };
}
