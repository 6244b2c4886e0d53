import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../emulator/util/freePort";

export { freePort };

export const CODE_SERVER_VERSION = "4.100.3";

/** code-server as `npm run setup` caches it; the vscode tier fails (never skips) without it. */
export function codeServerBinary(): string {
  const cache = process.env.FAASBOX_CACHE ?? join(homedir(), ".cache", "faasbox");
  const binary = join(cache, `code-server-${CODE_SERVER_VERSION}`, "node_modules", ".bin", "code-server");
  assert.ok(existsSync(binary), `the vscode tier needs code-server ${CODE_SERVER_VERSION} at ${binary}: run 'npm run setup'`);
  return binary;
}

export function chromiumBinary(): string {
  const binary = process.env.FAASBOX_CHROMIUM ?? "/usr/bin/chromium";
  assert.ok(existsSync(binary), `the vscode tier needs Chromium at ${binary}: run 'npm run setup' (or set FAASBOX_CHROMIUM)`);
  return binary;
}


export interface RunningCodeServer {
  port: number;
  process: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts code-server on a free loopback port and resolves once it serves HTTP. */
export async function startCodeServer(workspace: string, env: NodeJS.ProcessEnv): Promise<RunningCodeServer> {
  const port = await freePort();
  const state = mkdtempSync(join(tmpdir(), "faasbox-code-server-"));
  // A quiet workbench: no welcome page over the editor area in screenshots.
  mkdirSync(join(state, "user-data", "User"), { recursive: true });
  writeFileSync(join(state, "user-data", "User", "settings.json"), JSON.stringify({ "workbench.startupEditor": "none", "telemetry.telemetryLevel": "off" }));
  const child = spawn(codeServerBinary(), [
    "--auth", "none", "--bind-addr", `127.0.0.1:${port}`,
    "--disable-telemetry", "--disable-update-check", "--disable-workspace-trust",
    "--user-data-dir", join(state, "user-data"), "--extensions-dir", join(state, "extensions"),
    workspace,
  ], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let log = "";
  child.stdout!.on("data", (d) => (log += d));
  child.stderr!.on("data", (d) => (log += d));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) assert.fail(`code-server exited with ${child.exitCode}:\n${log}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) assert.fail(`code-server did not answer on port ${port} within 60 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    port,
    process: child,
    output: () => log,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      process.kill(-child.pid!, "SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) process.kill(-child.pid!, "SIGKILL");
    },
  };
}
