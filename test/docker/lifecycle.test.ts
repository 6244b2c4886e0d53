// The examples in each manifest format, pre-warmed instances and orphan reaping.
import { test } from "node:test";
import { chmodSync } from "node:fs";
import assert from "node:assert/strict";
import { resolveImages } from "../../emulator/config/images";
import { LABELS } from "../../emulator/core/docker/labels";
import { Engine } from "../../emulator/core/engine";
import { leftoverContainers, requireDocker } from "../helpers/docker";
import { startEmulator, waitFor } from "../helpers/emulator";
import { EXAMPLES } from "../helpers/paths";

test("the bundled examples run in containers from serverless.yml (SCF) and template.yaml (SAM)", async () => {
  await requireDocker();
  const emulator = await Engine.create({ root: EXAMPLES, executor: "docker", watch: false });
  try {
    assert.deepEqual(emulator.problems.map((p) => p.message), []);
    const event = { queryString: { name: "Ada" }, queryStringParameters: { name: "Ada" } };
    for (const name of ["hello-node", "hello-python"]) {
      const result = await emulator.invoke(name, event);
      assert.equal(result.ok, true, JSON.stringify(result.error));
      const body = result.result as { statusCode: number; body: string };
      assert.equal(body.statusCode, 200);
      assert.match(JSON.parse(body.body).message, /^Hello Ada from (Node\.js|Python) /);
      assert.match(result.logs[0].text, /^START RequestId:[0-9a-f-]+$/, "SCF's log dialect");
    }
    assert.match(((await emulator.invoke("HelloNode", event)).result as { message: string }).message, /^Hello Ada from Node\.js/);
    const python = await emulator.invoke("HelloPython", event);
    assert.equal((python.result as { statusCode: number }).statusCode, 200);
    assert.match(python.logs[0].text, /^START RequestId: [0-9a-f-]+ Version: \$LATEST$/, "Lambda's log dialect");
  } finally {
    await emulator.shutdown();
  }
});

test("minimum warm instances are started ahead of any invocation and serve it warm", async () => {
  await requireDocker();
  const emulator = await startEmulator("prewarm", { executor: "docker" });
  try {
    await waitFor(() => emulator.instances("node-prewarmed").filter((i) => i.state === "idle").length === 2, "two warm instances");
    const result = await emulator.invoke("node-prewarmed", {});
    assert.equal(result.timings.cold, false);
    assert.equal(emulator.instances("node-prewarmed").filter((i) => !i.standby).length, 2);
  } finally {
    await emulator.shutdown();
  }
});

test("containers left by an emulator that died are removed at the next start", async () => {
  const docker = await requireDocker();
  const orphan = await docker.createContainer({
    Image: resolveImages().nodejs.image,
    Cmd: ["sleep", "300"],
    Labels: { [LABELS.managed]: "true", [LABELS.emulator]: `${2 ** 22 + 4321}-deadbeef`, [LABELS.function]: "ghost" },
    HostConfig: { NetworkMode: "none" },
  });
  await orphan.start();
  const emulator = await startEmulator("runtime", { executor: "docker" });
  await emulator.shutdown();
  await assert.rejects(orphan.inspect(), /no such container/i);
});


test("shutting down while pre-warmed instances are still starting leaves no container", async () => {
  const docker = await requireDocker();
  const emulator = await startEmulator("prewarm", { executor: "docker" });
  await emulator.shutdown(); // at once: the two instances are mid-launch
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual((await leftoverContainers(docker)).map((c) => c.Names), []);
});

test("a code folder the container's user cannot read is a clear error naming the fix", async () => {
  await requireDocker();
  const emulator = await startEmulator("prewarm", { executor: "docker" });
  try {
    await emulator.shutdown();
    chmodSync(emulator.root, 0o700);
    const locked = await Engine.create({ root: emulator.root, executor: "docker", watch: false });
    try {
      const result = await locked.invoke("node-prewarmed", {});
      if (process.getuid?.() === 0) {
        assert.equal(result.errorKind, "platform");
        assert.match(result.error!.errorMessage, /cannot be read by the container's unprivileged user \(mode 700\); run: chmod -R o\+rX /);
      } else {
        assert.equal(result.ok, true, "as a normal user the container runs with that user's uid");
      }
    } finally {
      await locked.shutdown();
    }
  } finally {
    chmodSync(emulator.root, 0o755);
  }
});

test("no container is left once the emulators have shut down", async () => {
  assert.deepEqual((await leftoverContainers(await requireDocker())).map((c) => c.Names), []);
});
