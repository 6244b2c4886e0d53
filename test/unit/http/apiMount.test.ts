import { test } from "node:test";
import assert from "node:assert/strict";
import type { ApiContext } from "../../../emulator/protocol";
import type { FunctionSpec, HttpRoute, UnservedRoute } from "../../../emulator/project/spec";
import { awsV1Event, awsV2Event, sampleRequest } from "../../../emulator/triggers/events/httpEvents";
import { mountedPath, pathWithoutStage } from "../../../emulator/triggers/http/apiMount";
import { RouteTable } from "../../../emulator/triggers/http/routeTable";

const REST: ApiContext = { id: "ShopApi", kind: "rest", stage: "dev", stageVariables: { TABLE: "orders-dev" } };
const IMPLICIT_REST: ApiContext = { id: "ServerlessRestApi", kind: "rest", stage: "Prod" };
const HTTP_NAMED: ApiContext = { id: "ShopHttpApi", kind: "http", stage: "v2", stageVariables: { MODE: "beta" } };
const HTTP_DEFAULT: ApiContext = { id: "ServerlessHttpApi", kind: "http", stage: "$default" };

function route(api: ApiContext | undefined, method: string, path: string, extra: Partial<HttpRoute> = {}): HttpRoute {
  return { kind: "http", method, path, payload: api?.kind === "http" ? "aws-v2" : "aws-v1", ...(api ? { api } : {}), ...extra };
}

function fn(name: string, routes: HttpRoute[]): FunctionSpec {
  return { name, triggers: routes } as unknown as FunctionSpec;
}

test("each API is served under its stage as in its cloud URL; an HTTP API's $default stage and routes without an API at the root", () => {
  assert.equal(mountedPath(route(REST, "GET", "/orders")), "/dev/orders");
  assert.equal(mountedPath(route(REST, "GET", "/")), "/dev");
  assert.equal(mountedPath(route(HTTP_NAMED, "GET", "/orders")), "/v2/orders");
  assert.equal(mountedPath(route(HTTP_DEFAULT, "GET", "/orders")), "/orders");
  assert.equal(mountedPath(route(undefined, "GET", "/orders")), "/orders");
});

test("two APIs with the same paths do not collide; an unserved route answers for itself rather than falling through to {proxy+}", () => {
  const mock: UnservedRoute = { route: route(REST, "GET", "/status"), reason: "a mock integration", source: { file: "template.yaml", line: 3 } };
  const table = new RouteTable(
    [
      fn("rest", [route(REST, "GET", "/orders"), route(REST, "ANY", "/{proxy+}")]),
      fn("implicit", [route(IMPLICIT_REST, "GET", "/orders")]),
      fn("named", [route(HTTP_NAMED, "GET", "/orders"), route(HTTP_NAMED, "ANY", "/{proxy+}", { catchAll: true })]),
      fn("default", [route(HTTP_DEFAULT, "GET", "/orders")]),
    ],
    [mock],
  );
  const hit = (method: string, path: string) => {
    const match = table.match(method, path);
    return match.kind === "found" ? match.entry.fn.name : match.kind === "unsupported" ? `unsupported: ${match.unserved.reason}` : match.kind;
  };
  assert.equal(hit("GET", "/dev/orders"), "rest");
  assert.equal(hit("GET", "/Prod/orders"), "implicit");
  assert.equal(hit("GET", "/v2/orders"), "named");
  assert.equal(hit("GET", "/orders"), "default");
  assert.equal(hit("GET", "/dev/status"), "unsupported: a mock integration");
  assert.equal(hit("POST", "/dev/anything"), "rest", "the REST API's own {proxy+}");
  assert.equal(hit("GET", "/v2/else/where"), "named", "a named stage's $default route takes only paths under its stage");
  assert.equal(hit("GET", "/v3/orders"), "not-found");
  assert.deepEqual(table.unserved(), [mock]);
});

test("events carry the stage, the stage variables, and the path as API Gateway gives it", () => {
  const rest = awsV1Event(route(REST, "GET", "/orders"), sampleRequest("GET", "/dev/orders", "")) as any;
  assert.equal(rest.path, "/orders", "a REST event's path is without the stage");
  assert.equal(rest.requestContext.path, "/dev/orders", "requestContext.path keeps it");
  assert.equal(rest.requestContext.stage, "dev");
  assert.deepEqual(rest.stageVariables, { TABLE: "orders-dev" });
  const implicit = awsV1Event(route(IMPLICIT_REST, "GET", "/orders"), sampleRequest("GET", "/Prod/orders", "")) as any;
  assert.equal(implicit.stageVariables, null);
  assert.equal(implicit.requestContext.stage, "Prod");
  const named = awsV2Event(route(HTTP_NAMED, "GET", "/orders"), sampleRequest("GET", "/v2/orders", "")) as any;
  assert.equal(named.rawPath, "/v2/orders", "an HTTP API's named stage stays in rawPath");
  assert.equal(named.requestContext.stage, "v2");
  assert.deepEqual(named.stageVariables, { MODE: "beta" });
  const plain = awsV2Event(route(HTTP_DEFAULT, "GET", "/orders"), sampleRequest("GET", "/orders", "")) as any;
  assert.equal(plain.requestContext.stage, "$default");
  assert.equal("stageVariables" in plain, false);
  assert.equal(pathWithoutStage(REST, "/devices"), "/devices", "a path that only starts with the stage's letters keeps them");
});
