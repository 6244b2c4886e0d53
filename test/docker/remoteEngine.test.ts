// An engine that shares no files with the editor, as a remote one: a private dockerd in a mount
// namespace of its own, whose /tmp is an empty tmpfs (test/helpers/privateEngine.ts,
// `isolatedFiles`), so the project copy this test makes under /tmp does not exist for it. With
// FAASBOX_CODE_TRANSFER unset (auto), the executor's probe finds that out and copies every host
// folder a container needs (code, shims, the agent) into volumes through the archive API; with
// FAASBOX_DOCKER_NETWORK=none the runtimes reach their Runtime API through the agent. The shared
// engine at /var/run/docker.sock is only read (`docker save` of the runtime image).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type Docker from "dockerode";
import { resolveImages } from "../../emulator/config/images";
import { engineSeesPath } from "../../emulator/core/docker/codeTransfer";
import { LABELS } from "../../emulator/core/docker/labels";
import { Engine } from "../../emulator/core/engine";
import { requireDocker } from "../helpers/docker";
import { copyFixture, waitFor } from "../helpers/emulator";
import { REPO_ROOT } from "../helpers/paths";
import { startPrivateEngine, type PrivateEngine } from "../helpers/privateEngine";
import { RUNTIME_SDK_LABEL } from "../../emulator/core/sdks/sdkVolume";
import { messageOf } from "../helpers/logLines";

const IMAGE = resolveImages().nodejs.image;

describe("a Docker engine that does not see this machine's files (its own mount namespace)", () => {
  let engine: PrivateEngine;
  let emulator: Engine;
  let root: string;
  let namespace: string | undefined;
  const saved = { network: process.env.FAASBOX_DOCKER_NETWORK, transfer: process.env.FAASBOX_CODE_TRANSFER };
  const restore = (name: string, value: string | undefined) => (value === undefined ? delete process.env[name] : (process.env[name] = value));

  before(async () => {
    const agent = join(REPO_ROOT, "dist", "agent", "faasbox-agent-amd64");
    assert.ok(existsSync(agent), `${agent} is missing: build the agent: bash scripts/build-agent.sh`);
    await requireDocker(); // the runtime image comes from the shared engine
    engine = await startPrivateEngine({ isolatedFiles: true });
    namespace = engine.mountNamespace;
    await engine.loadImage(IMAGE);
    root = copyFixture("runtime");
    process.env.FAASBOX_DOCKER_NETWORK = "none";
    delete process.env.FAASBOX_CODE_TRANSFER; // auto
    try {
      emulator = await Engine.create({ root, executor: "docker", dockerHost: engine.host, watch: true });
    } finally {
      restore("FAASBOX_DOCKER_NETWORK", saved.network);
      restore("FAASBOX_CODE_TRANSFER", saved.transfer);
    }
    assert.deepEqual(emulator.problems, []);
  });

  after(async () => {
    try {
      await emulator?.shutdown();
      if (engine) {
        // Removed with their volumes (remove({ v: true })): nothing of the copies stays on the engine. The runtime's
        // bundled SDK stays, as a cache shared by every function (filled once per engine, like an image).
        const containers = await engine.docker.listContainers({ all: true });
        const volumes = ((await engine.docker.listVolumes()).Volumes ?? []).filter((v) => !v.Labels?.[RUNTIME_SDK_LABEL]);
        assert.deepEqual(containers.map((c) => c.Names), [], "no container left on the engine");
        assert.deepEqual(volumes.map((v) => v.Name), [], "no volume left on the engine");
      }
    } finally {
      await engine?.dispose();
      if (namespace) {
        const left = readdirSync("/proc").filter((pid) => {
          try {
            return /^\d+$/.test(pid) && readlinkSync(`/proc/${pid}/ns/mnt`) === namespace;
          } catch {
            return false;
          }
        });
        assert.deepEqual(left, [], "no process is left in the engine's mount namespace (so it and its tmpfs are gone)");
      }
    }
  });

  test("the engine does not see the project: the probe says so", async () => {
    assert.equal(await engineSeesPath(engine.docker, IMAGE, root), false);
    assert.ok(!existsSync(join(root, ".faasbox", "probe")), "the probe leaves nothing behind");
  });

  test("Node, Python and a curl custom runtime run from copies of their code", async () => {
    const node = await emulator.invoke("node-cjs", { hello: "copied" });
    assert.equal(node.ok, true, JSON.stringify(node.error));
    const body = node.result as Record<string, any>;
    assert.deepEqual(body.event, { hello: "copied" });
    assert.equal(body.env.AWS_LAMBDA_RUNTIME_API, "127.0.0.1:9001");
    assert.equal(body.cwd, "/var/task");
    assert.ok(body.uid >= 1_000_000_000, `an unprivileged uid of its own, got ${body.uid}`);
    assert.ok(node.logs.some((r) => messageOf(r.text) === 'cjs handler got {"hello":"copied"}'), node.logs.map((r) => r.text).join("\n"));
    const python = await emulator.invoke("python-aws", { py: true });
    assert.equal(python.ok, true, JSON.stringify(python.error));
    assert.deepEqual((python.result as Record<string, any>).event, { py: true });
    const curl = await emulator.invoke("custom-aws", { via: "curl" });
    assert.equal(curl.ok, true, JSON.stringify(curl));
    assert.deepEqual(curl.result, { runtime: "curl-aws", handler: "function.handler", event: { via: "curl" } });
  });

  test("an error and a timeout", async () => {
    const thrown = await emulator.invoke("node-throw", {});
    assert.equal(thrown.errorKind, "function");
    assert.equal(thrown.error?.errorType, "ValidationError");
    const timedOut = await emulator.invoke("node-timeout", {});
    assert.equal(timedOut.errorKind, "timeout");
    assert.equal(timedOut.error?.errorType, "Sandbox.Timedout");
  });

  test("the containers have no bind mount at all, only volumes, no network and no published port; the copies are read-only for the runtime", async () => {
    await emulator.invoke("node-cjs", {});
    // An engine reached over tcp:// keeps the agent's channel on the attach stream (no socket folder is mounted: see below).
    assert.equal(emulator.executor.agentChannel, "attach");
    const found = await engine.docker.listContainers({ all: true, filters: { label: [`${LABELS.session}=${emulator.id}`] } });
    assert.ok(found.length > 0);
    for (const { Id } of found) {
      const info: Docker.ContainerInspectInfo = await engine.docker.getContainer(Id).inspect();
      assert.deepEqual(info.HostConfig.Binds ?? [], [], "no host path is mounted");
      assert.ok(info.Mounts.length >= 3, JSON.stringify(info.Mounts));
      assert.deepEqual(info.Mounts.filter((m) => m.Type !== "volume"), [], JSON.stringify(info.Mounts));
      assert.deepEqual(info.Mounts.map((m) => m.Destination).sort().filter((d) => !d.startsWith("/var/")), ["/opt/faasbox/agent", "/opt/faasbox/shims"]);
      assert.equal(info.HostConfig.NetworkMode, "none");
      assert.deepEqual(Object.keys(info.HostConfig.PortBindings ?? {}), []);
      assert.deepEqual(Object.keys(info.NetworkSettings.Ports ?? {}), []);
    }
    // A handler that tries to change its own code and the shims: root's files, the runtime is not root.
    writeFileSync(
      join(root, "node", "writes.js"),
      "const fs = require('fs');\nexports.handler = async () => ['/var/task/cjs.js', '/var/task/new.js', '/opt/faasbox/shims/x', '/opt/faasbox/agent/faasbox-agent']" +
        ".map((p) => { try { fs.appendFileSync(p, 'x'); return 'written'; } catch (e) { return e.code; } });\n",
    );
    writeFileSync(join(root, "faasbox.yml"), `${readFileSync(join(root, "faasbox.yml"), "utf8")}  node-writes:\n    runtime: nodejs20.x\n    codeUri: node\n    handler: writes.handler\n`);
    let written: unknown;
    await waitFor(async () => {
      // Unknown until the manifest's change is reloaded.
      const result = await emulator.invoke("node-writes", {}).catch(() => undefined);
      written = result?.result;
      return result?.ok === true;
    }, "node-writes to run", 20_000);
    assert.deepEqual(written, ["EACCES", "EACCES", "EACCES", "EACCES"]);
  });

  test("hot reload: a changed handler is copied into the next container", async () => {
    const file = join(root, "node", "cjs.js");
    writeFileSync(file, "exports.handler = async () => ({ version: 'v2' });\n");
    await waitFor(async () => {
      const result = await emulator.invoke("node-cjs", {});
      return (result.result as { version?: string } | undefined)?.version === "v2";
    }, "an invocation returning the new handler's value", 30_000);
  });
});
