// The local API gateway over real HTTP, in front of a fake target: the event each dialect's
// function receives, and the HTTP response its answer becomes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { HttpGateway, type GatewayTarget } from "../../../emulator/triggers/http/httpGateway";
import type { InvocationReport } from "../../../emulator/core/invoke/invocationReport";
import type { FailureKind, FunctionError } from "../../../emulator/protocol";
import type { FunctionSpec, HttpRoute } from "../../../emulator/project/spec";
import { functionSpec, httpRoute } from "../../helpers/specs";

type After = { after(fn: () => unknown): void };
type Answer = { value: unknown } | { failure: FailureKind; error: FunctionError };

/** A target with one function per route; it records each event and answers with `answer`. */
async function gateway(t: After, routes: HttpRoute[], answer: (event: any) => Answer = () => ({ value: { statusCode: 200, body: "ok" } })) {
  const functions: FunctionSpec[] = routes.map((route, i) => functionSpec({ name: `fn${i}`, triggers: [route] }));
  const events: Array<{ name: string; event: any }> = [];
  const published: Array<{ topic: string; messages: string[] }> = [];
  let count = 0;
  const target: GatewayTarget = {
    functions: () => functions,
    invoke: async (name, bytes) => {
      const event = JSON.parse(bytes.toString());
      events.push({ name, event });
      const requestId = `req-${++count}`;
      const report: InvocationReport = {
        requestId, function: name, ok: true, logs: [],
        timings: { durationMs: 1, billedMs: 1, cold: false, queuedMs: 0 }, memory: { sizeMb: 128 },
      };
      const answered = answer(event);
      if ("value" in answered) return { ...report, payload: Buffer.from(JSON.stringify(answered.value)) };
      return { ...report, ok: false, errorKind: answered.failure, error: answered.error };
    },
    publish: async (topic, messages) => {
      published.push({ topic, messages });
      return 2;
    },
  };
  const http = new HttpGateway(target, { port: 0 });
  const { port } = await http.listen();
  t.after(() => http.close());
  return { http, port, events, published };
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
}

/** One request on its own connection; `headers` as raw [name, value] pairs, sent as written. */
function send(port: number, method: string, path: string, headers: Array<[string, string]> = [], body?: Buffer | string): Promise<Reply> {
  // Raw header pairs: repeated names stay repeated, and Node adds nothing, not even Host.
  const raw: Array<[string, string]> = [["Host", `127.0.0.1:${port}`], ...headers];
  if (body !== undefined) raw.push(["Content-Length", String(Buffer.byteLength(body))]);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: "127.0.0.1", port, method, path, agent: false, headers: raw.flat() }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, rawHeaders: response.rawHeaders, body: Buffer.concat(chunks) }));
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end(body);
  });
}

function json(reply: Reply): any {
  return JSON.parse(reply.body.toString());
}

test("SCF: the function gets SCF's API gateway event, and its integrated response is the HTTP response", async (t) => {
  const { port, events } = await gateway(t, [httpRoute({ payload: "scf", integratedResponse: true, method: "GET", path: "/users/{id}" })], () => ({
    value: { isBase64Encoded: false, statusCode: 201, headers: { "Content-Type": "text/plain", "X-From": "fn" }, body: "made" },
  }));
  const reply = await send(port, "GET", "/users/42?tag=a&tag=b&q=x", [["X-Custom", "one"], ["X-Custom", "two"]]);
  assert.equal(reply.status, 201);
  assert.equal(reply.headers["content-type"], "text/plain");
  assert.equal(reply.headers["x-from"], "fn");
  assert.equal(reply.headers["x-faasbox-request-id"], "req-1", "the response names the request, for its logs");
  assert.equal(reply.body.toString(), "made");

  const [{ name, event }] = events;
  assert.equal(name, "fn0");
  assert.equal(event.httpMethod, "GET");
  assert.equal(event.path, "/users/42");
  assert.deepEqual(event.pathParameters, { id: "42" });
  assert.deepEqual(event.queryString, { tag: ["a", "b"], q: "x" }, "SCF keeps repeated keys as arrays");
  assert.deepEqual(event.queryStringParameters, { tag: "b", q: "x" });
  assert.equal(event.headers["x-custom"], "two", "header names lower-cased, the last value kept");
  assert.equal(event.body, "");
  assert.equal(event.isBase64Encoded, false);
  assert.equal(event.requestContext.path, "/users/{id}");
  assert.equal(event.requestContext.httpMethod, "GET");
  assert.equal(event.requestContext.stage, "release");
  assert.equal(event.requestContext.sourceIp, "127.0.0.1");
  assert.equal(typeof event.requestContext.requestId, "string");
});

test("AWS REST API (1.0): headers as the client wrote them, multi-value maps, nulls where empty, text bodies as text", async (t) => {
  const { port, events } = await gateway(t, [httpRoute({ payload: "aws-v1", method: "POST", path: "/items" })], () => ({
    value: { statusCode: 200, multiValueHeaders: { "Set-Cookie": ["a=1", "b=2"] }, body: "stored" },
  }));
  const reply = await send(port, "POST", "/items", [["Content-Type", "application/json"], ["X-Trace", "first"], ["X-Trace", "second"]], '{"name":"pen"}');
  assert.equal(reply.status, 200);
  assert.deepEqual(reply.headers["set-cookie"], ["a=1", "b=2"], "one Set-Cookie header per value");
  assert.equal(reply.body.toString(), "stored");

  const { event } = events[0];
  assert.equal(event.resource, "/items");
  assert.equal(event.path, "/items");
  assert.equal(event.httpMethod, "POST");
  assert.equal(event.headers["X-Trace"], "second");
  assert.deepEqual(event.multiValueHeaders["X-Trace"], ["first", "second"]);
  assert.equal(event.headers["x-trace"], undefined, "REST APIs pass header names as sent");
  assert.equal(event.queryStringParameters, null);
  assert.equal(event.multiValueQueryStringParameters, null);
  assert.equal(event.pathParameters, null);
  assert.equal(event.body, '{"name":"pen"}');
  assert.equal(event.isBase64Encoded, false);
  assert.equal(event.requestContext.stage, "Prod");
  assert.equal(event.requestContext.resourcePath, "/items");
  assert.equal(event.requestContext.identity.sourceIp, "127.0.0.1");
});

test("AWS REST API (1.0): a binary body arrives base64-encoded, and a base64 answer goes back as bytes", async (t) => {
  const bytes = Buffer.from([0, 1, 2, 250, 251, 252]);
  const { port, events } = await gateway(t, [httpRoute({ payload: "aws-v1", method: "PUT", path: "/blob" })], (event) => ({
    value: { statusCode: 200, headers: { "Content-Type": "application/octet-stream" }, isBase64Encoded: true, body: event.body },
  }));
  const reply = await send(port, "PUT", "/blob?x=1&x=2", [["Content-Type", "application/octet-stream"]], bytes);
  const { event } = events[0];
  assert.equal(event.isBase64Encoded, true);
  assert.equal(event.body, bytes.toString("base64"));
  assert.deepEqual(event.queryStringParameters, { x: "2" });
  assert.deepEqual(event.multiValueQueryStringParameters, { x: ["1", "2"] });
  assert.deepEqual(reply.body, bytes, "the bytes round-trip unchanged");
});

test("AWS HTTP API (2.0): cookies split out of the headers, headers joined, the route key and greedy path parameter", async (t) => {
  const { port, events } = await gateway(t, [httpRoute({ payload: "aws-v2", method: "GET", path: "/files/{proxy+}" })], () => ({
    value: { statusCode: 202, cookies: ["session=abc; HttpOnly"], headers: { "X-Kind": "v2" }, body: "accepted" },
  }));
  const reply = await send(port, "GET", "/files/a/b.txt?v=1&v=2", [["Cookie", "theme=dark; lang=en"], ["Accept", "text/plain"], ["Accept", "text/html"]]);
  assert.equal(reply.status, 202);
  assert.deepEqual(reply.headers["set-cookie"], ["session=abc; HttpOnly"]);
  assert.equal(reply.headers["x-kind"], "v2");
  assert.equal(reply.body.toString(), "accepted");

  const { event } = events[0];
  assert.equal(event.version, "2.0");
  assert.equal(event.routeKey, "GET /files/{proxy+}");
  assert.equal(event.rawPath, "/files/a/b.txt");
  assert.equal(event.rawQueryString, "v=1&v=2");
  assert.deepEqual(event.queryStringParameters, { v: "1,2" }, "repeated values joined with commas");
  assert.deepEqual(event.cookies, ["theme=dark", "lang=en"]);
  assert.equal(event.headers.cookie, undefined, "cookies are not repeated in the headers");
  assert.equal(event.headers.accept, "text/plain,text/html");
  assert.deepEqual(event.pathParameters, { proxy: "a/b.txt" });
  assert.equal(event.requestContext.http.method, "GET");
  assert.equal(event.requestContext.http.path, "/files/a/b.txt");
  assert.equal(event.requestContext.stage, "$default");
  assert.equal("body" in event, false, "no body key for a request without one");
});

test("AWS HTTP API (2.0): an answer without statusCode is sent as a 200 JSON body", async (t) => {
  const { port } = await gateway(t, [httpRoute({ payload: "aws-v2", method: "GET", path: "/plain" })], () => ({ value: { items: [1, 2] } }));
  const reply = await send(port, "GET", "/plain");
  assert.equal(reply.status, 200);
  assert.equal(reply.headers["content-type"], "application/json");
  assert.deepEqual(json(reply), { items: [1, 2] });
});

test("an answer in a shape the gateway cannot map is a 502 with the reason; a failed function is a 502; a throttled one a 429", async (t) => {
  const { port } = await gateway(t, [httpRoute({ payload: "aws-v1", method: "ANY", path: "/{what}" })], (event) => {
    switch (event.pathParameters.what) {
      case "shape":
        return { value: "not a proxy response" };
      case "crash":
        return { failure: "exit", error: { errorType: "Runtime.ExitError", errorMessage: "exit status 1" } };
      default:
        return { failure: "throttle", error: { errorType: "TooManyRequestsException", errorMessage: "Rate Exceeded." } };
    }
  });
  const shape = await send(port, "GET", "/shape");
  assert.equal(shape.status, 502);
  assert.equal(json(shape).message, "Internal server error");
  assert.match(json(shape).reason, /payload 1\.0/);

  const crash = await send(port, "GET", "/crash");
  assert.equal(crash.status, 502);
  assert.match(json(crash).reason, /the function failed \(exit\): Runtime\.ExitError/);
  assert.equal(json(crash).requestId, crash.headers["x-faasbox-request-id"]);

  const busy = await send(port, "GET", "/busy");
  assert.equal(busy.status, 429);
});

test("a path with no route is a 404 listing the routes; a wrong method is a 405 naming the allowed ones", async (t) => {
  const { port, events } = await gateway(t, [httpRoute({ payload: "scf", method: "GET", path: "/hello" })]);
  const missing = await send(port, "GET", "/nowhere");
  assert.equal(missing.status, 404);
  assert.deepEqual(json(missing).routes, ["GET /hello → fn0"]);
  const wrong = await send(port, "DELETE", "/hello");
  assert.equal(wrong.status, 405);
  assert.match(json(wrong).message, /allowed: GET/);
  assert.equal(events.length, 0, "neither reached the function");
});

test("a CORS route answers the browser's preflight itself and adds Access-Control-Allow-Origin", async (t) => {
  const { port, events } = await gateway(t, [httpRoute({ payload: "aws-v2", method: "POST", path: "/api", cors: true })]);
  const preflight = await send(port, "OPTIONS", "/api", [["Origin", "http://localhost:5173"], ["Access-Control-Request-Method", "POST"]]);
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers["access-control-allow-origin"], "*");
  assert.match(String(preflight.headers["access-control-allow-methods"]), /POST/);
  assert.equal(events.length, 0, "the preflight does not invoke the function");

  const actual = await send(port, "POST", "/api", [["Content-Type", "application/json"]], "{}");
  assert.equal(actual.status, 200);
  assert.equal(actual.headers["access-control-allow-origin"], "*");
});

test("POST /_faasbox/topics/NAME publishes a batch of messages, or the body as one message", async (t) => {
  const { port, published } = await gateway(t, []);
  const batch = await send(port, "POST", "/_faasbox/topics/orders", [["Content-Type", "application/json"]], JSON.stringify({ messages: ["one", { n: 2 }] }));
  assert.equal(batch.status, 202);
  assert.deepEqual(json(batch), { topic: "orders", messages: 2, subscribers: 2 });
  await send(port, "POST", "/_faasbox/topics/plain%20text", [], "hello");
  assert.deepEqual(published, [
    { topic: "orders", messages: ["one", '{"n":2}'] },
    { topic: "plain text", messages: ["hello"] },
  ]);
});
