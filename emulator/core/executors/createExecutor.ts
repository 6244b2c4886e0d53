import { parseCodeTransfer } from "../docker/codeTransfer";
import { clientFor, explainEngineError, pingEngine, resolveEngineTarget } from "../docker/engine";
import { checkNetworkExists, networkMode, parseNetwork, type NetworkChoice } from "../docker/network";
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

/**
 * FAASBOX_DOCKER_NETWORK (see network.ts): host, bridge, none or a named network; unset, host
 * on Linux (engines there share the host's loopback) and bridge elsewhere (Docker Desktop,
 * with host.docker.internal). Throws, naming the variable and the choices, on anything else.
 */
export function defaultNetwork(env: NodeJS.ProcessEnv = process.env): NetworkChoice {
  return parseNetwork(env.FAASBOX_DOCKER_NETWORK);
}

/**
 * FAASBOX_REAP_GRACE_MS and FAASBOX_REAP_INTERVAL_MS tune the sweep for stopped orphan
 * containers (see DockerExecutor.reapOrphans); the tests shorten them.
 */
function msFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): number | undefined {
  const value = Number(env[name]);
  return env[name] !== undefined && env[name] !== "" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * Whether instances run under the in-container agent (emulator/agent/PROTOCOL.md): opt-in for
 * now with FAASBOX_AGENT=1 (or the `agent` option); Docker networks other than host always do
 * (DockerExecutor decides that from the network).
 */
export function agentWanted(options: CreateExecutorOptions, env: NodeJS.ProcessEnv = process.env): boolean {
  return options.agent ?? env.FAASBOX_AGENT === "1";
}

export interface CreateExecutorOptions {
  /** Run instances under the agent (default: FAASBOX_AGENT=1; always on a Docker network other than host). */
  agent?: boolean;
  /** The Docker engine (`unix:///path` or `tcp://host:port`); default: as the docker CLI chooses (see engineTarget.ts). */
  dockerHost?: string;
}

export async function createExecutor(
  choice: ExecutorChoice,
  network?: NetworkChoice,
  options: CreateExecutorOptions = {},
): Promise<ExecutorSetup> {
  const shims = hostShimsDir();
  if (choice === "process") return { executor: new ProcessExecutor(shims, { agent: agentWanted(options) }) };
  const chosenNetwork = network ?? defaultNetwork(); // a bad FAASBOX_DOCKER_NETWORK is refused even when `auto` might fall back
  // FAASBOX_CODE_TRANSFER: mount, copy or auto (default; see DockerExecutor.codeTransfer), refused likewise when unknown.
  const codeTransfer = parseCodeTransfer(process.env.FAASBOX_CODE_TRANSFER);
  const engine = resolveEngineTarget({ dockerHost: options.dockerHost });
  const target = engine.description;
  let docker;
  try {
    docker = clientFor(engine);
    await pingEngine(docker, 3000);
  } catch (error) {
    const explained = docker ? explainEngineError(error, engine) : { reason: (error as Error).message };
    const reason = docker ? `no Docker engine answers at ${target} (${explained.reason})` : `the Docker engine cannot be used: ${explained.reason}`;
    if (choice === "docker") {
      throw new Error(`${reason}. ${explained.fix ?? "Start Docker."} Or run with --executor process (functions then run as local processes, not isolated).`);
    }
    return {
      executor: new ProcessExecutor(shims, { agent: agentWanted(options) }),
      warning:
        `${reason}: functions run as local processes (not isolated, no memory or CPU limit). ` +
        `${explained.fix ? `${explained.fix} Then restart` : "Start Docker and restart"} to run them in containers.`,
    };
  }
  await checkNetworkExists(docker, chosenNetwork, target);
  const executor = new DockerExecutor(docker, {
    // none and named networks go to the engine as they are (HostConfig.NetworkMode); the
    // executor treats every mode but host as reaching the emulator at host.docker.internal.
    network: networkMode(chosenNetwork) as DockerNetwork,
    hostShimsDir: shims,
    codeTransfer,
    agent: agentWanted(options),
    target,
    reapGraceMs: msFromEnv("FAASBOX_REAP_GRACE_MS"),
    sweepIntervalMs: msFromEnv("FAASBOX_REAP_INTERVAL_MS"),
  });
  await executor.reapOrphans();
  executor.startSweeping();
  return { executor };
}
