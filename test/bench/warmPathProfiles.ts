// CPU profiles of the warm invocation path under load, taken at the end of every `npm run bench`
// (after the measured parts, which profiling would slow) and written to test-results/profiles/
// beside bench.json; open them in Chrome DevTools or VS Code. `npm run bench -- --profile` runs
// the whole bench on unminified bundles, so the gateway's profile names the emulator's functions.
// - daemon-control-node-c10.cpuprofile: the emulator serving a warm no-op Node function at
//   concurrency 10 through the control API, on Docker (the bench process hosts the daemon);
// - node-shim.<pid>.cpuprofile: the Node runtime shim of one instance serving 1,000 warm
//   invocations back to back, run by the process executor (the profile must reach the host's
//   disk; the shim's code is the same as in a container);
// - daemon-gateway.cpuprofile: `faasbox start` (the CLI's bundle, started with --cpu-prof) while
//   its HTTP gateway serves the no-op Node function at c=10.
import { Session } from "node:inspector";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Daemon } from "../../emulator/daemon/daemon";
import { ControlClient } from "../../emulator/client/controlClient";
import { Requests } from "../../emulator/protocol";
import { copyFixture } from "../helpers/emulator";
import { ARTIFACTS } from "../helpers/paths";
import { callsFor } from "./emulatorBench";
import { gatewayProfile } from "./gatewayBench";

export const PROFILE_DIR = join(ARTIFACTS, "profiles");
const SECONDS = 4;
const SHIM_INVOCATIONS = 1000;

/** Ten warm instances of `fn`, then `seconds` of ten callers in a loop. */
async function load(client: ControlClient, fn: string, seconds: number): Promise<number> {
  await Promise.all(Array.from({ length: 10 }, () => client.request(Requests.invoke, { function: fn, event: { ms: 50 } })));
  return callsFor(client, fn, seconds);
}

async function withDaemon<T>(root: string, executor: "docker" | "process", run: (client: ControlClient) => Promise<T>): Promise<T> {
  const daemon = await Daemon.start({ root, executor, watch: false, httpPort: 0, invokePort: 0 });
  const client = await ControlClient.connect(daemon.controlUrl, daemon.token);
  try {
    return await run(client);
  } finally {
    client.dispose();
    await daemon.shutdown();
  }
}

/** The daemon's CPU profile (this process) while Docker instances serve the load. */
async function daemonProfile(): Promise<string> {
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params?: object) =>
    new Promise<T>((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T))));
  const file = join(PROFILE_DIR, "daemon-control-node-c10.cpuprofile");
  try {
    await withDaemon(copyFixture("bench"), "docker", async (client) => {
      await load(client, "noop-node", 1); // warm: JIT and instances
      await post("Profiler.enable");
      await post("Profiler.start");
      await load(client, "noop-node", SECONDS);
      const { profile } = await post<{ profile: object }>("Profiler.stop");
      writeFileSync(file, JSON.stringify(profile));
    });
  } finally {
    session.disconnect();
  }
  return file;
}

/** The Node shim's own profile (cpuProfile.js) over its first SHIM_INVOCATIONS invocations. */
async function shimProfile(): Promise<string> {
  const root = copyFixture("bench");
  const yml = join(root, "faasbox.yml");
  const prefix = join(PROFILE_DIR, "node-shim");
  // One instance takes every call, so its profile covers the load.
  const profiled = readFileSync(yml, "utf8").replace(
    "  noop-node:\n",
    `  noop-node:\n    maxConcurrency: 1\n    environment: { FAASBOX_CPU_PROFILE: ${JSON.stringify(prefix)}, FAASBOX_CPU_PROFILE_INVOCATIONS: "${SHIM_INVOCATIONS}" }\n`,
  );
  writeFileSync(yml, profiled);
  const written = () => readdirSync(PROFILE_DIR).filter((name) => name.startsWith("node-shim.") && name.endsWith(".cpuprofile"));
  for (const old of written()) rmSync(join(PROFILE_DIR, old)); // a past run's, named by another pid
  await withDaemon(root, "process", async (client) => {
    for (let i = 0; i < SHIM_INVOCATIONS + 10; i++) await client.request(Requests.invoke, { function: "noop-node", event: {} });
  });
  const [file] = written();
  if (!file) throw new Error(`bench: the Node shim wrote no profile to ${PROFILE_DIR} (FAASBOX_CPU_PROFILE)`);
  return join(PROFILE_DIR, file);
}

/** Writes the profiles; returns where they are. */
export async function warmPathProfiles(): Promise<string[]> {
  mkdirSync(PROFILE_DIR, { recursive: true });
  return [await daemonProfile(), await shimProfile(), await gatewayProfile(PROFILE_DIR, "daemon-gateway.cpuprofile", SECONDS)];
}
