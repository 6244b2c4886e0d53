// The HTTP gateway with real HTTP clients: events in each dialect and responses mapped back.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import type { Daemon } from "../../emulator/daemon/daemon";
import { leftoverContainers, requireDocker } from "../helpers/docker";
import { startDaemon } from "../helpers/control";

describe("HTTP gateway", () => {
  let daemon: Daemon;
  let base: string;
  before(async () => {
    await requireDocker();
    daemon = await startDaemon("http");
    base = daemon.gateway.url;
  });
  after(() => daemon?.shutdown());

  test("every route is listed with its URL", () => {
    const routes = daemon.gateway.routes().map((r) => `${r.method} ${r.path} ${r.function}`);
    assert.ok(routes.includes("GET /scf/items/{id} scf-echo"));
    assert.ok(routes.includes("ANY /v2/{proxy+} v2-echo"));
    assert.ok(daemon.gateway.routes().every((r) => r.url === `${base}${r.path}`));
  });

  test("SCF: the API gateway event carries path parameters, query strings (repeated keys as arrays) and headers", async () => {
    const response = await fetch(`${base}/scf/items/42?color=red&tag=a&tag=b`, { headers: { "X-Trace": "t1" } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("x-echo"), "yes");
    const event = (await response.json()) as any;
    assert.equal(event.httpMethod, "GET");
    assert.equal(event.path, "/scf/items/42");
    assert.deepEqual(event.pathParameters, { id: "42" });
    assert.deepEqual(event.queryString, { color: "red", tag: ["a", "b"] });
    assert.equal(event.queryStringParameters.color, "red");
    assert.equal(event.headers["x-trace"], "t1");
    assert.equal(event.requestContext.path, "/scf/items/{id}");
    assert.equal(event.requestContext.httpMethod, "GET");
  });

  test("SCF: a binary upload arrives base64-encoded and a base64 integrated response goes back as bytes", async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255]);
    const response = await fetch(`${base}/scf/upload`, { method: "POST", body: bytes, headers: { "Content-Type": "application/octet-stream" } });
    assert.equal(response.status, 201);
    assert.equal(response.headers.get("content-type"), "application/octet-stream");
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), bytes);
  });

  test("AWS REST (payload 1.0) passes header names as the client wrote them; HTTP API (2.0) lower-cases them", async () => {
    // node:http, not fetch: fetch lower-cases names before they leave the client.
    const send = (path: string) =>
      new Promise<any>((resolve, reject) => {
        const request = http.request(`${base}${path}`, { method: "PUT", headers: { "X-Custom-Header": "v", "Content-Type": "application/json" } }, (response) => {
          let text = "";
          response.on("data", (chunk) => (text += chunk));
          response.on("end", () => resolve(JSON.parse(text)));
        });
        request.on("error", reject);
        request.end("{}");
      });
    const v1 = await send("/v1/items/7");
    assert.equal(v1.headers["X-Custom-Header"], "v");
    assert.deepEqual(v1.multiValueHeaders["Content-Type"], ["application/json"]);
    assert.equal(v1.headers["x-custom-header"], undefined);
    const v2 = await send("/v2/anything");
    assert.equal(v2.headers["x-custom-header"], "v");
    assert.equal(v2.headers["X-Custom-Header"], undefined);
  });

  test("AWS REST (payload 1.0): multi-value query strings and headers, multiValueHeaders in the response, CORS", async () => {
    const response = await fetch(`${base}/v1/items/7?a=1&a=2`, { method: "PUT", body: '{"n":1}', headers: { "Content-Type": "application/json", Cookie: "c=1", Origin: "http://localhost:5173" } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("x-multi"), "a, b");
    assert.equal(response.headers.get("access-control-allow-origin"), "*");
    const event = (await response.json()) as any;
    assert.equal(event.resource, "/v1/items/{id}");
    assert.equal(event.httpMethod, "PUT");
    assert.deepEqual(event.multiValueQueryStringParameters, { a: ["1", "2"] });
    assert.deepEqual(event.queryStringParameters, { a: "2" });
    assert.equal(event.body, '{"n":1}');
    assert.equal(event.isBase64Encoded, false);
    assert.deepEqual(event.pathParameters, { id: "7" });
    // `cors: true` is a function URL open to every origin: it answers the preflight itself.
    const preflight = await fetch(`${base}/v1/items/7`, { method: "OPTIONS", headers: { Origin: "http://localhost:5173", "Access-Control-Request-Method": "DELETE" } });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get("access-control-allow-methods"), "*");
    assert.equal(preflight.headers.get("access-control-allow-headers"), "*");
  });

  test("AWS HTTP API (payload 2.0): greedy path, cookies both ways, raw query string, status from the function", async () => {
    const response = await fetch(`${base}/v2/deep/er/path?x=1&x=2`, { headers: { Cookie: "a=1; b=2" } });
    assert.equal(response.status, 207);
    assert.deepEqual(response.headers.getSetCookie(), ["session=abc; Path=/", "theme=dark"]);
    const event = (await response.json()) as any;
    assert.equal(event.version, "2.0");
    assert.equal(event.routeKey, "ANY /v2/{proxy+}");
    assert.equal(event.rawPath, "/v2/deep/er/path");
    assert.equal(event.rawQueryString, "x=1&x=2");
    assert.deepEqual(event.queryStringParameters, { x: "1,2" });
    assert.deepEqual(event.cookies, ["a=1", "b=2"]);
    assert.deepEqual(event.pathParameters, { proxy: "deep/er/path" });
    assert.equal(event.requestContext.http.method, "GET");
  });

  test("AWS HTTP API (payload 2.0): a result without statusCode is inferred as a 200 JSON body", async () => {
    const response = await fetch(`${base}/inferred`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/json");
    assert.deepEqual(await response.json(), { inferred: true, path: "/inferred" });
  });

  // Issue 12 changed these: AWS routes answer API Gateway's own error bodies, and Faasbox's
  // reason moved to the x-faasbox-error header; SCF routes keep the reason in the body.
  test("a failing SCF function gives a 502 that says why; a REST function's invalid shape is 502 {message: Internal server error}, why in x-faasbox-error", async () => {
    const failed = await fetch(`${base}/fails`);
    assert.equal(failed.status, 502);
    const failure = (await failed.json()) as any;
    assert.match(failure.reason, /the function failed \(function\): TypeError: cannot read the cart/);
    assert.ok(failure.requestId);
    const bad = await fetch(`${base}/bad-shape`);
    assert.equal(bad.status, 502);
    assert.equal(await bad.text(), '{"message":"Internal server error"}');
    assert.match(bad.headers.get("x-faasbox-error") ?? "", /payload 1\.0 responses have no field "status"/);
  });

  test("with REST and HTTP APIs, an unknown path is the HTTP API's 404; an HTTP API path with another method is 404 too", async () => {
    const missing = await fetch(`${base}/nope`);
    assert.equal(missing.status, 404);
    assert.equal(await missing.text(), '{"message":"Not Found"}');
    const wrong = await fetch(`${base}/inferred`, { method: "DELETE" });
    assert.equal(wrong.status, 404);
    assert.equal(await wrong.text(), '{"message":"Not Found"}');
  });
});

test("no container is left once the daemons have shut down", async () => {
  assert.deepEqual((await leftoverContainers(await requireDocker())).map((c) => c.Names), []);
});
