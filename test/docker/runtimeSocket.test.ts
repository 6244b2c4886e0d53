// Faasbox's own shims reach the Runtime API on the emulator's socket (FAASBOX_RUNTIME_API_SOCKET,
// emulator/core/agent/agentSocket.ts) where the agent's channel is a socket: the agent beside them
// relays nothing of an invocation. Each probe looks at its own process: the sockets it holds, and
// whether any of them is a TCP connection to the agent's Runtime API port. On the attach channel
// (the control) the same probes do hold one, so the probe can tell.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Engine } from "../../emulator/core/engine";
import { requireAgentBinary } from "../helpers/agent";
import { leftoverContainers, requireDocker } from "../helpers/docker";
import { copyFixture } from "../helpers/emulator";

const NODE_PROBE = `
const fs = require("fs");
const mine = () => fs.readdirSync("/proc/self/fd")
  .map((fd) => { try { return fs.readlinkSync("/proc/self/fd/" + fd); } catch { return ""; } })
  .map((link) => /^socket:\\[(\\d+)\\]$/.exec(link)?.[1]).filter(Boolean);
const tcpTo = (port) => ["/proc/net/tcp", "/proc/net/tcp6"]
  .flatMap((file) => { try { return fs.readFileSync(file, "latin1").split("\\n").slice(1); } catch { return []; } })
  .map((row) => row.trim().split(/\\s+/))
  .filter((cols) => cols.length > 9 && cols[2].endsWith(":" + port.toString(16).toUpperCase().padStart(4, "0")))
  .map((cols) => cols[9]);
exports.handler = async () => {
  console.log("node probe logged");
  const sockets = mine();
  const agentPort = Number(process.env.FAASBOX_AGENT_API_PORT || 9001);
  return { socketEnv: process.env.FAASBOX_RUNTIME_API_SOCKET ?? null, sockets: sockets.length, toAgent: tcpTo(agentPort).filter((inode) => sockets.includes(inode)).length };
};
`;

const PYTHON_PROBE = `
import os, re

def mine():
    inodes = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            match = re.match(r"^socket:\\[(\\d+)\\]$", os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            continue
        if match:
            inodes.append(match.group(1))
    return inodes

def tcp_to(port):
    found = []
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = open(name, encoding="latin-1").read().split("\\n")[1:]
        except OSError:
            continue
        for row in rows:
            cols = row.split()
            if len(cols) > 9 and cols[2].endswith(":%04X" % port):
                found.append(cols[9])
    return found

def handler(event, context):
    print("python probe logged")
    sockets = mine()
    agent_port = int(os.environ.get("FAASBOX_AGENT_API_PORT", "9001"))
    return {"socketEnv": os.environ.get("FAASBOX_RUNTIME_API_SOCKET"), "sockets": len(sockets), "toAgent": len([i for i in tcp_to(agent_port) if i in sockets])}
`;

interface Probe {
  socketEnv: string | null;
  sockets: number;
  toAgent: number;
}

const saved = process.env.FAASBOX_AGENT_CHANNEL;
let root: string;

before(async () => {
  requireAgentBinary();
  await requireDocker();
  root = copyFixture("hostile");
  mkdirSync(join(root, "node-probe"));
  writeFileSync(join(root, "node-probe", "index.js"), NODE_PROBE);
  mkdirSync(join(root, "python-probe"));
  writeFileSync(join(root, "python-probe", "index.py"), PYTHON_PROBE);
  writeFileSync(join(root, "faasbox.yml"), `${[
    "functions:",
    "  node-probe: { runtime: nodejs20.x, codeUri: node-probe, handler: index.handler }",
    "  python-probe: { runtime: python3.12, codeUri: python-probe, handler: index.handler }",
  ].join("\n")}\n`);
});

after(async () => {
  if (saved === undefined) delete process.env.FAASBOX_AGENT_CHANNEL;
  else process.env.FAASBOX_AGENT_CHANNEL = saved;
  assert.deepEqual(await leftoverContainers(await requireDocker()), []);
});

/** Each probe's answer (twice: the second call comes on the kept-alive connections) and its logged line, on `channel`. */
async function probes(channel: "socket" | "attach"): Promise<Record<string, Probe>> {
  process.env.FAASBOX_AGENT_CHANNEL = channel;
  const engine = await Engine.create({ root, watch: false, executor: "docker", network: "host", agent: true, standby: { enabled: false } });
  try {
    assert.deepEqual(engine.problems, []);
    const answers: Record<string, Probe> = {};
    for (const [name, line] of [["node-probe", "node probe logged"], ["python-probe", "python probe logged"]]) {
      for (let call = 0; call < 2; call++) {
        const result = await engine.invoke(name, {});
        assert.equal(result.ok, true, `${name}: ${JSON.stringify(result.error)}`);
        assert.ok(result.logs.some((record) => record.text.includes(line)), `${name} on ${channel}: its log line arrived: ${JSON.stringify(result.logs.map((r) => r.text))}`);
        answers[name] = result.result as Probe;
      }
    }
    return answers;
  } finally {
    await engine.shutdown();
  }
}

describe("the shims' Runtime API connections", () => {
  test("on the socket channel they go to the emulator's socket: no TCP connection to the agent, results and logs arrive", async () => {
    for (const [name, probe] of Object.entries(await probes("socket"))) {
      assert.equal(probe.socketEnv, "/opt/faasbox/channel/runtime.sock", name);
      assert.equal(probe.toAgent, 0, `${name} holds no connection to the agent's port: ${JSON.stringify(probe)}`);
      assert.ok(probe.sockets >= 2, `${name} holds its invocation and log connections: ${JSON.stringify(probe)}`);
    }
  });

  test("on the attach channel (Docker Desktop, remote engines) they go to the agent beside them, as before", async () => {
    for (const [name, probe] of Object.entries(await probes("attach"))) {
      assert.equal(probe.socketEnv, null, name);
      assert.ok(probe.toAgent >= 1, `${name} reaches the Runtime API through the agent's port: ${JSON.stringify(probe)}`);
    }
  });
});
