// The runtime API served over a Duplex, as the instance agent relays a runtime's connection:
// real HTTP/1.1 bytes written into one end of an in-memory pair reach the server at the other.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ServerResponse } from "node:http";
import { Duplex } from "node:stream";
import { RuntimeApiServer, type RuntimeApiSink, type RuntimeResult } from "../../../emulator/core/runtime/runtimeApiServer";

/** Two connected Duplexes: what one writes, the other reads; end() is a half-close. */
function duplexPair(): [Duplex, Duplex] {
  const make = (): Duplex & { peer?: Duplex } => {
    const side: Duplex & { peer?: Duplex } = new Duplex({
      allowHalfOpen: true,
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        side.peer!.push(chunk);
        callback();
      },
      final(callback) {
        side.peer!.push(null);
        callback();
      },
      destroy(error, callback) {
        if (!side.peer!.destroyed) side.peer!.destroy();
        callback(error);
      },
    });
    return side;
  };
  const a = make();
  const b = make();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

/** Reads HTTP/1.1 responses off a client stream, one at a time (Content-Length bodies). */
class ResponseReader {
  private buffer = Buffer.alloc(0);
  private waiting?: () => void;
  ended = false;

  constructor(stream: Duplex) {
    stream.on("data", (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.waiting?.();
    });
    stream.on("end", () => {
      this.ended = true;
      this.waiting?.();
    });
  }

  async next(): Promise<{ status: number; headers: Record<string, string>; body: string }> {
    for (;;) {
      const end = this.buffer.indexOf("\r\n\r\n");
      if (end >= 0) {
        const [statusLine, ...lines] = this.buffer.subarray(0, end).toString("latin1").split("\r\n");
        const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]));
        const length = Number(headers["content-length"] ?? 0);
        if (this.buffer.length >= end + 4 + length) {
          const body = this.buffer.subarray(end + 4, end + 4 + length).toString("utf8");
          this.buffer = this.buffer.subarray(end + 4 + length);
          return { status: Number(statusLine.split(" ")[1]), headers, body };
        }
      }
      if (this.ended) throw new Error(`the connection ended with ${this.buffer.length} bytes of an incomplete response`);
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }
}

function request(method: string, path: string, body = "", headers: Record<string, string> = {}): string {
  const lines = [`${method} ${path} HTTP/1.1`, "Host: 127.0.0.1:9001", ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  if (method === "POST") lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join("\r\n")}\r\n\r\n${body}`;
}

function recordingSink() {
  const results: Array<{ requestId?: string; outcome: RuntimeResult }> = [];
  const parked: ServerResponse[] = [];
  let ready = 0;
  const sink: RuntimeApiSink = {
    onReady: () => void ready++,
    onNext: (response) => void parked.push(response),
    onResult: (requestId, outcome) => {
      results.push({ requestId, outcome });
      return requestId === "req-1";
    },
    onInitError: () => undefined,
    onLogs: () => undefined,
    onStreamBegin: () => undefined,
    onRefused: (reason) => assert.fail(`a connection handed over was refused: ${reason}`),
  };
  return { sink, results, parked, ready: () => ready };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2));
}

test("a long-polled /next over a stream is answered when the invocation comes, and the connection serves the next request (keep-alive)", async (t) => {
  const { sink, results, parked, ready } = recordingSink();
  // A caller uid is set and the server does not listen: a handed-over connection needs neither.
  const server = new RuntimeApiServer(sink, 4_242_424_242);
  t.after(() => server.close());
  const [runtime, served] = duplexPair();
  server.acceptConnection(served);
  const responses = new ResponseReader(runtime);
  // What http and our code call on a net.Socket is there, and harmless.
  const socketLike = served as unknown as Record<string, (...args: unknown[]) => unknown> & { remoteAddress: string };
  for (const name of ["setTimeout", "setNoDelay", "setKeepAlive"]) assert.equal(socketLike[name](true, 1000), served, name);
  assert.equal(socketLike.remoteAddress, "127.0.0.1");

  runtime.write(request("GET", "/2018-06-01/runtime/invocation/next"));
  await until(() => parked.length === 1);
  assert.equal(ready(), 1);
  // The long poll waits: nothing comes back until there is an invocation.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const event = JSON.stringify({ hello: "stream" });
  parked[0].writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(event), "Lambda-Runtime-Aws-Request-Id": "req-1" }).end(event);
  const next = await responses.next();
  assert.equal(next.status, 200);
  assert.equal(next.headers["lambda-runtime-aws-request-id"], "req-1");
  assert.equal(next.body, event);
  assert.notEqual(next.headers.connection, "close");

  // Same connection, as the shims' keep-alive agent does: the answer, then the next long poll.
  runtime.write(request("POST", "/2018-06-01/runtime/invocation/req-1/response", '{"ok":true}'));
  const accepted = await responses.next();
  assert.equal(accepted.status, 202);
  assert.deepEqual(results.map((r) => [r.requestId, r.outcome.kind]), [["req-1", "response"]]);
  assert.equal((results[0].outcome as { body: Buffer }).body.toString(), '{"ok":true}');

  // The shims' combined exchange: a result and the next invocation in one request.
  runtime.write(request("POST", "/faasbox/v1/invocation/req-2/response/next", '"late"'));
  const refused = await responses.next();
  assert.equal(refused.status, 400, "an invocation not in flight is refused, and the connection stays usable");
  runtime.write(request("POST", "/faasbox/v1/logs", JSON.stringify([{ stream: "stdout", time: 1, text: "hi" }])));
  assert.equal((await responses.next()).status, 204);
  assert.equal(runtime.destroyed, false);
  // After close() a connection handed over is not served.
  server.close();
  const [late, lateServed] = duplexPair();
  server.acceptConnection(lateServed);
  await until(() => late.destroyed);
});

test("many connections at once each get their own answers, and close() ends them", async (t) => {
  const { sink, parked } = recordingSink();
  const server = new RuntimeApiServer(sink);
  t.after(() => server.close());
  const clients = Array.from({ length: 20 }, () => {
    const [runtime, served] = duplexPair();
    server.acceptConnection(served);
    return { runtime, responses: new ResponseReader(runtime) };
  });
  for (const { runtime } of clients) runtime.write(request("GET", "/runtime/invocation/next"));
  await until(() => parked.length === clients.length);
  parked.forEach((response, i) => response.writeHead(200, { "Content-Length": String(String(i).length), request_id: `r${i}` }).end(String(i)));
  const answers = await Promise.all(clients.map(({ responses }) => responses.next()));
  // Each parked response went back on the connection that asked for it.
  assert.deepEqual(new Set(answers.map((a) => `${a.headers.request_id}=${a.body}`)), new Set(parked.map((_, i) => `r${i}=${i}`)));

  const closed = clients.map(({ runtime }) => new Promise((resolve) => runtime.once("close", resolve)));
  server.close();
  await Promise.all(closed);
});

test("Connection: close ends the connection after the answer; a runtime's half-close ends it as over TCP", async (t) => {
  const { sink } = recordingSink();
  const server = new RuntimeApiServer(sink);
  t.after(() => server.close());
  const [runtime, served] = duplexPair();
  server.acceptConnection(served);
  const responses = new ResponseReader(runtime);
  runtime.write(request("POST", "/runtime/init/ready", "", { Connection: "close" }));
  const ready = await responses.next();
  assert.equal(ready.status, 200);
  assert.equal(ready.headers.connection, "close");
  await until(() => responses.ended);

  const [other, otherServed] = duplexPair();
  server.acceptConnection(otherServed);
  const otherResponses = new ResponseReader(other);
  // Node's http server does not allow half-open connections: it ends its side too, as it would on TCP.
  other.end(request("POST", "/2018-06-01/runtime/invocation/nope/error", "{}"));
  await until(() => otherResponses.ended);
  await until(() => otherServed.destroyed);
});
