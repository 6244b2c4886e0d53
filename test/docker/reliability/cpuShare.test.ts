// Each container gets CPU in proportion to its memory, as Lambda allocates it (1,769 MB is one
// vCPU), with a floor of 0.25 vCPU and no more than the engine has, after initialising with a full
// vCPU as Lambda's on-demand functions do: read from the containers' HostConfig, and seen in what a
// busy loop can take of the wall-clock time.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type Docker from "dockerode";
import type { Engine } from "../../../emulator/core/engine";
import { LABELS } from "../../../emulator/core/docker/labels";
import { leftoverContainers, requireDocker } from "../../helpers/docker";
import { startEmulator } from "../../helpers/emulator";

let docker: Docker;
let emulator: Engine;

before(async () => {
  docker = await requireDocker();
  // No standby instances: one initialising in the background would share the CPU this file measures.
  emulator = await startEmulator("cpu", { executor: "docker", standby: { enabled: false } });
});

after(async () => {
  await emulator?.shutdown();
  assert.deepEqual(await leftoverContainers(docker), []);
});

async function nanoCpusOf(instanceId: string): Promise<number | undefined> {
  const [container] = await docker.listContainers({ all: true, filters: { label: [`${LABELS.instance}=${instanceId}`] } });
  assert.ok(container, `no container for instance ${instanceId}`);
  return (await docker.getContainer(container.Id).inspect()).HostConfig.NanoCpus;
}

test("each container's CPU quota is its memory's share of a vCPU (1,769 MB = 1), at least 0.25 vCPU, at most the engine's CPUs", async () => {
  const engineCpus = ((await docker.info()) as { NCPU: number }).NCPU;
  const expected: Record<string, number> = {
    "node-128": 0.25e9, // Lambda's 0.072 vCPU, raised to the floor
    "node-884": Math.round((884 / 1769) * 1e9),
    "node-1769": Math.min(1, engineCpus) * 1e9,
    "node-10240": Math.round(Math.min(10240 / 1769, engineCpus) * 1e9),
    "scf-256": 0.25e9, // SCF documents no CPU share: the same rule
  };
  for (const [name, nanoCpus] of Object.entries(expected)) {
    const result = await emulator.invoke(name, {});
    assert.equal(result.ok, true, `${name}: ${JSON.stringify(result.error)}`);
    // Lowered before the first event was given (the invocation waited for the engine's answer).
    assert.equal(await nanoCpusOf(result.instanceId!), nanoCpus, name);
  }
});

test("a busy loop is given no more CPU time than its share of the wall-clock time", async (t) => {
  // Generous margins: this bounds what the function may take, not how fast Faasbox is. Without
  // a quota a busy loop takes a whole CPU (a ratio near 1).
  for (const [name, share] of [["busy-128", 0.25], ["busy-884", 884 / 1769]] as const) {
    const result = await emulator.invoke(name, { ms: 2000 });
    assert.equal(result.ok, true, `${name}: ${JSON.stringify(result.error)}`);
    const { cpuMs, wallMs } = result.result as { cpuMs: number; wallMs: number };
    const ratio = cpuMs / wallMs;
    t.diagnostic(`${name}: ${cpuMs.toFixed(0)} ms of CPU in ${wallMs.toFixed(0)} ms (${ratio.toFixed(2)} of a CPU; share ${share.toFixed(2)})`);
    assert.ok(ratio <= share * 1.5 + 0.05, `${name} took ${ratio.toFixed(2)} of a CPU; its share is ${share.toFixed(2)}`);
  }
});

test("an instance initialises with a full vCPU and runs its invocations at its share", async (t) => {
  // 128 MB: a share of 0.25 vCPU (the floor) while invoked; a whole one (the engine has at least
  // one) while the module loads.
  const result = await emulator.invoke("burst-128", {});
  assert.equal(result.ok, true, JSON.stringify(result.error));
  const { init, invoke } = result.result as Record<"init" | "invoke", { cpuMs: number; wallMs: number }>;
  const initRatio = init.cpuMs / init.wallMs;
  const invokeRatio = invoke.cpuMs / invoke.wallMs;
  t.diagnostic(`init: ${initRatio.toFixed(2)} of a CPU; invocation: ${invokeRatio.toFixed(2)} (share 0.25)`);
  assert.ok(initRatio >= 0.6, `the init phase got ${initRatio.toFixed(2)} of a CPU; a full vCPU was expected`);
  assert.ok(invokeRatio <= 0.25 * 1.5 + 0.05, `the invocation got ${invokeRatio.toFixed(2)} of a CPU; its share is 0.25`);
});
