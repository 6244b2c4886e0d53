// A SAM project with API resources, served by the real gateway to real containers: each API
// under its stage, events with the stage, stage variables and paths API Gateway gives, routes
// only an OpenAPI body declares, and a mock integration that answers 501 rather than fall through.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
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
});
