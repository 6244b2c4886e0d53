// A bounded load through the HTTP gateway with a leak check, and malformed HTTP and WebSocket
// input at every listener: the emulator answers each with an error and keeps serving.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Agent, request } from "node:http";
import { connect } from "node:net";
import { readdirSync } from "node:fs";
import type { Daemon } from "../../../emulator/daemon/daemon";
import { leftoverContainers, requireDocker } from "../../helpers/docker";
import { startDaemon } from "../../helpers/control";

const REQUESTS = 2000;
const CONCURRENCY = 20;
let daemon: Daemon;

before(async () => {
  await requireDocker();
  daemon = await startDaemon("http");
});

after(async () => {
  await daemon?.shutdown();
  assert.deepEqual(await leftoverContainers(await requireDocker()), []);
});

function get(url: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    }).on("error", reject).end();
  });
}

const openFds = () => readdirSync("/proc/self/fd").length;

async function load(url: string): Promise<Record<string, number>> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const statuses: Record<string, number> = {};
  let sent = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (sent < REQUESTS) {
      sent++;
      const status = await get(url, agent);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  }));
  agent.destroy();
  return statuses;
}

test(`${REQUESTS} requests at concurrency ${CONCURRENCY}, twice: every one answered 200, instances within the limit, nothing left open by the second round`, async (t) => {
  const url = `${daemon.gateway.url}/inferred`;
  // The first round warms the pool to what this load needs; the second must leave nothing behind.
  assert.deepEqual(await load(url), { 200: REQUESTS });
  await settle();
  const fdsBefore = openFds();
  // The warm instances (the standby, one more, counts against no limit).
  const instancesBefore = daemon.engine.instances("v2-inferred").filter((i) => !i.standby).length;
  assert.deepEqual(await load(url), { 200: REQUESTS });
  await settle();
  const fdsAfter = openFds();
  const instancesAfter = daemon.engine.instances("v2-inferred").filter((i) => !i.standby).length;
  t.diagnostic(`instances ${instancesBefore} → ${instancesAfter}; file descriptors ${fdsBefore} → ${fdsAfter}`);
  assert.ok(instancesAfter >= 1 && instancesAfter <= 10, `${instancesAfter} instances, at most maxConcurrency`);
  // Each instance holds a few descriptors of its own (its runtime API, its attach stream).
  assert.ok(fdsAfter <= fdsBefore + 5 + 4 * Math.max(0, instancesAfter - instancesBefore), `file descriptors grew from ${fdsBefore} to ${fdsAfter}`);
});

/** Sockets close asynchronously: wait until the count of open descriptors stops moving. */
async function settle(): Promise<void> {
  let last = -1;
  for (let i = 0; i < 30; i++) {
    const now = openFds();
    if (now === last) return;
    last = now;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Sends raw bytes and returns what came back before the server closed or went quiet. */
function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let answer = "";
    socket.on("data", (chunk) => (answer += chunk.toString("latin1")));
    socket.on("close", () => resolve(answer));
    socket.on("error", () => resolve(answer));
    socket.setTimeout(2000, () => socket.destroy());
    socket.end(bytes);
  });
}

test("malformed HTTP at the gateway, the Invoke API and the control port gets a 4xx, and each keeps serving", async () => {
  const ports = {
    gateway: Number(new URL(daemon.gateway.url).port),
    invokeApi: Number(new URL(daemon.invokeUrl!).port),
    control: Number(new URL(daemon.controlUrl).port),
  };
  const garbage = [
    "NOT HTTP AT ALL\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -5\r\n\r\n",
    "GET /v2/x HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    `GET /${"a".repeat(70_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
    "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header Without Colon\r\n\r\n",
  ];
  for (const [name, port] of Object.entries(ports)) {
    for (const bytes of garbage) {
      const answer = await raw(port, bytes);
      assert.match(answer, /^HTTP\/1\.1 4\d\d /, `${name} answered ${JSON.stringify(answer.slice(0, 60))} to ${JSON.stringify(bytes.slice(0, 40))}`);
    }
    // A WebSocket upgrade with a broken key and version.
    const upgrade = await raw(port, "GET /faasbox HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: x\r\nSec-WebSocket-Version: 99\r\n\r\n");
    assert.match(upgrade, /^HTTP\/1\.1 4\d\d /, `${name} answered ${JSON.stringify(upgrade.slice(0, 60))} to a broken upgrade`);
  }
  const agent = new Agent();
  assert.equal(await get(`${daemon.gateway.url}/inferred`, agent), 200);
  agent.destroy();
});
