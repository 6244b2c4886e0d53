import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../helpers/codeServer";
import { LABELS } from "../../emulator/core/docker/labels";
import { copyFixture } from "../helpers/emulator";
import { CLI } from "../helpers/paths";
import type { Row } from "./emulatorBench";
import { httpLoad, type LoadResult } from "./httpLoad";
import { ms, percentile } from "./stats";

const SECONDS = 8;
/** At most this many 2-second rounds of warm-up at c=10 (see warmUp). */
const MAX_WARM_ROUNDS = 6;
/** A round this much faster than the best before it: the server is still warming up. */
const STILL_RISING = 1.05;
const CONCURRENCY = [10, 50];

async function waitForHttp(url: string, child: ChildProcess, log: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited (${child.exitCode}) before serving ${url}:\n${log()}`);
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms:\n${log()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function started(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): { child: ChildProcess; log: () => string } {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => (output = (output + d).slice(-8000)));
  child.stderr!.on("data", (d) => (output = (output + d).slice(-8000)));
  return { child, log: () => output };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (child.exitCode === null) child.kill("SIGKILL");
}

/** A server under load: where it answers, its process, its output so far. */
interface Served {
  name: string;
  url: string;
  child: ChildProcess;
  log: () => string;
  /**
   * A function that says the CPU seconds used so far, by part: the server's process tree; for
   * Faasbox also its containers' and the engine's (dockerd and those containers' shims). Asked
   * before a round, so that finding the containers costs no CPU inside it.
   */
  cpuMeter: () => () => Record<string, number>;
}

/** serverless-offline serving the same no-op handler, installed outside the repository by bench.sh. */
async function serverlessOffline(): Promise<Served> {
  const cache = process.env.FAASBOX_CACHE ?? join(homedir(), ".cache", "faasbox");
  const bin = join(cache, "serverless-offline", "node_modules", "serverless", "bin", "serverless.js");
  if (!existsSync(bin)) throw new Error(`serverless@3 is not installed at ${bin}; run npm run bench (it installs it)`);
  const service = mkdtempSync(join(tmpdir(), "faasbox-sls-"));
  const port = await freePort();
  writeFileSync(join(service, "handler.js"), "exports.handler = async () => ({ ok: true });\n");
  writeFileSync(join(service, "serverless.yml"), [
    "service: faasbox-bench",
    "frameworkVersion: '3'",
    "provider:", "  name: aws", "  runtime: nodejs20.x",
    "plugins:", "  - serverless-offline",
    "functions:", "  noop:", "    handler: handler.handler", "    events:", "      - httpApi:", "          path: /noop", "          method: GET", "",
  ].join("\n"));
  // serverless resolves its plugins from the service folder's node_modules.
  symlinkSync(join(cache, "serverless-offline", "node_modules"), join(service, "node_modules"), "dir");
  const env = { SLS_TELEMETRY_DISABLED: "1", SLS_NOTIFICATIONS_MODE: "off", SLS_DEPRECATION_DISABLE: "*" };
  const lambdaPort = await freePort();
  const { child, log } = started(process.execPath, [bin, "offline", "start", "--httpPort", String(port), "--lambdaPort", String(lambdaPort), "--noPrependStageInUrl"], service, env);
  return { name: "serverless-offline", url: `http://127.0.0.1:${port}/noop`, child, log, cpuMeter: () => () => ({ "serverless-offline": treeCpuSeconds(procStats(), child.pid!) }) };
}

/** `faasbox start` serving the bench fixture's HTTP routes; with `cpuProfile`, the file (in `dir`) its CPU profile is written to when it exits. */
async function faasbox(cpuProfile?: { dir: string; name: string }): Promise<Served> {
  const port = await freePort();
  const root = copyFixture("bench");
  // Profiled: the emulator's process writes its profile when it exits (stop() sends SIGTERM: a normal exit).
  const profile = cpuProfile ? ["--cpu-prof", `--cpu-prof-dir=${cpuProfile.dir}`, `--cpu-prof-name=${cpuProfile.name}`] : [];
  const { child, log } = started(process.execPath, [...profile, CLI, "start", root, "--quiet", "--executor", "docker", "--http-port", String(port), "--invoke-port", "0", "--no-watch"], root);
  const cpuMeter = () => {
    // Its containers' first processes (the agents); other work on this engine is not counted.
    const ids = execFileSync("docker", ["ps", "-q", "--filter", `label=${LABELS.project}=${root}`], { encoding: "utf8" }).split("\n").filter(Boolean);
    const pids = ids.length ? execFileSync("docker", ["inspect", "-f", "{{.State.Pid}}", ...ids], { encoding: "utf8" }).split("\n").filter(Boolean).map(Number) : [];
    return () => {
      const stats = procStats();
      const byPid = new Map(stats.map((stat) => [stat.pid, stat]));
      const shims = new Set(pids.map((pid) => byPid.get(pid)?.ppid));
      return {
        emulator: treeCpuSeconds(stats, child.pid!),
        "of which in the kernel": treeCpuSeconds(stats, child.pid!, "system"),
        // The containers' first processes are their agents (in direct mode lease.sh); the runtimes are below them.
        agents: pids.reduce((sum, pid) => sum + (byPid.get(pid)?.seconds ?? 0), 0),
        runtimes: pids.reduce((sum, pid) => sum + treeCpuSeconds(stats, pid) - (byPid.get(pid)?.seconds ?? 0), 0),
        engine: stats.filter((stat) => stat.comm === "dockerd" || shims.has(stat.pid)).reduce((sum, stat) => sum + stat.seconds, 0),
      };
    };
  };
  return { name: "Faasbox", url: `http://127.0.0.1:${port}/noop`, child, log, cpuMeter };
}

/** The load against each server in turn, ROUNDS rounds each, the order alternating: the machine's other work falls on both alike. */
const ROUNDS = 4;

interface Measured {
  load: LoadResult;
  /** CPU seconds per part over the rounds. */
  cpu: Record<string, number>;
}

async function interleaved(servers: Served[], concurrency: number): Promise<Measured[]> {
  const parts = servers.map(() => ({ latencies: [] as number[], seconds: 0, errors: 0, cpu: {} as Record<string, number> }));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? servers.map((_, i) => i) : servers.map((_, i) => servers.length - 1 - i);
    for (const i of order) {
      const cpu = servers[i].cpuMeter();
      const before: Record<string, number> = { ...cpu(), "load generator": loadGeneratorSeconds() };
      const load = await httpLoad(servers[i].url, concurrency, SECONDS / ROUNDS);
      const after = { ...cpu(), "load generator": loadGeneratorSeconds() };
      parts[i].latencies.push(...load.latencies);
      parts[i].seconds += load.seconds;
      parts[i].errors += load.errors;
      for (const [part, used] of Object.entries(after)) parts[i].cpu[part] = (parts[i].cpu[part] ?? 0) + used - (before[part] ?? 0);
    }
  }
  parts.forEach((part, i) => {
    const used = Object.entries(part.cpu).filter(([name]) => name !== "load generator").reduce((sum, [, seconds]) => sum + seconds, 0);
    if (process.platform === "linux" && part.latencies.length > 0 && used === 0) {
      throw new Error(`bench: ${servers[i].name} answered ${part.latencies.length} requests using no CPU: another process answers at ${servers[i].url}`);
    }
  });
  return parts.map(({ latencies, seconds, errors, cpu }) => ({
    load: { requestsPerSecond: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors, latencies, seconds },
    cpu,
  }));
}

/** This process's CPU seconds: the load generator's, the same for both servers. */
function loadGeneratorSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** CPU per request in µs, by part: `emulator (kernel 90) 250 + agents 80 + runtimes 300 + engine 5 = 635 µs (load generator 150 µs)`. */
function cpuPerRequest(measured: Measured): string {
  const requests = measured.load.latencies.length;
  const us = (seconds: number) => Math.round((seconds * 1e6) / requests);
  const kernel = measured.cpu["of which in the kernel"];
  const parts = Object.entries(measured.cpu)
    .filter(([part]) => part !== "load generator" && part !== "of which in the kernel")
    .map(([part, seconds]) => [part === "emulator" && kernel !== undefined ? `emulator (kernel ${us(kernel)})` : part, us(seconds)] as const);
  const total = parts.reduce((sum, [, each]) => sum + each, 0);
  const generator = us(measured.cpu["load generator"] ?? 0);
  return `${parts.length === 1 ? `${total} µs` : `${parts.map(([part, each]) => `${part} ${each}`).join(" + ")} = ${total} µs`} (load generator ${generator} µs)`;
}

/** Instances started, then 2-second rounds at c=10 until one is no faster than STILL_RISING × the best before it. */
async function warmUp(url: string): Promise<{ first: LoadResult; rounds: number; best: number }> {
  await httpLoad(url, 50, 2);
  const first = await httpLoad(url, 10, 2);
  let best = first.requestsPerSecond;
  let rounds = 1;
  while (rounds < MAX_WARM_ROUNDS) {
    const next = await httpLoad(url, 10, 2);
    rounds++;
    if (next.requestsPerSecond < best * STILL_RISING) {
      best = Math.max(best, next.requestsPerSecond);
      break;
    }
    best = next.requestsPerSecond;
  }
  return { first, rounds, best };
}

/**
 * Requests/s and latency through the HTTP gateway to a warm no-op Node function, next to
 * serverless-offline: both served at once, the load against each in alternating rounds; with the
 * CPU each used per request (Linux: /proc).
 */
export async function gatewayBench(): Promise<Row[]> {
  const servers: Served[] = [];
  try {
    // One after the other: each picks its free port once the one before listens on its own, else
    // both could be handed the same port and one would answer for both (it happened: the two
    // "servers" measured the same, serverless-offline using no CPU).
    for (const start of [() => faasbox(), serverlessOffline]) {
      const server = await start();
      servers.push(server);
      await waitForHttp(server.url, server.child, server.log);
    }
    // Warm-up: instances started (c=50), then each server loaded until its throughput stops rising,
    // so each is measured at its own steady state. A Faasbox instance's runtime serves a tenth of
    // the load, so its code is optimised later than serverless-offline's one process (c=10 rose
    // from 2,585 to 3,981 req/s over its first six 2-second rounds); serverless-offline peaks at
    // once and then slows as it serves more (alone, 2-second rounds: 1,048, 1,397, 1,771, 1,492,
    // 1,325, 1,023, 872, 898, 765, 760 req/s while its RSS grew from 302 to 520 MB), so it is not
    // loaded longer than it needs. The first round and each one's best round are printed apart.
    const rows: Row[] = [];
    const warm = [];
    for (const server of servers) warm.push(await warmUp(server.url));
    rows.push({
      name: "HTTP c=10 warm-up, Faasbox / serverless-offline: the first 2 s after the instances started (JIT warming); the best 2 s round; rounds until the throughput stopped rising",
      value: `${Math.round(warm[0].first.requestsPerSecond)} / ${Math.round(warm[1].first.requestsPerSecond)} req/s (${(warm[0].first.requestsPerSecond / warm[1].first.requestsPerSecond).toFixed(2)}×); ` +
        `${Math.round(warm[0].best)} / ${Math.round(warm[1].best)} req/s (${(warm[0].best / warm[1].best).toFixed(2)}×); ${warm[0].rounds} / ${warm[1].rounds}`,
    });
    for (const concurrency of CONCURRENCY) {
      const [a, b] = await interleaved(servers, concurrency);
      const describe = (m: Measured) => `${Math.round(m.load.requestsPerSecond)} req/s, ${ms(m.load.p50)} / ${ms(m.load.p99)}${m.load.errors ? `, ${m.load.errors} errors` : ""}`;
      rows.push({ name: `HTTP c=${concurrency}: Faasbox (container per instance) req/s, p50 / p99`, value: describe(a) });
      rows.push({ name: `HTTP c=${concurrency}: serverless-offline 13 (in-process) req/s, p50 / p99`, value: describe(b) });
      const ratio = a.load.requestsPerSecond / b.load.requestsPerSecond;
      rows.push({ name: `HTTP c=${concurrency}: throughput ratio Faasbox / serverless-offline`, value: `${ratio.toFixed(2)}×`, figures: { [`gateway.c${concurrency}.ratio`]: ratio } });
      if (process.platform === "linux") {
        rows.push({ name: `HTTP c=${concurrency}: CPU per request, Faasbox / serverless-offline`, value: `${cpuPerRequest(a)}; ${cpuPerRequest(b)}` });
      }
    }
    return rows;
  } finally {
    for (const server of servers) await stop(server.child);
  }
}

// ---- CPU from /proc (Linux): utime + stime of live processes, in seconds ----

const TICKS = 100; // USER_HZ: /proc's clock ticks per second on Linux

interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  seconds: number;
  /** Of `seconds`, the time in the kernel (system calls). */
  system: number;
}

function procStats(): ProcStat[] {
  if (process.platform !== "linux") return [];
  const stats: ProcStat[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, "utf8");
      const close = text.lastIndexOf(")");
      const fields = text.slice(close + 2).split(" "); // from field 3 (state) on
      stats.push({ pid: Number(entry), comm: text.slice(text.indexOf("(") + 1, close), ppid: Number(fields[1]), seconds: (Number(fields[11]) + Number(fields[12])) / TICKS, system: Number(fields[12]) / TICKS });
    } catch {
      // gone meanwhile
    }
  }
  return stats;
}

/** A process and its descendants. */
function treeCpuSeconds(stats: ProcStat[], root: number, which: "seconds" | "system" = "seconds"): number {
  const inTree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const stat of stats) if (!inTree.has(stat.pid) && inTree.has(stat.ppid)) grew = inTree.add(stat.pid) !== undefined;
  }
  return stats.filter((stat) => inTree.has(stat.pid)).reduce((sum, stat) => sum + stat[which], 0);
}

/**
 * The emulator's CPU profile while its gateway serves the no-op Node function at c=10 for
 * `seconds` after the same warm-up as above; a process of its own, after the measured rounds, so
 * profiling slows none of them. Resolves once the profile is written (at the emulator's exit).
 */
export async function gatewayProfile(dir: string, name: string, seconds: number): Promise<string> {
  const server = await faasbox({ dir, name });
  try {
    await waitForHttp(server.url, server.child, server.log);
    await warmUp(server.url);
    await httpLoad(server.url, 10, seconds);
  } finally {
    await stop(server.child);
  }
  return join(dir, name);
}
