// The control API for real: a `ws` client against a running daemon with containers.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type WebSocket from "ws";
import type { Daemon } from "../../emulator/daemon/daemon";
import type { ControlClient } from "../../emulator/client/controlClient";
import { readConnectionInfo } from "../../emulator/client/connectionFile";
import { Notifications, Requests, type LogRecord } from "../../emulator/protocol";
import { leftoverContainers, requireDocker } from "../helpers/docker";
import { clientFor, exchange, rawSocket, startDaemon } from "../helpers/control";
import { waitFor } from "../helpers/emulator";
import { messageOf } from "../helpers/logLines";

describe("control API", () => {
  let daemon: Daemon;
  let client: ControlClient;
  before(async () => {
    await requireDocker();
    daemon = await startDaemon("runtime");
    client = await clientFor(daemon);
  });
  after(async () => {
    client?.dispose();
    await daemon?.shutdown();
  });

  test("the connection file names this process, the control URL and the token; the status agrees", async () => {
    const info = readConnectionInfo(daemon.engine.root);
    assert.equal(info?.pid, process.pid);
    assert.equal(info?.controlUrl, daemon.controlUrl);
    assert.equal(info?.token, daemon.token);
    const status = await client.request(Requests.emulatorStatus);
    assert.equal(status.root, daemon.engine.root);
    assert.equal(status.executor, "docker");
    assert.equal(status.isolated, true);
  });

  test("functions.list gives each function's runtime, triggers, state and pool", async () => {
    const { functions, problems } = await client.request(Requests.functionsList);
    assert.deepEqual(problems, []);
    const cjs = functions.find((f) => f.name === "node-cjs");
    assert.equal(cjs?.runtime, "nodejs20.x");
    assert.equal(cjs?.dialect, "aws");
    assert.equal(cjs?.state, "stopped");
    assert.deepEqual(cjs?.pool, { starting: 0, idle: 0, busy: 0, stopping: 0, queued: 0 });
  });

  test("invoke round trip: result, logs, timings and memory; the function is then warm", async () => {
    const result = await client.request(Requests.invoke, { function: "node-esm", event: { via: "ws" } });
    assert.equal(result.ok, true);
    assert.deepEqual(result.result, { style: "esm", echo: { via: "ws" } });
    assert.equal(result.timings.cold, true);
    assert.ok(result.timings.billedMs >= 1);
    assert.ok(result.logs.some((r) => r.text.startsWith("REPORT RequestId: ")));
    const { functions } = await client.request(Requests.functionsList);
    assert.equal(functions.find((f) => f.name === "node-esm")?.state, "warm");
    // Its standby (made after the call, never given an event) is listed too, marked `standby`.
    const instances = (await client.request(Requests.instancesList, { function: "node-esm" })).instances.filter((i) => !i.standby);
    assert.equal(instances.length, 1);
    assert.equal(instances[0].state, "idle");
    assert.deepEqual(await client.request(Requests.instancesStop, { id: instances[0].id }), { stopped: true });
    assert.equal((await client.request(Requests.instancesList, { function: "node-esm" })).instances.filter((i) => !i.standby).length, 0);
  });

  test("a log subscription streams each request's lines in order, filtered by function", async () => {
    const received: LogRecord[] = [];
    client.onNotification(Notifications.logRecord, ({ record }) => received.push(record));
    const { subscriptionId } = await client.request(Requests.logsSubscribe, { function: "node-chatty" });
    const results = await Promise.all([1, 2, 3].map(() => client.request(Requests.invoke, { function: "node-chatty", event: { lines: 50 } })));
    for (const result of results) {
      await waitFor(() => received.some((r) => r.requestId === result.requestId && r.text.startsWith("REPORT")), "the REPORT line");
      const lines = received.filter((r) => r.requestId === result.requestId && r.stream === "stdout").map((r) => messageOf(r.text).slice(0, 11));
      assert.deepEqual(lines, Array.from({ length: 50 }, (_, i) => `line ${String(i).padStart(6, "0")}`));
    }
    assert.ok(received.every((r) => r.function === "node-chatty"));
    assert.deepEqual(await client.request(Requests.logsUnsubscribe, { subscriptionId }), { ok: true });
  });

  test("the caller's request id is the invocation's: the runtime sees it, its lines carry it; a duplicate in flight or a bad id is refused", async () => {
    const received: LogRecord[] = [];
    client.onNotification(Notifications.logRecord, ({ record }) => received.push(record));
    const requestId = `editor-${Date.now()}`;
    const { subscriptionId } = await client.request(Requests.logsSubscribe, { requestId });
    const first = client.request(Requests.invoke, { function: "node-cjs", event: { mine: true }, requestId });
    const duplicate = client.request(Requests.invoke, { function: "node-cjs", event: {}, requestId });
    await assert.rejects(duplicate, (error: { code: number; message: string }) => error.code === -32602 && /still in flight/.test(error.message));
    const others = await Promise.all([1, 2].map(() => client.request(Requests.invoke, { function: "node-cjs", event: { mine: false } })));
    const result = await first;
    assert.equal(result.requestId, requestId);
    assert.equal((result.result as any).context.awsRequestId, requestId);
    await waitFor(() => received.some((r) => r.text.startsWith("REPORT")), "the REPORT line of the request");
    assert.ok(received.length >= 3, "START, END and REPORT at least");
    assert.ok(received.every((r) => r.requestId === requestId));
    assert.ok(others.every((other) => other.requestId !== requestId));
    await client.request(Requests.logsUnsubscribe, { subscriptionId });
    await assert.rejects(client.request(Requests.invoke, { function: "node-cjs", requestId: "two words\r\nX-Injected: 1" }), /params\.requestId must be 1 to 128 printable ASCII/);
  });

  test("eventText reaches the handler byte for byte (integers past 2^53 too); text that is not JSON is refused", async () => {
    // Python reads big integers exactly and prints what it got: a re-encoding on the way would round it.
    const result = await client.request(Requests.invoke, { function: "python-aws", eventText: '{"big": 12345678901234567890123}' });
    assert.equal(result.ok, true, JSON.stringify(result.error));
    assert.ok(result.logs.some((r) => r.text === 'python handler got {"big": 12345678901234567890123}'), JSON.stringify(result.logs.map((r) => r.text)));
    await assert.rejects(client.request(Requests.invoke, { function: "node-cjs", eventText: "{oops" }), /params\.eventText is not valid JSON/);
  });

  test("metrics after N invocations: counts, errors, cold starts and duration percentiles", async () => {
    for (let i = 0; i < 5; i++) await client.request(Requests.invoke, { function: "node-callback", event: {} });
    await client.request(Requests.invoke, { function: "node-throw", event: {} });
    const { functions } = await client.request(Requests.metricsGet, {});
    const callback = functions.find((f) => f.function === "node-callback")!.windows["1m"];
    assert.equal(callback.invocations, 5);
    assert.equal(callback.errors, 0);
    assert.equal(callback.coldStarts, 1);
    assert.ok(callback.duration && callback.duration.p50 > 0 && callback.duration.p50 <= callback.duration.p99);
    assert.equal(callback.concurrencyPeak, 1);
    assert.equal(functions.find((f) => f.function === "node-throw")!.windows["5m"].errors, 1);
  });

  test("cost.estimate turns billed duration × memory into GB-seconds and prices them", async () => {
    const results = await Promise.all([1, 2].map(() => client.request(Requests.invoke, { function: "node-sync", event: {} })));
    const { functions: [cost] } = await client.request(Requests.costEstimate, { function: "node-sync" });
    const billedMs = results.reduce((sum, r) => sum + r.timings.billedMs, 0);
    assert.equal(cost.provider, "scf", "an SCF function is priced with SCF's table");
    assert.equal(cost.invocations, 2);
    assert.equal(cost.billedMs, billedMs);
    assert.ok(Math.abs(cost.gbSeconds - (billedMs / 1000) * (128 / 1024)) < 1e-12);
    const expected = cost.gbSeconds * cost.prices.perGbSecond + (2 / 1e6) * cost.prices.perMillionRequests;
    assert.ok(Math.abs(cost.perInvocation * 2 - expected) < 1e-15);
    assert.ok(cost.monthly.invocations > 0);
    const { functions: [aws] } = await client.request(Requests.costEstimate, { function: "node-sync", provider: "aws" });
    assert.equal(aws.currency, "USD");
  });

  test("a connection without the token, with a wrong token, or from a browser origin is refused", async () => {
    const base = daemon.controlUrl;
    await assert.rejects(rawSocket(base), /HTTP 401/);
    await assert.rejects(rawSocket(`${base}?token=not-the-token`), /HTTP 401/);
    await assert.rejects(rawSocket(`${base}?token=${daemon.token}`, { origin: "https://evil.example" }), /HTTP 403/);
    const ok = await rawSocket(`${base}?token=${daemon.token}`);
    ok.close();
  });

  test("malformed frames, unknown methods and wrong params get JSON-RPC errors; the connection stays up", async () => {
    const socket: WebSocket = await rawSocket(daemon.controlUrl, { headers: { Authorization: `Bearer ${daemon.token}` } });
    try {
      assert.equal((await exchange(socket, "{not json")).error.code, -32700);
      assert.equal((await exchange(socket, "[]")).error.code, -32600);
      assert.equal((await exchange(socket, JSON.stringify({ id: 1, method: "invoke" }))).error.code, -32600);
      const unknown = await exchange(socket, JSON.stringify({ jsonrpc: "2.0", id: 2, method: "functions.explode" }));
      assert.equal(unknown.error.code, -32601);
      const badParams = await exchange(socket, JSON.stringify({ jsonrpc: "2.0", id: 3, method: "invoke", params: { function: 42 } }));
      assert.equal(badParams.error.code, -32602);
      assert.match(badParams.error.message, /params\.function must be a string/);
      const noSuch = await exchange(socket, JSON.stringify({ jsonrpc: "2.0", id: 4, method: "invoke", params: { function: "ghost" } }));
      assert.equal(noSuch.error.code, -32001);
      assert.match(noSuch.error.message, /no function named "ghost"/);
      const fine = await exchange(socket, JSON.stringify({ jsonrpc: "2.0", id: 5, method: "emulator.status" }));
      assert.equal(fine.id, 5);
      assert.equal(fine.result.pid, process.pid);
    } finally {
      socket.close();
    }
  });

  test("a client that goes away while its debug session starts leaves no session behind to take the invocations", async () => {
    const leaving = await clientFor(daemon);
    void leaving.request(Requests.debugStart, { function: "node-cjs" }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the request has reached the daemon
    leaving.dispose(); // before the debugger can be listening (about 250 ms)
    await new Promise((resolve) => setTimeout(resolve, 3000)); // well past the moment it listens
    assert.deepEqual(daemon.engine.debugSessions.list(), []);
    const result = await client.request(Requests.invoke, { function: "node-cjs", event: { after: "leaving" } });
    assert.equal(result.ok, true, "invocations run on the pool, not on an unattended debug instance");
  });

  test("a slow subscriber never holds up an invocation: its lines are dropped, counted and reported", async () => {
    const slow = await rawSocket(daemon.controlUrl, { headers: { Authorization: `Bearer ${daemon.token}` } });
    try {
      const subscribed = await exchange(slow, JSON.stringify({ jsonrpc: "2.0", id: 1, method: "logs.subscribe", params: { function: "node-chatty" } }));
      const subscriptionId = subscribed.result.subscriptionId as string;
      const tcp = (slow as unknown as { _socket: import("node:net").Socket })._socket;
      tcp.pause(); // stop reading: the server's buffer for this client fills up
      const lines = 40_000;
      const result = await client.request(Requests.invoke, { function: "node-chatty", event: { lines, width: 200 } });
      assert.equal(result.ok, true, "the invocation finished while the subscriber read nothing");
      let records = 0;
      let dropped = 0;
      slow.on("message", (data) => {
        const message = JSON.parse(data.toString());
        if (message.params?.subscriptionId !== subscriptionId) return;
        if (message.method === "logs.record" && message.params.record.stream === "stdout") records++;
        if (message.method === "logs.dropped") dropped += message.params.count;
      });
      tcp.resume();
      await waitFor(() => records + dropped >= lines, `records (${records}) + dropped (${dropped}) to cover ${lines} lines`, 30_000);
      assert.ok(dropped > 0, "the slow subscriber was told how many lines it missed");
      assert.ok(records > 0);
    } finally {
      slow.close();
    }
  });
});

describe("log store", () => {
  test("logs are still queryable after the emulator restarts", async () => {
    await requireDocker();
    const first = await startDaemon("runtime");
    const root = first.engine.root;
    let requestId: string;
    try {
      const client = await clientFor(first);
      requestId = (await client.request(Requests.invoke, { function: "node-cjs", event: { keep: "me" } })).requestId;
      client.dispose();
    } finally {
      await first.shutdown();
    }
    const second = await startDaemon("runtime", root);
    try {
      const client = await clientFor(second);
      const { records } = await client.request(Requests.logsQuery, { requestId });
      assert.ok(records.some((r) => messageOf(r.text) === 'cjs handler got {"keep":"me"}'), records.map((r) => r.text).join("\n"));
      const { records: grep } = await client.request(Requests.logsQuery, { text: "KEEP", function: "node-cjs", limit: 1 });
      assert.equal(grep.length, 1);
      client.dispose();
    } finally {
      await second.shutdown();
    }
  });
});

test("no container is left once the daemons have shut down", async () => {
  assert.deepEqual((await leftoverContainers(await requireDocker())).map((c) => c.Names), []);
});
