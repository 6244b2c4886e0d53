import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { layersCacheDir } from "../../config/paths";
import { mergedLayers } from "../layers/layerCache";
import { tmpdir } from "node:os";
import { agentArch, hostAgentBinary } from "../agent/agentBinary";
import { AgentChannel } from "../agent/agentChannel";
import { agentDiagnostics, agentHandlers } from "../agent/agentLaunch";
import type { FunctionSpec } from "../../project/spec";
import type { ExitInfo, Executor, LaunchRequest, LaunchedInstance } from "./executor";
import { HOST_HAS_SH, leasedCommand } from "./lease";

/** How long a local agent has to kill its runtime and exit once its lease ended, before kill() does it. */
const AGENT_KILL_GRACE_MS = 1000;

/**
 * Runs each instance as a child process on the host: no Docker needed, but no
 * isolation, no memory limit and no CPU share (a container gets CPU in proportion to its memory,
 * as in Lambda), which the emulator shows wherever it lists functions.
 *
 * The child lives on the same lease as a container (emulator/shims/lease.sh): its stdin is a
 * pipe whose other end only this process holds, so when the emulator dies, even by SIGKILL,
 * the runtime and whatever it started are killed. Not on Windows, which has no sh.
 *
 * With `agent` (FAASBOX_AGENT=1) the host's agent binary takes lease.sh's place, as in a
 * container: its stdin and stdout are the channel, the runtime's API connections come over it.
 */
export class ProcessExecutor implements Executor {
  readonly kind = "process" as const;
  readonly isolated = false;
  readonly runtimeApiHost = "127.0.0.1";
  readonly agent: boolean;

  constructor(readonly shimRoot: string, options: { agent?: boolean } = {}) {
    this.agent = options.agent === true;
  }

  /** Agents of local processes share the host's loopback: each listens on a port the kernel picks (0) and names it to its runtime. */
  agentApiPort(): Promise<number> {
    return Promise.resolve(0);
  }

  codeRootFor(spec: FunctionSpec): string {
    return spec.codeDir;
  }

  async cacheRootFor(_image: string, hostDir: string): Promise<string | undefined> {
    return hostDir;
  }

  /** There is no /opt of the function's own here: its layers are merged into a cache folder, read from there. */
  async layerRootFor(spec: FunctionSpec): Promise<string> {
    return spec.layers?.length ? await mergedLayers(spec.layers, layersCacheDir(), { dirs: [], files: [] }) : "/opt";
  }

  /**
   * Local processes run as the user: the runtime API admits that user's processes only. (Not
   * isolated: the user's own processes could read the runtime's memory anyway.)
   */
  runtimeUidFor(): number | undefined {
    // Under the agent the runtime API has no port to guard (the agent's own port is the runtime's side).
    return this.agent ? undefined : process.getuid?.();
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
    if (request.agent) return this.launchUnderAgent(request, [command, ...args], env);
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

  /**
   * The runtime as the host agent's child. The agent puts the runtime in a process group of
   * its own, so kill() ends the lease (the agent then kills that group and exits), and kills
   * both groups itself if the agent has not gone within AGENT_KILL_GRACE_MS.
   */
  private launchUnderAgent(request: LaunchRequest, command: string[], env: NodeJS.ProcessEnv): LaunchedInstance {
    if (process.platform !== "linux") throw new Error("the Faasbox agent runs on Linux only: unset FAASBOX_AGENT to run local processes on this system");
    const agent = hostAgentBinary(agentArch(process.arch));
    const child: ChildProcessWithoutNullStreams = spawn(agent, command, { cwd: request.codeRoot, env, stdio: ["pipe", "pipe", "pipe"], detached: true });
    child.stdin.on("error", () => undefined); // the agent gone: the channel sees its output end
    const channel = new AgentChannel(child.stdout, child.stdin, agentHandlers(request));
    child.stderr.on("data", agentDiagnostics(request));
    const exited = new Promise<ExitInfo>((resolve) => {
      child.once("error", (error) => {
        request.onOutput("stderr", Buffer.from(`cannot start the Faasbox agent ${agent}: ${error.message}\n`));
        resolve({ exitCode: null, oomKilled: false, signal: "spawn-error" });
      });
      // After the pipes drained: EXIT, if the agent sent it, has been read. It says how the runtime ended.
      child.once("close", (code, signal) => {
        const exit = channel.exit;
        resolve(exit ? { exitCode: exit.code ?? null, signal: exit.signal, oomKilled: false } : { exitCode: code, signal: signal ?? undefined, oomKilled: false });
      });
    });
    let done = false;
    void exited.then(() => (done = true));
    const kill = async () => {
      if (done || child.pid === undefined) return;
      channel.close(); // the lease
      const timer = setTimeout(() => {
        const runtime = channel.exit ? undefined : runtimePid;
        for (const group of [child.pid, runtime]) {
          try {
            if (group) process.kill(-group, "SIGKILL");
          } catch {
            // already gone
          }
        }
      }, AGENT_KILL_GRACE_MS);
      await exited;
      clearTimeout(timer);
    };
    let runtimePid: number | undefined;
    void channel.hello.then((hello) => (runtimePid = hello.pid), () => undefined);
    return { exited, kill, channel };
  }

  async close(): Promise<void> {}
}
