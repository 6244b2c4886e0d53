// The in-container agent's cost (emulator/agent/PROTOCOL.md): the same function, in the same
// run, in direct mode on host networking (FAASBOX_AGENT=0: the runtime calls the emulator on the
// host's loopback), through the agent on host networking (the agent's own cost: its Runtime API
// relayed over the container's attach stream), and through the agent on network "none" (adds
// the engine's cost of a network namespace per container). Cold start p50 and warm overhead
// p50 / p99, each as direct → agent (ratio, delta).
import { Daemon } from "../../emulator/daemon/daemon";
import { ControlClient } from "../../emulator/client/controlClient";
import { Requests } from "../../emulator/protocol";
import type { DockerNetwork } from "../../emulator/core/executors/dockerExecutor";
import { copyFixture } from "../helpers/emulator";
import type { Row } from "./emulatorBench";
import { ms, percentile } from "./stats";

const COLD_RUNS = 20;
const WARM_RUNS = 300;
const FUNCTION = "noop-node";

interface Measured {
  cold: number[];
  overhead: number[];
}

interface Setup {
  daemon: Daemon;
  client: ControlClient;
  measured: Measured;
}

async function open(network: DockerNetwork, agent: boolean): Promise<Setup> {
  // Cold starts with nothing ready: no standby instances (coldStartBench.ts measures those).
  const daemon = await Daemon.start({ root: copyFixture("bench"), executor: "docker", network, agent, watch: false, httpPort: 0, invokePort: 0, standby: { enabled: false } });
  const client = await ControlClient.connect(daemon.controlUrl, daemon.token);
  return { daemon, client, measured: { cold: [], overhead: [] } };
}

async function coldStart({ daemon, client, measured }: Setup): Promise<void> {
  for (const instance of daemon.engine.instances(FUNCTION)) await daemon.engine.stopInstance(instance.id);
  const started = performance.now();
  const result = await client.request(Requests.invoke, { function: FUNCTION, event: {} });
  measured.cold.push(performance.now() - started);
  if (!result.timings.cold) throw new Error("expected a cold start");
}

async function warmRuns({ client, measured }: Setup): Promise<void> {
  for (let i = 0; i < WARM_RUNS; i++) {
    const started = performance.now();
    const result = await client.request(Requests.invoke, { function: FUNCTION, event: {} });
    measured.overhead.push(performance.now() - started - result.timings.durationMs);
  }
}

/**
 * The three setups side by side, their cold starts interleaved (one of each in turn), so that
 * a slow spell of this shared machine weighs on all of them alike.
 */
async function measureAll(): Promise<Measured[]> {
  const setups: Setup[] = [];
  try {
    for (const [network, agent] of [["host", false], ["host", true], ["none", true]] as const) setups.push(await open(network, agent));
    for (let i = 0; i < COLD_RUNS; i++) for (const setup of setups) await coldStart(setup);
    for (const setup of setups) await warmRuns(setup);
    return setups.map((setup) => setup.measured);
  } finally {
    for (const { daemon, client } of setups) {
      client.dispose();
      await daemon.shutdown();
    }
  }
}

/** "direct → agent (×ratio, +delta)". */
function versus(direct: number, agent: number): string {
  const delta = agent - direct;
  return `${ms(direct)} → ${ms(agent)} (×${(agent / direct).toFixed(2)}, ${delta >= 0 ? "+" : "−"}${ms(Math.abs(delta))})`;
}

export async function agentBench(): Promise<Row[]> {
  const [direct, agentHost, agentNone] = await measureAll();
  const rows: Row[] = [];
  for (const [label, agent] of [["agent (host)", agentHost], ["agent (network none)", agentNone]] as const) {
    const row = (samples: (m: Measured) => number[], p: number) => versus(percentile(samples(direct), p), percentile(samples(agent), p));
    rows.push(
      { name: `Node cold start, direct (host) → ${label}, p50`, value: row((m) => m.cold, 50) },
      { name: `Node warm overhead (round trip − handler duration), direct (host) → ${label}, p50`, value: row((m) => m.overhead, 50) },
      { name: `Node warm overhead (round trip − handler duration), direct (host) → ${label}, p99`, value: row((m) => m.overhead, 99) },
    );
  }
  return rows;
}

// Run alone: node --import tsx test/bench/agentBench.ts
if (process.argv[1]?.endsWith("agentBench.ts")) {
  agentBench().then(
    (rows) => {
      console.log("| measure | value |\n|---|---|");
      for (const r of rows) console.log(`| ${r.name} | ${r.value} |`);
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
