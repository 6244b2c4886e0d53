import { execFile, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { CLI } from "./paths";

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `faasbox` CLI the way a user does, as a separate process. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, input?: string): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...env },
    input,
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The CLI without blocking this process: needed when the emulator it talks to runs in this process. */
export function runCliAsync(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, encoding: "utf8", timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ status: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** `faasbox start ROOT` on Docker with free ports and no watcher, as its own process: the child and all it has printed so far. */
export function spawnCliStart(root: string, extraArgs: string[] = []): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [CLI, "start", root, "--executor", "docker", "--http-port", "0", "--invoke-port", "0", "--no-watch", ...extraArgs], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  return { child, output: () => output };
}
