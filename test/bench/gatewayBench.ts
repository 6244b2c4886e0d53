import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../helpers/codeServer";
import { copyFixture } from "../helpers/emulator";
import { CLI } from "../helpers/paths";
import type { Row } from "./emulatorBench";
import { httpLoad, type LoadResult } from "./httpLoad";
import { ms } from "./stats";
import { PROFILE_DIR, profiling } from "./warmPathProfiles";

const SECONDS = 8;
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

async function measure(url: string): Promise<Map<number, LoadResult>> {
  await httpLoad(url, 50, 2); // warm-up: instances started, JIT warm
  const results = new Map<number, LoadResult>();
  for (const concurrency of CONCURRENCY) results.set(concurrency, await httpLoad(url, concurrency, SECONDS));
  return results;
}

/** serverless-offline serving the same no-op handler, installed outside the repository by bench.sh. */
async function serverlessOffline(): Promise<Map<number, LoadResult>> {
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
  return measureServed(`http://127.0.0.1:${port}/noop`, child, log);
}

/** Once the server answers at `url`, the load runs against it; the server is stopped either way. */
async function measureServed(url: string, child: ChildProcess, log: () => string): Promise<Map<number, LoadResult>> {
  try {
    await waitForHttp(url, child, log);
    return await measure(url);
  } finally {
    await stop(child);
  }
}

async function faasbox(): Promise<Map<number, LoadResult>> {
  const port = await freePort();
  const root = copyFixture("bench");
  // Profiled: the emulator's process writes its profile when it exits (stop() sends SIGTERM: a normal exit).
  const profile = profiling() ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`, "--cpu-prof-name=daemon-gateway.cpuprofile"] : [];
  if (profile.length) mkdirSync(PROFILE_DIR, { recursive: true });
  const { child, log } = started(process.execPath, [...profile, CLI, "start", root, "--quiet", "--executor", "docker", "--http-port", String(port), "--invoke-port", "0", "--no-watch"], root);
  return measureServed(`http://127.0.0.1:${port}/noop`, child, log);
}

/** Requests/s and latency through the HTTP gateway to a warm no-op Node function, next to serverless-offline. */
export async function gatewayBench(): Promise<Row[]> {
  const ours = await faasbox();
  const theirs = await serverlessOffline();
  const rows: Row[] = [];
  for (const concurrency of CONCURRENCY) {
    const a = ours.get(concurrency)!;
    const b = theirs.get(concurrency)!;
    rows.push({ name: `HTTP c=${concurrency}: Faasbox (container per instance) req/s, p50 / p99`, value: `${Math.round(a.requestsPerSecond)} req/s, ${ms(a.p50)} / ${ms(a.p99)}${a.errors ? `, ${a.errors} errors` : ""}` });
    rows.push({ name: `HTTP c=${concurrency}: serverless-offline 13 (in-process) req/s, p50 / p99`, value: `${Math.round(b.requestsPerSecond)} req/s, ${ms(b.p50)} / ${ms(b.p99)}${b.errors ? `, ${b.errors} errors` : ""}` });
    rows.push({ name: `HTTP c=${concurrency}: throughput ratio Faasbox / serverless-offline`, value: `${(a.requestsPerSecond / b.requestsPerSecond).toFixed(2)}×` });
  }
  return rows;
}
