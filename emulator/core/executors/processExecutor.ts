import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import type { FunctionSpec } from "../../project/spec";
import type { ExitInfo, Executor, LaunchRequest, LaunchedInstance } from "./executor";

/**
 * Runs each instance as a child process on the host: no Docker needed, but no
 * isolation and no memory limit, which the emulator shows wherever it lists functions.
 */
export class ProcessExecutor implements Executor {
  readonly kind = "process" as const;
  readonly isolated = false;
  readonly runtimeApiHost = "127.0.0.1";

  constructor(readonly shimRoot: string) {}

  codeRootFor(spec: FunctionSpec): string {
    return spec.codeDir;
  }

  async launch(request: LaunchRequest): Promise<LaunchedInstance> {
    const [first, ...args] = request.command;
    let command = first;
    const env: NodeJS.ProcessEnv = { ...request.env, PATH: process.env.PATH, HOME: tmpdir() };
    if (request.debugpyDir) env.FAASBOX_DEBUGPY_PATH = request.debugpyDir;
    if (command === "node") {
      // Inside VS Code there may be no `node` on PATH: its own binary runs as Node.
      command = process.execPath;
      env.ELECTRON_RUN_AS_NODE = "1";
    }
    const child = spawn(command, args, { cwd: request.codeRoot, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    child.stdout.on("data", (chunk: Buffer) => request.onOutput("stdout", chunk));
    child.stderr.on("data", (chunk: Buffer) => request.onOutput("stderr", chunk));
    const exited = new Promise<ExitInfo>((resolve) => {
      child.once("error", (error) => {
        request.onOutput("stderr", Buffer.from(`cannot start ${command}: ${error.message}\n`));
        resolve({ exitCode: null, oomKilled: false, signal: "spawn-error" });
      });
      // "close" comes after the output pipes have drained, so the last lines are not lost.
      child.once("close", (code, signal) => resolve({ exitCode: code, signal: signal ?? undefined, oomKilled: false }));
    });
    const kill = async () => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      try {
        process.kill(-child.pid, "SIGKILL"); // the whole process group: the runtime may have children
      } catch {
        // already gone
      }
      await exited;
    };
    return { exited, kill };
  }

  async close(): Promise<void> {}
}
