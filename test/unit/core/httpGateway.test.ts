// The local API gateway over real HTTP, in front of a fake target: the event each dialect's
// function receives, and the HTTP response its answer becomes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { HttpGateway, type GatewayTarget } from "../../../emulator/triggers/http/httpGateway";
import type { InvocationReport } from "../../../emulator/core/invoke/invocationReport";
import type { FailureKind, FunctionError, LogRecord } from "../../../emulator/protocol";
import type { FunctionSpec, HttpRoute } from "../../../emulator/project/spec";
import { functionSpec, httpRoute } from "../../helpers/specs";

type After = { after(fn: () => unknown): void };
type Answer = { value: unknown } | { failure: FailureKind; error: FunctionError };

/** A target with one function per route; it records each event and answers with `answer`. */
async function gateway(t: After, routes: HttpRoute[], answer: (event: any) => Answer = () => ({ value: { statusCode: 200, body: "ok" } })) {
  const functions: FunctionSpec[] = routes.map((route, i) => functionSpec({ name: `fn${i}`, triggers: [route] }));
  const events: Array<{ name: string; event: any }> = [];
  const published: Array<{ topic: string; messages: string[] }> = [];
  const logs: LogRecord[] = [];
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
    log: (record) => logs.push(record),
  };
  const http = new HttpGateway(target, { port: 0 });
  const { port } = await http.listen();
  t.after(() => http.close());
  return { http, port, events, published, logs };
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
  assert.equal(event.headers["X-Forwarded-For"], "127.0.0.1");
  assert.equal(event.headers["X-Forwarded-Port"], String(port), "the port the client connected to");
  assert.equal(event.headers["X-Forwarded-Proto"], "http");
});

test("AWS REST API (1.0): binary media types decide: a matching Content-Type arrives base64-encoded, a base64 answer is bytes for a matching Accept", async (t) => {
  const bytes = Buffer.from([0, 1, 2, 250, 251, 252]);
  const api = { id: "Api", kind: "rest" as const, stage: "Prod", binaryMediaTypes: ["application/octet-stream", "image~1*"] };
  const { port, events } = await gateway(t, [httpRoute({ payload: "aws-v1", method: "PUT", path: "/blob", api })], (event) => ({
    value: { statusCode: 200, headers: { "Content-Type": "application/octet-stream" }, isBase64Encoded: true, body: event.isBase64Encoded ? event.body : Buffer.from(event.body).toString("base64") },
  }));
  // A REST API with its stage is served under it (apiMount.ts).
  const reply = await send(port, "PUT", "/Prod/blob?x=1&x=2", [["Content-Type", "application/octet-stream"], ["Accept", "image/png, text/html"]], bytes);
  const { event } = events[0];
  assert.equal(event.isBase64Encoded, true);
  assert.equal(event.body, bytes.toString("base64"));
  assert.deepEqual(event.queryStringParameters, { x: "2" });
  assert.deepEqual(event.multiValueQueryStringParameters, { x: ["1", "2"] });
  assert.deepEqual(reply.body, bytes, "the bytes round-trip unchanged");

  // Accept's first type is not binary: the client gets the base64 text, as API Gateway sends it.
  const asText = await send(port, "PUT", "/Prod/blob", [["Content-Type", "application/octet-stream"], ["Accept", "text/html, image/png"]], bytes);
  assert.equal(asText.body.toString(), bytes.toString("base64"));
  // A Content-Type that is not binary: the body is UTF-8 text in the event, whatever its bytes.
  await send(port, "PUT", "/Prod/blob", [["Content-Type", "text/plain"]], "héllo");
  assert.equal(events[2].event.isBase64Encoded, false);
  assert.equal(events[2].event.body, "héllo");
});

test("AWS REST API without binary media types: no body is base64-encoded and no base64 answer decoded", async (t) => {
  const { port, events } = await gateway(t, [httpRoute({ payload: "aws-v1", method: "POST", path: "/raw" })], () => ({
    value: { statusCode: 200, isBase64Encoded: true, body: "AAEC" },
  }));
  const reply = await send(port, "POST", "/raw", [["Content-Type", "application/octet-stream"], ["Accept", "*/*"]], "plain");
  assert.equal(events[0].event.isBase64Encoded, false);
  assert.equal(events[0].event.body, "plain");
  assert.equal(reply.body.toString(), "AAEC");
});

test("AWS HTTP API: text types arrive as text, any other body (form posts included) base64-encoded; base64 answers are always decoded", async (t) => {
  const { port, events } = await gateway(t, [httpRoute({ payload: "aws-v2", method: "POST", path: "/up" })], () => ({
    value: { statusCode: 200, isBase64Encoded: true, body: Buffer.from([1, 2, 3]).toString("base64") },
  }));
  const reply = await send(port, "POST", "/up", [["Content-Type", "application/json; charset=utf-8"]], '{"a":1}');
  await send(port, "POST", "/up", [["Content-Type", "application/x-www-form-urlencoded"]], "a=1");
  await send(port, "POST", "/up", [["Content-Type", "text/csv"]], "a,b");
  assert.deepEqual(events.map((e) => [e.event.isBase64Encoded, e.event.body]), [[false, '{"a":1}'], [true, Buffer.from("a=1").toString("base64")], [false, "a,b"]]);
  assert.deepEqual(reply.body, Buffer.from([1, 2, 3]));
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

test("REST: a shape the gateway cannot map and a failed function are 502 {message: Internal server error}; the reason is in x-faasbox-error and the function's log", async (t) => {
  const { port, logs } = await gateway(t, [httpRoute({ payload: "aws-v1", method: "ANY", path: "/{what}" })], (event) =>
    event.pathParameters.what === "shape" ? { value: "not a proxy response" } : { failure: "exit", error: { errorType: "Runtime.ExitError", errorMessage: "exit status 1" } },
  );
  const shape = await send(port, "GET", "/shape");
  assert.equal(shape.status, 502);
  assert.equal(shape.headers["content-type"], "application/json");
  assert.equal(shape.body.toString(), '{"message":"Internal server error"}');
  assert.match(String(shape.headers["x-faasbox-error"]), /payload 1\.0.*function fn0, request req-1/);

  const crash = await send(port, "GET", "/crash");
  assert.equal(crash.status, 502);
  assert.equal(crash.body.toString(), '{"message":"Internal server error"}');
  assert.match(String(crash.headers["x-faasbox-error"]), /the function failed \(exit\): Runtime\.ExitError/);
  assert.deepEqual(logs.map((l) => [l.function, l.requestId, l.stream]), [["fn0", "req-1", "system"], ["fn0", "req-2", "system"]]);
  assert.match(logs[1].text, /502 to GET \/crash: the function failed \(exit\)/);
});

test("HTTP API: a failed function is 500 {message: Internal Server Error}", async (t) => {
  const { port } = await gateway(t, [httpRoute({ payload: "aws-v2", method: "GET", path: "/boom" })], () => ({ failure: "function", error: { errorType: "Error", errorMessage: "boom" } }));
  const reply = await send(port, "GET", "/boom");
  assert.equal(reply.status, 500);
  assert.equal(reply.body.toString(), '{"message":"Internal Server Error"}');
  assert.match(String(reply.headers["x-faasbox-error"]), /Error: boom/);
});

test("an unknown path or a wrong method: REST 403 Missing Authentication Token, HTTP API 404 Not Found; SCF keeps Faasbox's 404/405", async (t) => {
  const rest = await gateway(t, [httpRoute({ payload: "aws-v1", method: "GET", path: "/hello" })]);
  for (const [method, path] of [["GET", "/nowhere"], ["DELETE", "/hello"]]) {
    const reply = await send(rest.port, method, path);
    assert.equal(reply.status, 403, `${method} ${path}`);
    assert.equal(reply.body.toString(), '{"message":"Missing Authentication Token"}');
    assert.equal(reply.headers["content-type"], "application/json");
    assert.equal(reply.headers["x-amzn-errortype"], "MissingAuthenticationTokenException");
    assert.ok(reply.headers["x-faasbox-error"]);
  }
  const http = await gateway(t, [httpRoute({ payload: "aws-v2", method: "GET", path: "/hello" })]);
  for (const [method, path] of [["GET", "/nowhere"], ["DELETE", "/hello"]]) {
    const reply = await send(http.port, method, path);
    assert.equal(reply.status, 404, `${method} ${path}`);
    assert.equal(reply.body.toString(), '{"message":"Not Found"}');
    assert.equal(reply.headers["x-amzn-errortype"], undefined);
  }
  // Both kinds of API: a known path answers in its API's rules, an unknown one as the HTTP API.
  const both = await gateway(t, [httpRoute({ payload: "aws-v1", method: "GET", path: "/rest" }), httpRoute({ payload: "aws-v2", method: "GET", path: "/http" })]);
  assert.equal((await send(both.port, "POST", "/rest")).status, 403);
  assert.equal((await send(both.port, "POST", "/http")).status, 404);
  assert.equal((await send(both.port, "GET", "/neither")).status, 404);
  assert.equal(rest.events.length + http.events.length + both.events.length, 0, "none reached a function");
});

test("HEAD reaches only a route that declares HEAD or ANY, never a GET route", async (t) => {
  const { port, events } = await gateway(t, [httpRoute({ payload: "aws-v2", method: "GET", path: "/get" }), httpRoute({ payload: "aws-v2", method: "ANY", path: "/any" })]);
  assert.equal((await send(port, "HEAD", "/get")).status, 404);
  const any = await send(port, "HEAD", "/any");
  assert.equal(any.status, 200);
  assert.equal(any.body.length, 0, "a HEAD response has no body");
  assert.deepEqual(events.map((e) => [e.name, e.event.requestContext.http.method]), [["fn1", "HEAD"]]);
});

test("SCF: a path with no route is a 404 listing the routes; a wrong method is a 405 naming the allowed ones", async (t) => {
  const { port, events } = await gateway(t, [httpRoute({ payload: "scf", method: "GET", path: "/hello" })]);
  const missing = await send(port, "GET", "/nowhere");
  assert.equal(missing.status, 404);
  assert.deepEqual(json(missing).routes, ["GET /hello → fn0"]);
  const wrong = await send(port, "DELETE", "/hello");
  assert.equal(wrong.status, 405);
  assert.match(json(wrong).message, /allowed: GET/);
  assert.equal(events.length, 0, "neither reached the function");
});

test("cors: true (an open function URL) answers the browser's preflight itself and sets Access-Control-Allow-Origin for a request with an Origin", async (t) => {
  const { port, events } = await gateway(t, [httpRoute({ payload: "aws-v2", method: "POST", path: "/api", cors: true })], () => ({
    value: { statusCode: 200, headers: { "Access-Control-Allow-Origin": "https://function.example" }, body: "ok" },
  }));
  const preflight = await send(port, "OPTIONS", "/api", [["Origin", "http://localhost:5173"], ["Access-Control-Request-Method", "POST"]]);
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers["access-control-allow-origin"], "*");
  assert.equal(preflight.headers["access-control-allow-methods"], "*");
  assert.equal(preflight.headers["access-control-allow-headers"], "*");
  assert.equal(events.length, 0, "the preflight does not invoke the function");

  const actual = await send(port, "POST", "/api", [["Origin", "http://localhost:5173"], ["Content-Type", "application/json"]], "{}");
  assert.equal(actual.status, 200);
  assert.equal(actual.headers["access-control-allow-origin"], "*", "the configured value, not the function's");
  const direct = await send(port, "POST", "/api", [["Content-Type", "application/json"]], "{}");
  assert.equal(direct.headers["access-control-allow-origin"], undefined, "no Origin, no CORS headers");
});

test("a route without CORS sends no CORS header and gets no blanket preflight answer", async (t) => {
  const { port, events } = await gateway(t, [httpRoute({ payload: "aws-v2", method: "POST", path: "/api" })]);
  const preflight = await send(port, "OPTIONS", "/api", [["Origin", "http://localhost:5173"], ["Access-Control-Request-Method", "POST"]]);
  assert.equal(preflight.status, 404);
  assert.deepEqual(json(preflight), { message: "Not Found" });
  assert.equal(preflight.headers["access-control-allow-origin"], undefined);
  const actual = await send(port, "POST", "/api", [["Origin", "http://localhost:5173"]], "{}");
  assert.equal(actual.status, 200);
  assert.equal(actual.headers["access-control-allow-origin"], undefined);
  assert.equal(events.length, 1);
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
