// The in-container agent's cost (emulator/agent/PROTOCOL.md): the same function, in the same
// run, directly on host networking and through the agent on network "none" (its Runtime API
// relayed over the container's attach stream). Cold start p50 and warm overhead p50 / p99,
// each as direct → agent (ratio, delta).
import { Daemon } from "../../emulator/daemon/daemon";
import { ControlClient } from "../../emulator/client/controlClient";
import { Requests } from "../../emulator/protocol";
import type { DockerNetwork } from "../../emulator/core/executors/dockerExecutor";
import { copyFixture } from "../helpers/emulator";
import type { Row } from "./emulatorBench";
import { ms, percentile } from "./stats";

const COLD_RUNS = 10;
const WARM_RUNS = 300;
const FUNCTION = "noop-node";

interface Measured {
  cold: number[];
  overhead: number[];
}

async function measure(network: DockerNetwork, agent: boolean): Promise<Measured> {
  const daemon = await Daemon.start({ root: copyFixture("bench"), executor: "docker", network, agent, watch: false, httpPort: 0, invokePort: 0 });
  const client = await ControlClient.connect(daemon.controlUrl, daemon.token);
  try {
    const cold: number[] = [];
    for (let i = 0; i < COLD_RUNS; i++) {
      for (const instance of daemon.engine.instances(FUNCTION)) await daemon.engine.stopInstance(instance.id);
      const started = performance.now();
      const result = await client.request(Requests.invoke, { function: FUNCTION, event: {} });
      cold.push(performance.now() - started);
      if (!result.timings.cold) throw new Error("expected a cold start");
    }
    const overhead: number[] = [];
    for (let i = 0; i < WARM_RUNS; i++) {
      const started = performance.now();
      const result = await client.request(Requests.invoke, { function: FUNCTION, event: {} });
      overhead.push(performance.now() - started - result.timings.durationMs);
    }
    return { cold, overhead };
  } finally {
    client.dispose();
    await daemon.shutdown();
  }
}

/** "direct → agent (×ratio, +delta)". */
function versus(direct: number, agent: number): string {
  const delta = agent - direct;
  return `${ms(direct)} → ${ms(agent)} (×${(agent / direct).toFixed(2)}, ${delta >= 0 ? "+" : "−"}${ms(Math.abs(delta))})`;
}

export async function agentBench(): Promise<Row[]> {
  const direct = await measure("host", false);
  const agent = await measure("none", true);
  const row = (samples: (m: Measured) => number[], p: number) => versus(percentile(samples(direct), p), percentile(samples(agent), p));
  return [
    { name: "Node cold start, direct (host) → agent (network none), p50", value: row((m) => m.cold, 50) },
    { name: "Node warm overhead (round trip − handler duration), direct (host) → agent (network none), p50", value: row((m) => m.overhead, 50) },
    { name: "Node warm overhead (round trip − handler duration), direct (host) → agent (network none), p99", value: row((m) => m.overhead, 99) },
  ];
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
