// The Node shim's CPU profile for `npm run bench -- --profile` (emulator/shims/node/cpuProfile.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../../helpers/paths";

type Profiler = { invocationDone(): void };
const { cpuProfiler } = createRequire(__filename)(join(REPO_ROOT, "emulator", "shims", "node", "cpuProfile.js")) as {
  cpuProfiler: (env: Record<string, string | undefined>) => Profiler;
};

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test("with FAASBOX_CPU_PROFILE the profile of the first N invocations is written, once, as a .cpuprofile", async () => {
  const dir = mkdtempSync(join(tmpdir(), "faasbox-shim-profile-"));
  const profiler = cpuProfiler({ FAASBOX_CPU_PROFILE: join(dir, "node-shim"), FAASBOX_CPU_PROFILE_INVOCATIONS: "3" });
  profiler.invocationDone();
  profiler.invocationDone();
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(readdirSync(dir), [], "nothing before the third invocation");
  profiler.invocationDone();
  const file = join(dir, `node-shim.${process.pid}.cpuprofile`);
  await until(() => existsSync(file), file);
  const profile = JSON.parse(readFileSync(file, "utf8")) as { nodes: unknown[]; samples: unknown[]; startTime: number; endTime: number };
  assert.ok(profile.nodes.length > 0 && Array.isArray(profile.samples) && profile.endTime >= profile.startTime, "a V8 CPU profile");
  profiler.invocationDone();
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(readdirSync(dir), [`node-shim.${process.pid}.cpuprofile`]);
});
