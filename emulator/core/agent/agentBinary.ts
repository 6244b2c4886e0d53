import { existsSync } from "node:fs";
import { join } from "node:path";

/** Where the agent binary appears inside a container (its folder is mounted read-only there). */
export const AGENT_CONTAINER_DIR = "/opt/faasbox/agent";
export const AGENT_CONTAINER_PATH = `${AGENT_CONTAINER_DIR}/faasbox-agent`;

export type AgentArch = "amd64" | "arm64";

/** The agent's architecture for a machine name: Docker's (`docker version` Arch), uname's or Node's (process.arch). */
export function agentArch(machine: string): AgentArch {
  switch (machine.toLowerCase()) {
    case "amd64":
    case "x86_64":
    case "x64":
      return "amd64";
    case "arm64":
    case "aarch64":
      return "arm64";
    default:
      throw new Error(`the Faasbox agent is built for amd64 and arm64 only, not ${machine}`);
  }
}

/**
 * The folder holding the agent binaries on the host (scripts/build-agent.sh builds them into
 * dist/agent): next to the bundle (dist/agent), or dist/agent of the checkout when running from
 * sources (this file is emulator/core/agent/).
 */
export function hostAgentDir(): string {
  const candidates = [join(__dirname, "agent"), join(__dirname, "..", "..", "..", "dist", "agent")];
  return candidates.find((dir) => existsSync(dir)) ?? candidates[candidates.length - 1];
}

/** The host path of the agent binary for `arch`; throws, saying how to build it, when it is missing. */
export function hostAgentBinary(arch: AgentArch, dir = hostAgentDir()): string {
  const binary = join(dir, `faasbox-agent-${arch}`);
  if (!existsSync(binary)) throw new Error(`the Faasbox agent ${binary} is missing: build the agent: bash scripts/build-agent.sh`);
  return binary;
}
