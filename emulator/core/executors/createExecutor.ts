import { agentChannelKind } from "../agent/agentSocket";
import { parseCodeTransfer } from "../docker/codeTransfer";
import { clientFor, explainEngineError, pingEngine, resolveEngineTarget } from "../docker/engine";
import { checkNetworkExists, chooseNetwork, networkMode, parseNetwork, type NetworkChoice } from "../docker/network";
import { hostShimsDir } from "../runtime/shimsDir";
import { DockerExecutor, type DockerNetwork } from "./dockerExecutor";
import type { Executor } from "./executor";
import { ProcessExecutor } from "./processExecutor";

export type ExecutorChoice = "docker" | "process" | "auto";

export interface ExecutorSetup {
  executor: Executor;
  /** Said once to the user where functions are listed: `auto` fell back to processes, or direct mode. */
  warning?: string;
}

/**
 * FAASBOX_DOCKER_NETWORK (see network.ts): host, bridge, none or a named network; unset:
 * undefined, the engine's default (bridge where it has one, else host). Throws, naming the
 * variable and the choices, on anything else.
 */
export function configuredNetwork(env: NodeJS.ProcessEnv = process.env): NetworkChoice | undefined {
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
 * Whether instances run under the in-container agent (emulator/agent/PROTOCOL.md). In
 * containers, always unless FAASBOX_AGENT=0 (or the `agent: false` option) asks for direct mode,
 * which only host networking allows: the runtime then calls the emulator on the host's loopback,
 * admitted by its own uid (see runtimeUser.ts). Local processes run under it with
 * FAASBOX_AGENT=1 only (Linux only, and they are not isolated either way).
 */
export function agentWanted(kind: "docker" | "process", options: CreateExecutorOptions, env: NodeJS.ProcessEnv = process.env): boolean {
  if (options.agent !== undefined) return options.agent;
  return kind === "docker" ? env.FAASBOX_AGENT !== "0" : env.FAASBOX_AGENT === "1";
}

/** Said where functions are listed while instances take their Runtime API directly from the host's loopback. */
export const DIRECT_MODE_WARNING =
  "FAASBOX_AGENT=0: runtimes reach their Runtime API directly on the host's loopback (admitted by each instance's own uid), not through the in-container agent; use it only for a function that must reach services on this machine's loopback, and unset it otherwise";

export interface CreateExecutorOptions {
  /** Run instances under the agent (default: in containers unless FAASBOX_AGENT=0; local processes with FAASBOX_AGENT=1). */
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
  if (choice === "process") return { executor: new ProcessExecutor(shims, { agent: agentWanted("process", options) }) };
  const configured = network ?? configuredNetwork(); // a bad FAASBOX_DOCKER_NETWORK is refused even when `auto` might fall back
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
      executor: new ProcessExecutor(shims, { agent: agentWanted("process", options) }),
      warning:
        `${reason}: functions run as local processes (not isolated, no memory or CPU limit). ` +
        `${explained.fix ? `${explained.fix} Then restart` : "Start Docker and restart"} to run them in containers.`,
    };
  }
  const chosenNetwork = await chooseNetwork(docker, configured);
  await checkNetworkExists(docker, chosenNetwork, target);
  const agent = agentWanted("docker", options);
  if (!agent && chosenNetwork !== "host") {
    throw new Error(`FAASBOX_AGENT=0 (direct mode) needs host networking, and functions would join ${networkMode(chosenNetwork)}: set FAASBOX_DOCKER_NETWORK=host as well, or unset FAASBOX_AGENT.`);
  }
  // FAASBOX_AGENT_CHANNEL=socket|attach|auto: the agent's channel on a Unix socket where the engine
  // shares this machine's kernel and files, else the attach stream (agentSocket.ts).
  const agentChannel = agent
    ? agentChannelKind({
        setting: process.env.FAASBOX_AGENT_CHANNEL,
        localUnixEngine: engine.local && engine.transport === "unix",
        dockerDesktop: engine.source === "docker-desktop" || (await isDockerDesktop(docker)),
      })
    : "attach";
  const executor = new DockerExecutor(docker, {
    // none and named networks go to the engine as they are (HostConfig.NetworkMode); the
    // executor treats every mode but host as reaching the emulator at host.docker.internal.
    network: networkMode(chosenNetwork) as DockerNetwork,
    hostShimsDir: shims,
    codeTransfer,
    agent,
    agentChannel,
    target,
    reapGraceMs: msFromEnv("FAASBOX_REAP_GRACE_MS"),
    sweepIntervalMs: msFromEnv("FAASBOX_REAP_INTERVAL_MS"),
  });
  await executor.reapOrphans();
  executor.startSweeping();
  return { executor, warning: agent ? undefined : DIRECT_MODE_WARNING };
}

/** Docker Desktop says so in `docker info` (its engine runs in a VM, on Linux too). */
async function isDockerDesktop(docker: { info(): Promise<unknown> }): Promise<boolean> {
  try {
    const info = (await docker.info()) as { OperatingSystem?: string };
    return /docker desktop/i.test(info.OperatingSystem ?? "");
  } catch {
    return false; // the engine answered a ping: a failed info leaves the decision to the target
  }
}
