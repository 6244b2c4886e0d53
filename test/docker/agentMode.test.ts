// Instances under the in-container agent (emulator/agent/PROTOCOL.md): containers with no
// network at all (FAASBOX_DOCKER_NETWORK=none), whose runtimes reach their Runtime API at
// 127.0.0.1:9001 inside the container, relayed over the attach stream. The emulator listens on
// no port for them. Never skipped: without the agent binary this tier fails and says how to build it.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, readlinkSync } from "node:fs";
import type Docker from "dockerode";
import type { Engine } from "../../emulator/core/engine";
import { LABELS } from "../../emulator/core/docker/labels";
import { faasboxContainers, leftoverContainers, requireDocker } from "../helpers/docker";
import { startEmulator } from "../helpers/emulator";
import { requireAgentBinary, startAgentEmulator } from "../helpers/agent";
import { messageOf } from "../helpers/logLines";

/** TCP ports this process listens on (from the kernel's tables: its own sockets in LISTEN state). */
function ownListeningPorts(): Set<number> {
  const inodes = new Set<string>();
  for (const fd of readdirSync("/proc/self/fd")) {
    try {
      const link = readlinkSync(`/proc/self/fd/${fd}`);
      const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
      if (inode) inodes.add(inode);
    } catch {
      // closed meanwhile
    }
  }
  const ports = new Set<number>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(table, "latin1");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      // sl local_address rem_address st ... uid timeout inode
      if (fields.length > 9 && fields[3] === "0A" && inodes.has(fields[9])) ports.add(parseInt(fields[1].split(":").pop()!, 16));
    }
  }
  return ports;
}

async function sessionContainers(docker: Docker, emulator: Engine): Promise<Docker.ContainerInspectInfo[]> {
  const found = await faasboxContainers(docker, [`${LABELS.session}=${emulator.id}`]);
  return Promise.all(found.map((c) => docker.getContainer(c.Id).inspect()));
}

describe("agent mode (docker executor, FAASBOX_DOCKER_NETWORK=none)", () => {
  let docker: Docker;
  let emulator: Engine;
  let listeningBefore: Set<number>;

  before(async () => {
    docker = await requireDocker();
    listeningBefore = ownListeningPorts();
    emulator = await startAgentEmulator("runtime");
  });
  after(() => emulator?.shutdown());

  test("a Node handler runs in a container with no network; its Runtime API is the agent's 127.0.0.1:9001", async () => {
    assert.equal(emulator.executor.agent, true);
    const result = await emulator.invoke("node-cjs", { hello: "agent" });
    assert.equal(result.ok, true, JSON.stringify(result.error));
    const body = result.result as Record<string, any>;
    assert.deepEqual(body.event, { hello: "agent" });
    assert.equal(body.context.awsRequestId, result.requestId);
    assert.equal(body.env.AWS_LAMBDA_RUNTIME_API, "127.0.0.1:9001");
    assert.equal(body.cwd, "/var/task");
    assert.ok(body.uid >= 1_000_000_000, `an unprivileged uid of its own, got ${body.uid}`);
    // The runtime's stdout and stderr come through the agent's STDOUT and STDERR frames.
    const texts = result.logs.map((r) => `${r.stream}:${messageOf(r.text)}`);
    assert.ok(texts.includes('stdout:cjs handler got {"hello":"agent"}'), texts.join("\n"));
    assert.ok(texts.includes("stderr:a line on stderr"), texts.join("\n"));
    const again = await emulator.invoke("node-cjs", { n: 2 });
    assert.equal(again.timings.cold, false);
    assert.equal(again.instanceId, result.instanceId);
  });

  test("an SCF function sees SCF_RUNTIME_API=127.0.0.1 and SCF_RUNTIME_API_PORT=9001", async () => {
    const result = await emulator.invoke("node-cjs-scf", {});
    assert.equal(result.ok, true, JSON.stringify(result.error));
    const env = (result.result as Record<string, any>).env;
    assert.equal(env.SCF_RUNTIME_API, "127.0.0.1");
    assert.equal(env.SCF_RUNTIME_API_PORT, "9001");
  });

  test("a Python handler", async () => {
    const result = await emulator.invoke("python-aws", { py: true });
    assert.equal(result.ok, true, JSON.stringify(result.error));
    const body = result.result as Record<string, any>;
    assert.deepEqual(body.event, { py: true });
    assert.equal(body.context.aws_request_id, result.requestId);
    assert.ok(result.logs.some((r) => r.text === 'python handler got {"py": true}'), result.logs.map((r) => r.text).join("\n"));
  });

  test("a custom runtime speaking the Lambda Runtime API with curl, one connection per call", async () => {
    const result = await emulator.invoke("custom-aws", { via: "curl" });
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.deepEqual(result.result, { runtime: "curl-aws", handler: "function.handler", event: { via: "curl" } });
    for (let n = 0; n < 5; n++) {
      const again = await emulator.invoke("custom-aws", { n });
      assert.deepEqual((again.result as Record<string, unknown>).event, { n });
      assert.equal(again.timings.cold, false);
      assert.ok(again.logs.some((r) => r.text === `custom runtime handling ${again.requestId}`), again.logs.map((r) => r.text).join("\n"));
    }
    const scf = await emulator.invoke("custom-scf", { via: "curl" });
    assert.equal(scf.ok, true, JSON.stringify(scf));
  });

  test("a thrown error, and a process that exits during its invocation (EXIT's status)", async () => {
    const thrown = await emulator.invoke("node-throw", {});
    assert.equal(thrown.errorKind, "function");
    assert.equal(thrown.error?.errorType, "ValidationError");
    assert.ok(thrown.logs.some((r) => messageOf(r.text) === "about to fail"));
    const exited = await emulator.invoke("node-exit", {});
    assert.equal(exited.errorKind, "exit");
    assert.match(exited.error!.errorMessage, /Runtime exited with error: exit status 3/);
    assert.ok(exited.logs.some((r) => messageOf(r.text) === "exiting on purpose"), "the last output comes before the exit");
  });

  test("at the timeout the invocation fails and the instance is replaced", async () => {
    const result = await emulator.invoke("node-timeout", {});
    assert.equal(result.errorKind, "timeout");
    assert.equal(result.error?.errorType, "Sandbox.Timedout");
    const next = await emulator.invoke("node-timeout", {});
    assert.equal(next.timings.cold, true);
    assert.notEqual(next.instanceId, result.instanceId);
  });

  test("concurrency: 10 parallel invocations on up to 5 instances all succeed", async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => emulator.invoke("node-slow-queued", { ms: 300 })));
    assert.deepEqual(results.filter((r) => !r.ok).map((r) => r.error), []);
    assert.ok(new Set(results.map((r) => r.instanceId)).size > 1, "more than one instance served");
  });

  test("the containers have no network and no published port; the emulator listens on no port for them", async () => {
    await emulator.invoke("node-cjs", {});
    const containers = await sessionContainers(docker, emulator);
    assert.ok(containers.length > 0);
    for (const info of containers) {
      assert.equal(info.HostConfig.NetworkMode, "none");
      assert.deepEqual(Object.keys(info.HostConfig.PortBindings ?? {}), []);
      assert.deepEqual(Object.keys(info.NetworkSettings.Ports ?? {}), []);
      assert.deepEqual(info.Config.Cmd?.[0], "/opt/faasbox/agent/faasbox-agent");
    }
    const opened = [...ownListeningPorts()].filter((port) => !listeningBefore.has(port));
    assert.deepEqual(opened, [], "no Runtime API server listens: every runtime connection comes through its agent");
  });
});

describe("agent mode (process executor, FAASBOX_AGENT=1)", () => {
  let emulator: Engine;
  before(async () => {
    requireAgentBinary();
    emulator = await startEmulator("runtime", { executor: "process", agent: true });
  });
  after(() => emulator?.shutdown());

  test("Node, Python and curl runtimes, an error and a timeout, with the host's agent binary", async () => {
    const listeningBefore = ownListeningPorts();
    const node = await emulator.invoke("node-cjs", { p: 1 });
    assert.equal(node.ok, true, JSON.stringify(node.error));
    assert.match((node.result as Record<string, any>).env.AWS_LAMBDA_RUNTIME_API, /^127\.0\.0\.1:\d+$/);
    assert.ok(node.logs.some((r) => messageOf(r.text) === "a line on stderr"));
    const python = await emulator.invoke("python-aws", { p: 2 });
    assert.equal(python.ok, true, JSON.stringify(python.error));
    const curl = await emulator.invoke("custom-aws", { p: 3 });
    assert.equal(curl.ok, true, JSON.stringify(curl));
    const thrown = await emulator.invoke("node-throw", {});
    assert.equal(thrown.error?.errorType, "ValidationError");
    const timeout = await emulator.invoke("node-timeout", {});
    assert.equal(timeout.errorKind, "timeout");
    const exited = await emulator.invoke("node-exit", {});
    assert.match(exited.error!.errorMessage, /exit status 3/);
    assert.deepEqual([...ownListeningPorts()].filter((port) => !listeningBefore.has(port)), []);
  });
});

test("no container is left once the emulators have shut down", async () => {
  const docker = await requireDocker();
  const left = await leftoverContainers(docker);
  assert.deepEqual(left.map((c) => c.Names), []);
});
