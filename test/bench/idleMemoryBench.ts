import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyFixture, waitFor } from "../helpers/emulator";
import { withMallocTunables } from "../../emulator/config/mallocTunables";
import { CLI, REPO_ROOT } from "../helpers/paths";
import type { Row } from "./emulatorBench";
import { percentile } from "./stats";

const SAMPLES = 5;
/**
 * After the warm invocation the emulator is left alone before it is sampled: timers, log batches,
 * and V8's memory reducer, which shrinks the heap some seconds after the last activity (one run:
 * RSS 63.7 MB after 1 s, 60.5 MB from 3 to 8 s, 58.4 MB from 12 s on). An emulator a user leaves
 * idle stays so for minutes; 20 s is past that step.
 */
const SETTLE_MS = 20_000;

/**
 * A process's resident memory from /proc/PID/status, in bytes: VmRSS (all of it) and RssAnon (its
 * private memory: heap, stacks, malloc; VmRSS also counts the pages of the node binary it has
 * touched, shared with every other node process).
 */
function resident(pid: number): { rss: number; anon: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => {
    const kb = new RegExp(`^${name}:\\s+(\\d+) kB$`, "m").exec(status)?.[1];
    if (kb === undefined) throw new Error(`no ${name} in /proc/${pid}/status`);
    return Number(kb) * 1024;
  };
  return { rss: field("VmRSS"), anon: field("RssAnon") };
}

/** The floor: an idle `node` that has loaded nothing, measured in the same run. */
async function bareNode(): Promise<{ rss: number; anon: number }> {
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"], { stdio: "ignore" });
  try {
    await new Promise((done) => setTimeout(done, 1_000));
    return resident(child.pid!);
  } finally {
    child.kill();
  }
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

interface IdleMemory {
  rss: number;
  anon: number;
  heapUsed: number;
}

/**
 * The memory of one idle emulator, as a user leaves one running: started on the bench fixture, one
 * invocation of the no-op Node function (its instance stays warm), then nothing. RSS from
 * /proc/PID/status, p50 of SAMPLES a second apart; then V8's heap from the diagnostic report Node
 * writes on a signal (`--report-on-signal`: written by Node's C++ side, so measuring loads no
 * module into the emulator; a preloaded `--import` hook started Node's ES module loader and added
 * 3 to 6 MB). `how`: as the extension starts it (dist/emulator.js with the daemon's allocator
 * setting, mallocTunables.ts), or as `faasbox start` typed in a shell.
 */
async function idleEmulator(how: "extension" | "shell"): Promise<IdleMemory> {
  const root = copyFixture("bench");
  const reports = mkdtempSync(join(tmpdir(), "faasbox-bench-memory-"));
  const report = ["--report-on-signal", "--report-signal=SIGUSR2", `--report-directory=${reports}`, "--report-filename=memory.json"];
  const options = ["--executor", "docker", "--http-port", "0", "--invoke-port", "0", "--no-watch"];
  const server =
    how === "extension"
      ? spawn(process.execPath, [...report, join(REPO_ROOT, "dist", "emulator.js"), root, "--quiet", ...options], { stdio: "ignore", env: withMallocTunables(process.env) })
      : spawn(process.execPath, [...report, CLI, "start", root, ...options], { stdio: "ignore", env: { ...process.env, GLIBC_TUNABLES: undefined } });
  try {
    await waitFor(() => spawnSync(process.execPath, [CLI, "status", "--project", root, "--json"]).status === 0, "the emulator to come up", 30_000);
    const invoked = spawnSync(process.execPath, [CLI, "invoke", "noop-node", "--project", root], { encoding: "utf8" });
    if (invoked.status !== 0) throw new Error(`faasbox invoke noop-node failed: ${invoked.stderr}`);
    await new Promise((done) => setTimeout(done, SETTLE_MS));
    const rss: number[] = [];
    const anon: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const sample = resident(server.pid!);
      rss.push(sample.rss);
      anon.push(sample.anon);
      await new Promise((done) => setTimeout(done, 1_000));
    }
    server.kill("SIGUSR2");
    const written = join(reports, "memory.json");
    await waitFor(() => existsSync(written) && readFileSync(written, "utf8").trimEnd().endsWith("}"), "the emulator's diagnostic report", 10_000);
    const heapUsed = (JSON.parse(readFileSync(written, "utf8")) as { javascriptHeap: { usedMemory: number } }).javascriptHeap.usedMemory;
    return { rss: percentile(rss, 50), anon: percentile(anon, 50), heapUsed };
  } finally {
    rmSync(reports, { recursive: true, force: true });
    const exited = server.exitCode !== null || server.signalCode !== null;
    server.kill("SIGTERM");
    if (!exited) await new Promise((done) => server.once("exit", done));
  }
}

/** The idle emulator both ways, and the floor: an idle `node`. */
export async function idleMemoryBench(): Promise<Row[]> {
  if (process.platform !== "linux") return [{ name: "emulator idle RSS (goal ≤ 60 MB)", value: "n/a (reads /proc: Linux only)" }];
  const extension = await idleEmulator("extension");
  const shell = await idleEmulator("shell");
  const floor = await bareNode();
  return [
    { name: "emulator idle RSS, as the extension starts it (one warm Node function), p50 (goal ≤ 60 MB)", value: mb(extension.rss), figures: { "rss.idle": extension.rss / 2 ** 20 } },
    { name: "  its private memory (RssAnon), p50 / V8 heap used", value: `${mb(extension.anon)} / ${mb(extension.heapUsed)}` },
    { name: "emulator idle RSS, `faasbox start` from a shell (no GLIBC_TUNABLES), p50; RssAnon, p50 / V8 heap", value: `${mb(shell.rss)}; ${mb(shell.anon)} / ${mb(shell.heapUsed)}` },
    { name: "idle `node` that loaded nothing (the floor): RSS / RssAnon", value: `${mb(floor.rss)} / ${mb(floor.anon)}` },
  ];
}

// `node --import tsx test/bench/idleMemoryBench.ts`: this row alone.
if (require.main === module) {
  idleMemoryBench().then((rows) => rows.forEach((row) => console.log(`| ${row.name} | ${row.value} |`)), (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
