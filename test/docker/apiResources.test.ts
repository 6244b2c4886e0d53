// A SAM project with API resources, served by the real gateway to real containers: each API
// under its stage, events with the stage, stage variables and paths API Gateway gives, routes
// only an OpenAPI body declares, and a mock integration that answers 501 rather than fall through.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import type { Daemon } from "../../emulator/daemon/daemon";
import { requireDocker } from "../helpers/docker";
import { startDaemon } from "../helpers/control";

describe("API resources", () => {
  let daemon: Daemon;
  let base: string;
  before(async () => {
    await requireDocker();
    daemon = await startDaemon("api-resources");
    base = daemon.gateway.url;
  });
  after(() => daemon?.shutdown());

  async function get(path: string): Promise<{ status: number; type: string | null; body: unknown }> {
    const response = await fetch(`${base}${path}`);
    const text = await response.text();
    return { status: response.status, type: response.headers.get("content-type"), body: response.headers.get("content-type") === "application/json" ? JSON.parse(text) : text };
  }

  test("routes are listed per API, at their stage's URL", () => {
    const routes = daemon.gateway.routes().map((r) => `${r.api} ${r.method} ${r.url.slice(base.length)} ${r.function || "(501)"}`);
    assert.deepEqual(routes.sort(), [
      "DocumentedApi ANY /docs/{proxy+} EchoFunction",
      "DocumentedApi GET /docs/orders/{id} EchoFunction",
      "DocumentedApi GET /docs/status (501)",
      "ServerlessHttpApi GET /orders EchoFunction",
      "ServerlessRestApi GET /Prod/orders EchoFunction",
      "ShopApi GET /dev/orders EchoFunction",
      "ShopHttpApi GET /v2/orders EchoFunction",
    ]);
  });

  test("a REST API with StageName and Variables: the stage in the URL and requestContext.path, not in path", async () => {
    assert.deepEqual(await get("/dev/orders"), {
      status: 200,
      type: "application/json",
      body: { version: "1.0", stage: "dev", path: "/orders", requestContextPath: "/dev/orders", rawPath: null, resource: "/orders", pathParameters: null, stageVariables: { TABLE: "orders-dev" } },
    });
  });

  test("SAM's implicit REST API is on its Prod stage, without stage variables", async () => {
    assert.deepEqual(await get("/Prod/orders"), {
      status: 200,
      type: "application/json",
      body: { version: "1.0", stage: "Prod", path: "/orders", requestContextPath: "/Prod/orders", rawPath: null, resource: "/orders", pathParameters: null, stageVariables: null },
    });
  });

  test("an HTTP API on a named stage keeps the stage in rawPath; the implicit HTTP API's $default stage has no prefix", async () => {
    assert.deepEqual(await get("/v2/orders"), {
      status: 200,
      type: "application/json",
      body: { version: "2.0", stage: "v2", path: null, requestContextPath: "/v2/orders", rawPath: "/v2/orders", resource: "GET /orders", pathParameters: null, stageVariables: { MODE: "beta" } },
    });
    assert.deepEqual(await get("/orders"), {
      status: 200,
      type: "application/json",
      body: { version: "2.0", stage: "$default", path: null, requestContextPath: "/orders", rawPath: "/orders", resource: "GET /orders", pathParameters: null, stageVariables: null },
    });
  });

  test("routes only the OpenAPI body declares are served, path parameters and x-amazon-apigateway-any-method included", async () => {
    assert.deepEqual(await get("/docs/orders/42"), {
      status: 200,
      type: "application/json",
      body: { version: "1.0", stage: "docs", path: "/orders/42", requestContextPath: "/docs/orders/42", rawPath: null, resource: "/orders/{id}", pathParameters: { id: "42" }, stageVariables: null },
    });
    const response = await fetch(`${base}/docs/any/thing`, { method: "DELETE" });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      version: "1.0", stage: "docs", path: "/any/thing", requestContextPath: "/docs/any/thing", rawPath: null, resource: "/{proxy+}", pathParameters: { proxy: "any/thing" }, stageVariables: null,
    });
  });

  test("a mock integration answers 501 saying why, and never falls through to the body's {proxy+}", async () => {
    const response = await fetch(`${base}/docs/status`);
    assert.equal(response.status, 501);
    assert.equal(response.headers.get("content-type"), "application/json");
    assert.match(response.headers.get("x-faasbox-error") ?? "", /^GET \/status of DocumentedApi is not run locally: a mock integration .*template\.yaml:60\)$/);
    assert.deepEqual(await response.json(), { message: "Not Implemented" });
  });

  /** node:http, so the test can send the Origin a browser sends (fetch would not). */
  function send(method: string, path: string, headers: Record<string, string>, body?: Buffer | string): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
    const url = new URL(base);
    return new Promise((resolve, reject) => {
      const sent = httpRequest({ host: url.hostname, port: url.port, path, method, headers, agent: false }, (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode!, headers: response.headers, text }));
      });
      sent.on("error", reject);
      sent.end(body);
    });
  }
  const corsOf = (headers: IncomingHttpHeaders) => Object.fromEntries(Object.entries(headers).filter(([name]) => name.startsWith("access-control-")));
  const SHOP = "https://shop.example.com";

  test("CORS as the template configures it: REST's mock preflight, the HTTP API's per origin, none where nothing is configured", async () => {
    const preflight = { Origin: SHOP, "Access-Control-Request-Method": "GET" };
    const rest = await send("OPTIONS", "/dev/orders", preflight);
    assert.equal(rest.status, 200);
    assert.equal(rest.headers["access-control-allow-origin"], SHOP, "Cors: \"'https://shop.example.com'\" without its quotes");
    const http = await send("OPTIONS", "/v2/orders", preflight);
    assert.equal(http.status, 204);
    assert.equal(http.headers["access-control-allow-origin"], SHOP);
    assert.equal(http.headers["access-control-max-age"], "600");
    const stranger = await send("OPTIONS", "/v2/orders", { ...preflight, Origin: "https://elsewhere.example" });
    assert.equal(stranger.headers["access-control-allow-origin"], undefined, "an origin not allowed gets no Access-Control-Allow-Origin");
    const actual = await send("GET", "/v2/orders", { Origin: SHOP });
    assert.equal(actual.status, 200);
    assert.equal(actual.headers["access-control-allow-origin"], SHOP, "an HTTP API adds the header to actual responses");
    const plain = await send("OPTIONS", "/orders", preflight);
    assert.deepEqual([plain.status, plain.text, corsOf(plain.headers)], [404, '{"message":"Not Found"}', {}], "the implicit HTTP API has no CORS: no blanket preflight");
  });

  test("binary media types from the OpenAPI body decide whether a body reaches the function base64-encoded", async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252]);
    const binary = await send("POST", "/docs/upload", { "Content-Type": "application/octet-stream" }, bytes);
    assert.equal(binary.status, 200, binary.text);
    assert.deepEqual([JSON.parse(binary.text).isBase64Encoded, JSON.parse(binary.text).body], [true, bytes.toString("base64")]);
    const text = await send("POST", "/docs/upload", { "Content-Type": "text/plain" }, "plain words");
    assert.deepEqual([JSON.parse(text.text).isBase64Encoded, JSON.parse(text.text).body], [false, "plain words"]);
  });
});
