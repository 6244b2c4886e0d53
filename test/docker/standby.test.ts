// Standby instances on real containers: after a call and idle reaping, the next call runs on a
// container that was there before it (created, started and initialised ahead), warm, with the
// standby's init output in its logs and no Init Duration; new code replaces the standby; the
// memory budget drops the least recently used function's; FAASBOX_STANDBY=0 keeps none; shutdown
// removes them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Engine } from "../../emulator/core/engine";
import { LABELS } from "../../emulator/core/docker/labels";
import type { LogRecord } from "../../emulator/protocol";
import { faasboxContainers, requireDocker } from "../helpers/docker";
import { startEmulator, waitFor } from "../helpers/emulator";

const standbyOf = (emulator: Engine, fn: string) => emulator.instances(fn).find((i) => i.standby);
const warmOf = (emulator: Engine, fn: string) => emulator.instances(fn).filter((i) => !i.standby);

/** Waits until `fn` has a ready standby and its warm instances were reaped for idleness (keepAlive: 1 s in the fixture). */
async function onlyStandbyLeft(emulator: Engine, fn: string): Promise<string> {
  await waitFor(() => standbyOf(emulator, fn)?.state === "idle" && warmOf(emulator, fn).length === 0, `${fn}: a ready standby and no warm instance`, 20_000);
  return standbyOf(emulator, fn)!.id;
}

function recordLogs(emulator: Engine): LogRecord[] {
  const records: LogRecord[] = [];
  emulator.logBus.subscribe((record) => records.push(record));
  return records;
}

for (const [fn, language] of [["standby-node", "Node.js"], ["standby-python", "Python"]] as const) {
  test(`${language}: after idle reaping the next call runs on the standby, a container created before the call; warm, no Init Duration, its init output in the logs; shutdown removes it`, async () => {
    const docker = await requireDocker();
    const emulator = await startEmulator("standby", { executor: "docker" });
    const session = `${LABELS.session}=${emulator.id}`;
    try {
      const logs = recordLogs(emulator);
      const first = await emulator.invoke(fn, {});
      assert.equal(first.ok, true, JSON.stringify(first.error));
      assert.equal(first.timings.cold, true);
      const standbyId = await onlyStandbyLeft(emulator, fn);

      const [standbyContainer] = await faasboxContainers(docker, [session, `${LABELS.instance}=${standbyId}`]);
      assert.equal(standbyContainer?.State, "running", "the standby's container is up before any call reaches it");
      const containersBefore = new Set((await faasboxContainers(docker, [session])).map((c) => c.Id));

      const served = await emulator.invoke(fn, {});
      assert.equal(served.ok, true, JSON.stringify(served.error));
      assert.equal(served.instanceId, standbyId, "the standby served it");
      const [servedBy] = await faasboxContainers(docker, [session, `${LABELS.instance}=${served.instanceId}`]);
      assert.ok(containersBefore.has(servedBy.Id), "no container was created for this call: it ran in one that was there before");
      assert.equal(served.timings.cold, false, "its init happened before the call");
      assert.equal(served.timings.initMs, undefined);
      const report = served.logs.find((r) => /^REPORT RequestId: |^Report RequestId: /i.test(r.text));
      assert.ok(report, served.logs.map((r) => r.text).join("\n"));
      assert.doesNotMatch(report.text, /Init Duration/, "as for an instance provisioned ahead of its call");
      const initLine = `${fn} init v1`;
      // (Node's lines carry Lambda's timestamp, request id and level before the text.)
      assert.ok(served.logs.some((r) => r.text.endsWith(initLine) && r.requestId === undefined), `the standby's init output is in the logs of the call it served:\n${served.logs.map((r) => r.text).join("\n")}`);
      const initRecords = logs.filter((r) => r.text.endsWith(initLine));
      assert.equal(initRecords.length, 2, "the function's log has the init output of both instances (the first call's and the standby's)");
      assert.ok(initRecords.some((r) => r.instanceId === standbyId));

      // Taken, it is replaced in the background.
      await waitFor(() => standbyOf(emulator, fn)?.state === "idle" && standbyOf(emulator, fn)!.id !== standbyId, "a new standby", 20_000);
    } finally {
      await emulator.shutdown();
    }
    assert.deepEqual((await faasboxContainers(docker, [session])).map((c) => c.State), [], "shutdown removed the standby with the rest");
  });
}

test("a change to the function's code replaces its standby with one running the new code", async () => {
  await requireDocker();
  const emulator = await startEmulator("standby", { executor: "docker", watch: true });
  try {
    const logs = recordLogs(emulator);
    assert.equal(((await emulator.invoke("standby-node", {})).result as { version?: string }).version, "v1");
    const old = await onlyStandbyLeft(emulator, "standby-node");
    const file = join(emulator.root, "node", "index.js");
    writeFileSync(file, readFileSync(file, "utf8").replace('"v1"', '"v2"'));
    await waitFor(() => logs.some((r) => r.text.endsWith("standby-node init v2")), "a standby of the new code to initialise", 20_000);
    const replaced = await onlyStandbyLeft(emulator, "standby-node");
    assert.notEqual(replaced, old);
    assert.ok(!emulator.instances("standby-node").some((i) => i.id === old), "the old code's standby is gone");
    const served = await emulator.invoke("standby-node", {});
    assert.equal(served.instanceId, replaced);
    assert.equal((served.result as { version?: string }).version, "v2");
  } finally {
    await emulator.shutdown();
  }
});

test("within a 128 MB budget only the most recently used function keeps a standby", async () => {
  const docker = await requireDocker();
  const emulator = await startEmulator("standby", { executor: "docker", standby: { budgetMb: 128 } });
  const session = `${LABELS.session}=${emulator.id}`;
  try {
    await emulator.invoke("standby-node", {});
    const nodeStandby = await onlyStandbyLeft(emulator, "standby-node");
    await emulator.invoke("standby-python", {});
    await onlyStandbyLeft(emulator, "standby-python");
    await waitFor(() => standbyOf(emulator, "standby-node") === undefined, "the least recently used function's standby to stop");
    await waitFor(async () => (await faasboxContainers(docker, [session, `${LABELS.instance}=${nodeStandby}`])).length === 0, "its container to be removed");
    const left = emulator.instances();
    assert.deepEqual(left.map((i) => [i.function, i.standby]), [["standby-python", true]]);
  } finally {
    await emulator.shutdown();
  }
});

test("FAASBOX_STANDBY=0: no standby; once the warm instance is reaped no container is left", async () => {
  const docker = await requireDocker();
  const saved = process.env.FAASBOX_STANDBY;
  process.env.FAASBOX_STANDBY = "0";
  const emulator = await startEmulator("standby", { executor: "docker" }).finally(() => {
    if (saved === undefined) delete process.env.FAASBOX_STANDBY;
    else process.env.FAASBOX_STANDBY = saved;
  });
  const session = `${LABELS.session}=${emulator.id}`;
  try {
    const seen: boolean[] = [];
    emulator.on("instance", (info) => seen.push(info.standby === true));
    assert.equal((await emulator.invoke("standby-node", {})).ok, true);
    await waitFor(() => emulator.instances().length === 0, "the warm instance to be reaped", 20_000);
    await waitFor(async () => (await faasboxContainers(docker, [session])).length === 0, "its container to be removed");
    assert.ok(seen.length > 0 && !seen.includes(true), "no instance was ever a standby");
    const next = await emulator.invoke("standby-node", {});
    assert.equal(next.timings.cold, true, "the next call starts cold");
  } finally {
    await emulator.shutdown();
  }
});
