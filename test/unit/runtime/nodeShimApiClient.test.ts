// The Node shim's runtime API client (emulator/shims/node/runtimeApiClient.js) against real
// servers on loopback: what the shim relies on for every invocation and log batch.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { createServer, type Server } from "node:http";
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from "node:net";
import { join } from "node:path";
import { REPO_ROOT } from "../../helpers/paths";

interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}
interface Connection {
  request(method: string, path: string, body?: string | Buffer, headers?: Record<string, string>): Promise<ApiResponse>;
}
const { RuntimeApiConnection } = createRequire(__filename)(join(REPO_ROOT, "emulator", "shims", "node", "runtimeApiClient.js")) as {
  RuntimeApiConnection: new (host: string, port: number) => Connection;
};

async function listening<T extends Server | TcpServer>(server: T): Promise<{ server: T; port: number }> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

test("requests share one kept-alive connection, each arriving whole with its headers and body", async (t) => {
  const connections: Socket[] = [];
  const seen: string[] = [];
  const { server, port } = await listening(createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      seen.push(`${req.method} ${req.url} ${req.headers["content-type"] ?? "-"} ${Buffer.concat(chunks).toString()}`);
      res.writeHead(200, { "Content-Type": "application/json", "Lambda-Runtime-Aws-Request-Id": "r-1" }).end('{"n":"é"}');
    });
  }));
  server.on("connection", (socket) => connections.push(socket));
  t.after(() => server.close());
  const api = new RuntimeApiConnection("127.0.0.1", port);
  const first = await api.request("GET", "/next");
  const second = await api.request("POST", "/result", JSON.stringify({ ok: "ü" }), { "Content-Type": "application/json" });
  const third = await api.request("POST", "/empty", "");
  assert.equal(first.status, 200);
  assert.equal(first.headers["lambda-runtime-aws-request-id"], "r-1");
  assert.deepEqual(JSON.parse(first.body.toString("utf8")), { n: "é" });
  assert.equal(second.status, 200);
  assert.equal(third.status, 200);
  assert.deepEqual(seen, ["GET /next - ", 'POST /result application/json {"ok":"ü"}', "POST /empty - "]);
  assert.equal(connections.length, 1, "one connection for the three requests");
  for (const socket of connections) socket.destroy();
});

test("a chunked response, a 204 and a response read to the end of its connection are all read whole", async (t) => {
  const { server, port } = await listening(createServer((req, res) => {
    if (req.url === "/chunked") {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.write("hello, ");
      setTimeout(() => res.end("world"), 20);
    } else res.writeHead(204).end();
  }));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  const api = new RuntimeApiConnection("127.0.0.1", port);
  const chunked = await api.request("GET", "/chunked");
  assert.equal(chunked.headers["transfer-encoding"], "chunked");
  assert.equal(chunked.body.toString(), "hello, world");
  const empty = await api.request("POST", "/logs", "[]");
  assert.equal(empty.status, 204);
  assert.equal(empty.body.length, 0);

  const raw = await listening(createTcpServer((socket) => {
    socket.once("data", () => socket.end("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end"));
  }));
  t.after(() => raw.server.close());
  const toEnd = await new RuntimeApiConnection("127.0.0.1", raw.port).request("GET", "/next");
  assert.equal(toEnd.body.toString(), "until the end");
});

test("a kept-alive connection the server closed while idle is replaced: the next request is answered", async (t) => {
  let connections = 0;
  const { server, port } = await listening(createServer((req, res) => {
    res.writeHead(200, { "Content-Length": 2 }).end("ok");
    // The server drops the connection once it has answered, without saying Connection: close.
    res.on("finish", () => setImmediate(() => req.socket.destroy()));
  }));
  server.on("connection", () => connections++);
  t.after(() => server.close());
  const api = new RuntimeApiConnection("127.0.0.1", port);
  assert.equal((await api.request("GET", "/a")).body.toString(), "ok");
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal((await api.request("GET", "/b")).body.toString(), "ok");
  assert.equal(connections, 2);
});

test("a runtime API that is not there fails the request instead of hanging", async () => {
  const { server, port } = await listening(createTcpServer());
  await new Promise((resolve) => server.close(resolve));
  await assert.rejects(new RuntimeApiConnection("127.0.0.1", port).request("GET", "/next"), /ECONNREFUSED/);
});
