// The agent's channel on a Unix socket (emulator/core/agent/agentSocket.ts) on this machine's
// local engine: each instance's container mounts its own socket folder and no other; a hostile
// function on host networking, which sees every Unix socket of the host in /proc/net/unix, can
// reach none of them (not an instance's socket still waiting for its agent either), and finds no
// secret in its environment or its agent's.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { listenForAgent } from "../../emulator/core/agent/agentSocket";
import { Engine } from "../../emulator/core/engine";
import { LABELS } from "../../emulator/core/docker/labels";
import { requireAgentBinary } from "../helpers/agent";
import { faasboxContainers, leftoverContainers, requireDocker } from "../helpers/docker";
import { copyFixture } from "../helpers/emulator";

const PROBER = `
const net = require("net");
const fs = require("fs");
const tryConnect = (path) => new Promise((resolve) => {
  const s = net.createConnection(path);
  s.on("connect", () => { s.destroy(); resolve("connected"); });
  s.on("error", (e) => resolve(e.code));
});
exports.handler = async (event) => {
  // Every Unix socket path the kernel lists for this network namespace (the host's, on host networking).
  const listed = fs.readFileSync("/proc/net/unix", "latin1").split("\\n").slice(1).map((l) => l.trim().split(/\\s+/)[7]).filter(Boolean);
  const targets = [...new Set([...listed.filter((p) => p.includes("faasbox-ch-")), ...event.paths, "/opt/faasbox/channel/agent.sock"])];
  const results = {};
  for (const path of targets) results[path] = await tryConnect(path);
  const environ = fs.readFileSync("/proc/1/environ", "latin1");
  return {
    results,
    listedTheTarget: listed.some((p) => event.paths.includes(p)),
    secretInEnv: process.env.FAASBOX_AGENT_SECRET ?? null,
    secretInAgentEnviron: /FAASBOX_AGENT_SECRET=[0-9a-f]{64}/.test(environ),
    channelFolder: fs.readdirSync("/opt/faasbox/channel"),
  };
};
`;

let engine: Engine;
const saved = process.env.FAASBOX_AGENT_CHANNEL;

before(async () => {
  requireAgentBinary();
  await requireDocker();
  const root = copyFixture("hostile");
  mkdirSync(join(root, "prober"));
  writeFileSync(join(root, "prober", "index.js"), PROBER);
  writeFileSync(join(root, "faasbox.yml"), `${[
    "functions:",
    "  victim: { runtime: nodejs20.x, codeUri: victim, handler: index.handler }",
    "  prober: { runtime: nodejs20.x, codeUri: prober, handler: index.handler, timeout: 10 }",
  ].join("\n")}\n`);
  process.env.FAASBOX_AGENT_CHANNEL = "socket";
  // Counted below: one container per function, so no standby instances (standby.test.ts covers those).
  engine = await Engine.create({ root, watch: false, executor: "docker", network: "host", agent: true, standby: { enabled: false } });
  assert.deepEqual(engine.problems, []);
});

after(async () => {
  if (saved === undefined) delete process.env.FAASBOX_AGENT_CHANNEL;
  else process.env.FAASBOX_AGENT_CHANNEL = saved;
  await engine?.shutdown();
  assert.deepEqual(await leftoverContainers(await requireDocker()), []);
});

test("each instance's container mounts its own socket folder, read-only, and no other; the frames flow there", async () => {
  const docker = await requireDocker();
  for (const name of ["victim", "prober"]) {
    const result = await engine.invoke(name, { paths: [] });
    assert.equal(result.ok, true, JSON.stringify(result.error));
  }
  const containers = await faasboxContainers(docker, [`${LABELS.project}=${engine.root}`]);
  assert.equal(containers.length, 2);
  const folders = await Promise.all(containers.map(async (c) => {
    const info = await docker.getContainer(c.Id).inspect();
    const channel = (info.HostConfig.Binds ?? []).filter((bind) => bind.includes(":/opt/faasbox/channel"));
    assert.equal(channel.length, 1, `one channel folder: ${JSON.stringify(info.HostConfig.Binds)}`);
    assert.match(channel[0], /:\/opt\/faasbox\/channel:ro$/);
    assert.ok((info.Config.Env ?? []).includes("FAASBOX_AGENT_SOCKET=/opt/faasbox/channel/agent.sock"));
    return channel[0].split(":")[0];
  }));
  assert.notEqual(folders[0], folders[1], "each instance has a folder of its own");
});

test("another function cannot reach an instance's sockets (its runtime API's, its agent's even while it waits); it finds no secret", async () => {
  // An instance's socket as it is between the container's start and its agent's connection.
  const pending = await listenForAgent("pending-instance", { uid: 1_987_654_321, gid: 65534 }, (connection) => connection.destroy());
  try {
    const path = join(pending.hostDir, "agent.sock");
    const runtimeSocket = join(pending.hostDir, "runtime.sock");
    const probe = await engine.invoke("prober", { paths: [path, runtimeSocket] });
    assert.equal(probe.ok, true, JSON.stringify(probe.error));
    const found = probe.result as { results: Record<string, string>; listedTheTarget: boolean; secretInEnv: string | null; secretInAgentEnviron: boolean; channelFolder: string[] };
    assert.equal(found.listedTheTarget, true, "on host networking the prober sees the pending socket's path in /proc/net/unix");
    for (const [target, outcome] of Object.entries(found.results)) {
      assert.notEqual(outcome, "connected", `the prober connected to ${target}: ${JSON.stringify(found.results)}`);
    }
    assert.equal(found.results[path], "ENOENT", "the host's socket folders are not in the container");
    assert.equal(found.results[runtimeSocket], "ENOENT", "nor another instance's runtime API socket");
    assert.equal(found.results["/opt/faasbox/channel/agent.sock"], "ENOENT", "its own socket is gone once its agent connected");
    assert.deepEqual(found.channelFolder, ["runtime.sock"], "what stays is its own runtime API's socket");
    assert.equal(found.secretInEnv, null, "the runtime's environment has no secret");
    assert.equal(found.secretInAgentEnviron, false, "the agent wiped its secret from its environment block");
    const waiting = await Promise.race([pending.accepted.then(() => "accepted"), new Promise((r) => setTimeout(() => r("waiting"), 200))]);
    assert.equal(waiting, "waiting");
    // The victim still serves, over its own socket.
    const victim = await engine.invoke("victim", { n: 1 });
    assert.equal(victim.ok, true, JSON.stringify(victim.error));
  } finally {
    pending.close();
  }
});
