import { Daemon } from "../../emulator/daemon/daemon";
import { ControlClient } from "../../emulator/client/controlClient";
import { Requests } from "../../emulator/protocol";
import { connectDocker } from "../../emulator/core/docker/engine";
import { resolveImages } from "../../emulator/config/images";
import { copyFixture } from "../helpers/emulator";
import { parallelContainerFloor } from "./containerFloor";
import { machineQuiet } from "./machineQuiet";
import type { Row } from "./emulatorBench";
import { ms, percentile } from "./stats";

const RUNS = 10;
const BURST = 16;
const BURST_ROUNDS = 5;

interface Setup {
  daemon: Daemon;
  client: ControlClient;
}

async function setUp(standby: boolean): Promise<Setup> {
  const daemon = await Daemon.start({ root: copyFixture("bench"), executor: "docker", watch: false, httpPort: 0, invokePort: 0, standby: { enabled: standby } });
  return { daemon, client: await ControlClient.connect(daemon.controlUrl, daemon.token) };
}

async function tearDown({ daemon, client }: Setup): Promise<void> {
  client.dispose();
  await daemon.shutdown();
}

async function waitUntil(condition: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + 30_000;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** No instance at all (standbys off): stop every instance, then time one call. */
async function coldCall({ daemon, client }: Setup, fn: string): Promise<number> {
  for (const instance of daemon.engine.instances(fn)) await daemon.engine.stopInstance(instance.id);
  const started = performance.now();
  const result = await client.request(Requests.invoke, { function: fn, event: {} });
  const elapsed = performance.now() - started;
  if (!result.timings.cold) throw new Error("bench: expected a cold start");
  return elapsed;
}

/**
 * The first call after idle: the warm instances are gone (stopped here, as the keep-alive stops
 * them) and the function's standby is ready; time one call, which must run on the standby.
 */
async function standbyCall({ daemon, client }: Setup, fn: string): Promise<number> {
  const standby = () => daemon.engine.instances(fn).find((i) => i.standby);
  await waitUntil(() => standby()?.state === "idle", `${fn}'s standby`);
  for (const instance of daemon.engine.instances(fn)) if (!instance.standby) await daemon.engine.stopInstance(instance.id);
  await waitUntil(() => daemon.engine.instances(fn).every((i) => i.standby), `${fn}'s warm instances to stop`);
  const expected = standby()!.id;
  const started = performance.now();
  const result = await client.request(Requests.invoke, { function: fn, event: {} });
  const elapsed = performance.now() - started;
  if (result.instanceId !== expected || result.timings.cold) throw new Error("bench: expected the call to run on the standby");
  return elapsed;
}

/** BURST calls at once to a function with no instance: the time until the last is answered. */
async function burst({ daemon, client }: Setup, fn: string): Promise<number> {
  for (const instance of daemon.engine.instances(fn)) await daemon.engine.stopInstance(instance.id);
  await waitUntil(() => daemon.engine.instances(fn).length === 0, `${fn}'s instances to stop`);
  await machineQuiet();
  const started = performance.now();
  const results = await Promise.all(Array.from({ length: BURST }, () => client.request(Requests.invoke, { function: fn, event: {} })));
  const elapsed = performance.now() - started;
  const failed = results.filter((r) => !r.ok);
  const instances = new Set(results.map((r) => r.instanceId)).size;
  if (failed.length > 0 || instances !== BURST) {
    throw new Error(`bench: expected ${BURST} answers from ${BURST} instances, got ${BURST - failed.length} answers from ${instances}${failed.length ? `; the first failure: ${JSON.stringify(failed[0].error)}` : ""}`);
  }
  return elapsed;
}

/**
 * Cold starts with nothing ready, and first calls after idle met by a standby instance, for Node
 * and Python, in alternating runs on two emulators (standbys off / on) so a slow spell of the
 * machine weighs on both; each as p50 and as a ratio to the container floor of the same run.
 * Then BURST concurrent first calls (nothing ready), the last answer of each round, in rounds
 * alternating with BURST bare containers started at once (the burst's floor on this engine), each
 * round on a quiet machine (machineQuiet).
 */
export async function coldStartBench(floorP50: number): Promise<Row[]> {
  const rows: Row[] = [];
  const cold = await setUp(false);
  const warmish = await setUp(true);
  try {
    for (const fn of ["noop-node", "noop-python"]) {
      const language = fn.endsWith("node") ? "Node" : "Python";
      // Uncounted: the images and the emulator's own code warm up; the standby emulator's first call makes its first standby.
      await coldCall(cold, fn);
      await warmish.client.request(Requests.invoke, { function: fn, event: {} });
      const coldMs: number[] = [];
      const standbyMs: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        coldMs.push(await coldCall(cold, fn));
        standbyMs.push(await standbyCall(warmish, fn));
      }
      const ratio = (p50: number) => `${(p50 / floorP50).toFixed(2)}× the floor`;
      const coldP50 = percentile(coldMs, 50);
      const standbyP50 = percentile(standbyMs, 50);
      rows.push({ name: `${language} cold start, nothing ready (no warm instance, no standby → result), p50`, value: `${ms(coldP50)} (${ratio(coldP50)})` });
      rows.push({
        name: `${language} first call after idle, standby ready (warm instances reaped → result), p50`,
        value: `${ms(standbyP50)} (${ratio(standbyP50)})`,
        figures: { [`firstRequest.${language.toLowerCase()}.p50`]: standbyP50, [`coldStart.${language.toLowerCase()}.p50`]: coldP50 },
      });
    }
    const docker = connectDocker();
    const image = resolveImages().nodejs.image;
    const worst: number[] = [];
    const bare: number[] = [];
    await burst(cold, "burst-node"); // uncounted: the first round's one-time costs
    for (let round = 0; round < BURST_ROUNDS; round++) {
      worst.push(await burst(cold, "burst-node"));
      await machineQuiet();
      bare.push(await parallelContainerFloor(docker, image, BURST));
    }
    const burstP50 = percentile(worst, 50);
    const bareP50 = percentile(bare, 50);
    rows.push({ name: `${BURST} bare containers created + started at once until all exited (node -e 0; the burst's floor), p50 of ${BURST_ROUNDS} rounds`, value: ms(bareP50) });
    rows.push({
      name: `${BURST} concurrent first calls, nothing ready: until all answered, p50 of ${BURST_ROUNDS} rounds (worst round)`,
      value: `${ms(burstP50)} (${ms(Math.max(...worst))}); ${(burstP50 / bareP50).toFixed(2)}× the burst's floor`,
      figures: { "concurrent16.p50": burstP50, "concurrent16.floor": bareP50 },
    });
  } finally {
    await tearDown(cold);
    await tearDown(warmish);
  }
  return rows;
}
