import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { copyFixture, waitFor } from "../helpers/emulator";
import { CLI } from "../helpers/paths";
import type { Row } from "./emulatorBench";
import { percentile } from "./stats";

const SAMPLES = 5;
/** After the warm invocation: the emulator settles (timers, log batches, GC) before it is sampled. */
const SETTLE_MS = 5_000;

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

/**
 * The memory of an idle emulator, as a user leaves one running: `faasbox start` on the bench
 * fixture, one invocation of the no-op Node function (its instance stays warm), then nothing.
 * RSS from /proc/PID/status (p50 of SAMPLES, a second apart) and V8's heap, read by a preloaded
 * hook (memoryReport.mjs) at the same moments.
 */
export async function idleMemoryBench(): Promise<Row[]> {
  if (process.platform !== "linux") return [{ name: "emulator idle RSS (goal ≤ 60 MB)", value: "n/a (reads /proc: Linux only)" }];
  const root = copyFixture("bench");
  const memoryFile = join(tmpdir(), `faasbox-bench-memory-${process.pid}.json`);
  const server = spawn(process.execPath, ["--import", pathToFileURL(join(__dirname, "memoryReport.mjs")).href, CLI, "start", root, "--executor", "docker", "--http-port", "0", "--invoke-port", "0", "--no-watch"], {
    stdio: "ignore",
    env: { ...process.env, FAASBOX_BENCH_MEMORY_FILE: memoryFile },
  });
  try {
    await waitFor(() => spawnSync(process.execPath, [CLI, "status", "--project", root, "--json"]).status === 0, "faasbox start to come up", 30_000);
    const invoked = spawnSync(process.execPath, [CLI, "invoke", "noop-node", "--project", root], { encoding: "utf8" });
    if (invoked.status !== 0) throw new Error(`faasbox invoke noop-node failed: ${invoked.stderr}`);
    await new Promise((done) => setTimeout(done, SETTLE_MS));
    const rss: number[] = [];
    const anon: number[] = [];
    const heapUsed: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const sample = resident(server.pid!);
      rss.push(sample.rss);
      anon.push(sample.anon);
      rmSync(memoryFile, { force: true });
      server.kill("SIGUSR2");
      await waitFor(() => existsSync(memoryFile), "the emulator's memory report", 5_000);
      await new Promise((done) => setTimeout(done, 50)); // written whole after it appears
      heapUsed.push((JSON.parse(readFileSync(memoryFile, "utf8")) as NodeJS.MemoryUsage).heapUsed);
      await new Promise((done) => setTimeout(done, 1_000));
    }
    const floor = await bareNode();
    return [
      { name: "emulator idle RSS (`faasbox start`, one warm Node function), p50 (goal ≤ 60 MB)", value: mb(percentile(rss, 50)), figures: { "rss.idle": percentile(rss, 50) / 2 ** 20 } },
      { name: "emulator idle private memory (RssAnon) / V8 heap used, p50", value: `${mb(percentile(anon, 50))} / ${mb(percentile(heapUsed, 50))}` },
      { name: "idle `node` that loaded nothing (the floor): RSS / RssAnon", value: `${mb(floor.rss)} / ${mb(floor.anon)}` },
    ];
  } finally {
    rmSync(memoryFile, { force: true });
    const exited = server.exitCode !== null || server.signalCode !== null;
    server.kill("SIGTERM");
    if (!exited) await new Promise((done) => server.once("exit", done));
  }
}

// `node --import tsx test/bench/idleMemoryBench.ts`: this row alone.
if (require.main === module) {
  idleMemoryBench().then((rows) => rows.forEach((row) => console.log(`| ${row.name} | ${row.value} |`)), (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
