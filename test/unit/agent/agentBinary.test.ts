// Which agent binary an instance gets: the engine's (or host's) architecture, and a clear error without one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { agentArch, hostAgentBinary } from "../../../emulator/core/agent/agentBinary";

test("Docker's, uname's and Node's names of a machine map to the agent's two builds", () => {
  for (const name of ["amd64", "x86_64", "x64"]) assert.equal(agentArch(name), "amd64");
  for (const name of ["arm64", "aarch64"]) assert.equal(agentArch(name), "arm64");
  assert.throws(() => agentArch("s390x"), /built for amd64 and arm64 only, not s390x/);
});

test("a missing binary is an error that says how to build it", () => {
  const dir = mkdtempSync(join(tmpdir(), "faasbox-agent-"));
  assert.throws(() => hostAgentBinary("arm64", dir), /faasbox-agent-arm64 is missing: build the agent: bash scripts\/build-agent\.sh/);
  writeFileSync(join(dir, "faasbox-agent-arm64"), "");
  assert.equal(hostAgentBinary("arm64", dir), join(dir, "faasbox-agent-arm64"));
});
