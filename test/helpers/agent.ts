import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Engine, EngineOptions } from "../../emulator/core/engine";
import { startEmulator } from "./emulator";
import { REPO_ROOT } from "./paths";

/** The agent tests never skip: without the built agent they fail and say how to build it. */
export function requireAgentBinary(): void {
  const binary = join(REPO_ROOT, "dist", "agent", "faasbox-agent-amd64");
  assert.ok(existsSync(binary), `${binary} is missing: build the agent: bash scripts/build-agent.sh`);
}

/** An emulator on a copy of `fixture` whose containers have no network: every instance runs under the agent. */
export async function startAgentEmulator(fixture: string, options: Partial<EngineOptions> = {}): Promise<Engine> {
  requireAgentBinary();
  return startEmulator(fixture, { executor: "docker", network: "none", agent: true, ...options });
}
