import { chmodSync, cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine, type EngineOptions } from "../../emulator/core/engine";
import { REPO_ROOT } from "./paths";

export const FIXTURES = join(REPO_ROOT, "test", "fixtures");

/** A private copy of a fixture project, so a test may change files in it. */
export function copyFixture(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `faasbox-${name}-`));
  chmodSync(dir, 0o755); // like a checkout: readable by the containers' unprivileged user
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

/** An emulator on a copy of `fixture`; the caller shuts it down. */
export async function startEmulator(fixture: string, options: Partial<EngineOptions> = {}): Promise<Engine> {
  const emulator = await Engine.create({ root: copyFixture(fixture), watch: false, ...options });
  if (emulator.problems.length) throw new Error(`fixture ${fixture} has problems:\n${emulator.problems.map((p) => p.message).join("\n")}`);
  return emulator;
}

/** `what` as a function is asked at the deadline, so the error shows the state then, not when the wait began. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string | (() => string), timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === "function" ? what() : what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
