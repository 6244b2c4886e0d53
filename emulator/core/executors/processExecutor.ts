import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import type { FunctionSpec } from "../../project/spec";
import type { ExitInfo, Executor, LaunchRequest, LaunchedInstance } from "./executor";
import { HOST_HAS_SH, leasedCommand } from "./lease";

/**
 * Runs each instance as a child process on the host: no Docker needed, but no
 * isolation, no memory limit and no CPU share (a container gets CPU in proportion to its memory,
 * as in Lambda), which the emulator shows wherever it lists functions.
 *
 * The child lives on the same lease as a container (emulator/shims/lease.sh): its stdin is a
 * pipe whose other end only this process holds, so when the emulator dies, even by SIGKILL,
 * the runtime and whatever it started are killed. Not on Windows, which has no sh.
 */
export class ProcessExecutor implements Executor {
  readonly kind = "process" as const;
  readonly isolated = false;
  readonly runtimeApiHost = "127.0.0.1";

  constructor(readonly shimRoot: string) {}

  codeRootFor(spec: FunctionSpec): string {
    return spec.codeDir;
  }

  /**
   * Local processes run as the user: the runtime API admits that user's processes only. (Not
   * isolated: the user's own processes could read the runtime's memory anyway.)
   */
  runtimeUidFor(): number | undefined {
    return process.getuid?.();
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
    // detached: the child leads its own process group, which kill() and the lease both end whole.
    const [program, ...argv] = HOST_HAS_SH ? leasedCommand(this.shimRoot, [command, ...args]) : [command, ...args];
    const child = spawn(program, argv, { cwd: request.codeRoot, env, stdio: ["pipe", "pipe", "pipe"], detached: true });
    // The lease: never written to nor ended; Node closes it when the child exits.
    child.stdin.on("error", () => undefined);
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
