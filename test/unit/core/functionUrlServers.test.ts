// The function URL listeners over real HTTP, in front of a fake engine: who may call, the port
// each URL keeps across restarts, listeners following the project, and the size limit.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { createServer, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { InvocationReport } from "../../../emulator/core/invoke/invocationReport";
import type { FunctionUrlTrigger } from "../../../emulator/protocol";
import type { FunctionSpec } from "../../../emulator/project/spec";
import { FunctionUrlServers } from "../../../emulator/triggers/functionUrls/functionUrlServers";
import { functionSpec } from "../../helpers/specs";

type After = { after(fn: () => unknown): void };

const NONE: FunctionUrlTrigger = { kind: "url", name: "FunctionUrlConfig", authType: "NONE", invokeMode: "BUFFERED" };

function servers(t: After, root: string, functions: FunctionSpec[]) {
  const invoked: string[] = [];
  const target = {
    functions: () => functions,
    credentials: () => undefined,
    invoke: async (name: string, bytes: Buffer): Promise<InvocationReport> => {
      invoked.push(name);
      const event = JSON.parse(bytes.toString());
      return {
        requestId: "r", function: name, ok: true, logs: [], timings: { durationMs: 1, billedMs: 1, cold: false, queuedMs: 0 }, memory: { sizeMb: 128 },
        payload: Buffer.from(JSON.stringify({ path: event.rawPath })),
      };
    },
  };
  const urls = new FunctionUrlServers(target, { root });
  t.after(() => urls.close());
  return { urls, invoked };
}

function send(url: string, method: string, path: string, headers: Record<string, string> = {}, body?: Buffer): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const sent = httpRequest({ host: hostname, port, method, path, headers, agent: false }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode!, headers: response.headers, body: text }));
    });
    sent.on("error", reject);
    sent.end(body);
  });
}

function project(): string {
  return mkdtempSync(join(tmpdir(), "faasbox-urls-"));
}

test("a Host that is not a loopback name is refused before the function runs (DNS rebinding)", async (t) => {
  const { urls, invoked } = servers(t, project(), [functionSpec({ name: "Fn", triggers: [NONE] })]);
  await urls.update();
  const [url] = urls.list();
  const refused = await send(url.url, "GET", "/", { Host: `attacker.example:${new URL(url.url).port}` });
  assert.equal(refused.status, 403);
  assert.match(JSON.parse(refused.body).message, /attacker\.example/);
  assert.deepEqual(invoked, []);
  const ok = await send(url.url, "GET", "/x");
  assert.deepEqual([ok.status, JSON.parse(ok.body)], [200, { path: "/x" }]);
});

test("each URL keeps its port across restarts; a remembered port that is taken moves, with a warning, and the new one is kept", async (t) => {
  const root = project();
  const functions = [functionSpec({ name: "A", triggers: [NONE] }), functionSpec({ name: "B", triggers: [NONE] })];
  const first = servers(t, root, functions);
  await first.urls.update();
  const ports = Object.fromEntries(first.urls.list().map((u) => [u.function, Number(new URL(u.url).port)]));
  assert.deepEqual(JSON.parse(readFileSync(join(root, ".faasbox", "function-url-ports.json"), "utf8")), ports);
  await first.urls.close();

  // Another process takes A's port meanwhile.
  const squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(ports.A, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => squatter.close(() => resolve())));
  const second = servers(t, root, functions);
  await second.urls.update();
  const again = Object.fromEntries(second.urls.list().map((u) => [u.function, Number(new URL(u.url).port)]));
  assert.equal(again.B, ports.B);
  assert.notEqual(again.A, ports.A);
  assert.match(second.urls.warnings.join("\n"), new RegExp(`port ${ports.A} remembered for the function URL of A is in use: it answers on ${again.A} now`));
  assert.equal(JSON.parse(readFileSync(join(root, ".faasbox", "function-url-ports.json"), "utf8")).A, again.A);
});

test("a port pinned in .faasbox/function-url-ports.json is used", async (t) => {
  const root = project();
  const free = createServer();
  await new Promise<void>((resolve) => free.listen(0, "127.0.0.1", resolve));
  const port = (free.address() as AddressInfo).port;
  await new Promise<void>((resolve) => free.close(() => resolve()));
  mkdirSync(join(root, ".faasbox"));
  writeFileSync(join(root, ".faasbox", "function-url-ports.json"), JSON.stringify({ Fn: port }));
  const { urls } = servers(t, root, [functionSpec({ name: "Fn", triggers: [NONE] })]);
  await urls.update();
  assert.equal(urls.list()[0].url, `http://127.0.0.1:${port}/`);
});

test("listeners follow the project: a function that loses its URL stops answering, a new one starts", async (t) => {
  const functions = [functionSpec({ name: "A", triggers: [NONE] })];
  const { urls } = servers(t, project(), functions);
  await urls.update();
  const a = urls.list()[0].url;
  functions.splice(0, 1, functionSpec({ name: "B", triggers: [NONE] }));
  await urls.update();
  assert.deepEqual(urls.list().map((u) => u.function), ["B"]);
  await assert.rejects(send(a, "GET", "/"), /ECONNREFUSED/);
});

test("NAME.lambda-url.localhost on another listener reaches the URL, case-insensitively; an unknown name is 404", async (t) => {
  const { urls, invoked } = servers(t, project(), [functionSpec({ name: "MyFn", triggers: [NONE] })]);
  await urls.update();
  assert.ok(urls.byHost("myfn.lambda-url.localhost:3000"));
  assert.ok(urls.byHost("MYFN.lambda-url.localhost"));
  assert.equal(urls.byHost("127.0.0.1:3000"), undefined);
  assert.equal(urls.byHost("myfn.localhost:3000"), undefined);
  const gateway = createServer((request, response) => urls.byHost(request.headers.host)!(request, response));
  await new Promise<void>((resolve) => gateway.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => gateway.close(() => resolve())));
  const base = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
  const ok = await send(base, "GET", "/p", { Host: "myfn.lambda-url.localhost" });
  assert.deepEqual([ok.status, JSON.parse(ok.body)], [200, { path: "/p" }]);
  const unknown = await send(base, "GET", "/", { Host: "other.lambda-url.localhost" });
  assert.equal(unknown.status, 404);
  assert.deepEqual(invoked, ["MyFn"]);
});

test("a body over Lambda's 6 MB is 413 without running the function", async (t) => {
  const { urls, invoked } = servers(t, project(), [functionSpec({ name: "Fn", triggers: [NONE] })]);
  await urls.update();
  const answer = await send(urls.list()[0].url, "POST", "/", { "content-type": "text/plain" }, Buffer.alloc(6 * 1024 * 1024 + 1, 97));
  assert.equal(answer.status, 413);
  assert.equal(answer.headers["x-amzn-errortype"], "RequestTooLargeException");
  assert.deepEqual(invoked, []);
});
