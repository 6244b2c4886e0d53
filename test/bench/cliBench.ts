import { spawn, spawnSync } from "node:child_process";
import { copyFixture, waitFor } from "../helpers/emulator";
import { CLI } from "../helpers/paths";
import type { Row } from "./emulatorBench";
import { ms, percentile } from "./stats";

const RUNS = 20;

/** Wall time of one process, start to exit; throws when it fails, so a broken command is no fast number. */
function timeProcess(args: string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { encoding: "utf8" });
  const elapsed = performance.now() - started;
  if (result.status !== 0) throw new Error(`node ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return elapsed;
}

/** Each command RUNS times, interleaved so that a busy moment of the shared machine falls on all of them alike. */
function timeInterleaved(commands: Record<string, string[]>): Record<string, number> {
  const samples = Object.fromEntries(Object.keys(commands).map((name) => [name, [] as number[]]));
  for (let i = 0; i < RUNS; i++) for (const [name, args] of Object.entries(commands)) samples[name].push(timeProcess(args));
  return Object.fromEntries(Object.entries(samples).map(([name, times]) => [name, percentile(times, 50)]));
}

/**
 * How fast `faasbox` commands start and finish, as a user runs them (a new Node process each), beside
 * `node -e 0` measured in the same run: the floor no Node CLI goes under. status, logs and invoke talk to
 * an emulator that `faasbox start` runs for the bench fixture, with the no-op Node function warm.
 */
export async function cliBench(): Promise<Row[]> {
  const root = copyFixture("bench");
  const server = spawn(process.execPath, [CLI, "start", root, "--executor", "docker", "--http-port", "0", "--invoke-port", "0", "--no-watch"], { stdio: "ignore" });
  try {
    await waitFor(() => spawnSync(process.execPath, [CLI, "status", "--project", root, "--json"]).status === 0, "faasbox start to come up", 30_000);
    timeProcess([CLI, "invoke", "noop-node", "--project", root]); // the cold start, outside the figures
    const p50 = timeInterleaved({
      node: ["-e", "0"],
      version: [CLI, "--version"],
      status: [CLI, "status", "--project", root],
      logs: [CLI, "logs", "noop-node", "--limit", "10", "--project", root],
      invoke: [CLI, "invoke", "noop-node", "--project", root],
    });
    return [
      { name: "`node -e 0` (the floor of a Node CLI), p50", value: ms(p50.node) },
      { name: "`faasbox --version`, p50 (÷ `node -e 0`, same run)", value: `${ms(p50.version)} (${(p50.version / p50.node).toFixed(2)}×)`, figures: { "cli.versionOverNode": p50.version / p50.node } },
      { name: "`faasbox status` against a running emulator, p50", value: ms(p50.status) },
      { name: "`faasbox logs FUNCTION --limit 10` against a running emulator, p50", value: ms(p50.logs) },
      { name: "`faasbox invoke` of a warm no-op Node function, end to end, p50", value: ms(p50.invoke), figures: { "cli.invoke": p50.invoke } },
    ];
  } finally {
    const exited = server.exitCode !== null || server.signalCode !== null;
    server.kill("SIGTERM");
    if (!exited) await new Promise((done) => server.once("exit", done));
  }
}
