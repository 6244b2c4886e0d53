// The CORS rules without a gateway: which configuration a route gets, what answers an OPTIONS
// request on each kind of API, and which headers reach a function's response.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { IncomingHttpHeaders } from "node:http";
import type { ApiContext, CorsConfig } from "../../../emulator/protocol";
import type { FunctionSpec, HttpRoute } from "../../../emulator/project/spec";
import { allowedOrigin, answerOptions, applyCorsHeaders, corsConfigProblem, corsOf, OPEN_CORS, type OptionsOutcome } from "../../../emulator/triggers/http/cors";
import type { GatewayResponse } from "../../../emulator/triggers/http/responseMapping";
import { RouteTable } from "../../../emulator/triggers/http/routeTable";

const APP = "https://app.example.com";
const PREFLIGHT: IncomingHttpHeaders = { origin: APP, "access-control-request-method": "PUT", "access-control-request-headers": "content-type" };

function api(kind: ApiContext["kind"], cors?: CorsConfig): ApiContext {
  return { id: kind === "rest" ? "ServerlessRestApi" : "ServerlessHttpApi", kind, stage: kind === "rest" ? "Prod" : "$default", ...(cors ? { cors } : {}) };
}

function route(method: string, path: string, extra: Partial<HttpRoute> = {}): HttpRoute {
  return { kind: "http", method, path, payload: "aws-v2", ...extra };
}

/** What the gateway decides for OPTIONS `path` on a table of these routes. */
function options(routes: HttpRoute[], path: string, headers: IncomingHttpHeaders): OptionsOutcome {
  const table = new RouteTable([{ name: "fn", triggers: routes } as unknown as FunctionSpec]);
  return answerOptions(headers, table.match("OPTIONS", path), table.routesAt(path));
}

function answer(outcome: OptionsOutcome): GatewayResponse {
  assert.equal(outcome.kind, "answer", "API Gateway answers it itself");
  return (outcome as { response: GatewayResponse }).response;
}

const ok = (headers: Record<string, string | string[]> = {}): GatewayResponse => ({ status: 200, headers: { "content-type": "application/json", ...headers }, body: Buffer.from("{}") });

test("a route's CORS: its API's configuration, or the old cors: true flag as an open function URL, or none", () => {
  const config: CorsConfig = { allowOrigins: [APP], allowMethods: ["GET"], allowHeaders: [] };
  assert.deepEqual(corsOf(route("GET", "/a", { api: api("rest", config) })), { style: "rest-mock", config });
  assert.deepEqual(corsOf(route("GET", "/a", { api: api("http", config) })), { style: "http-api", config });
  assert.equal(corsOf(route("GET", "/a", { api: api("http") })), undefined, "an API without Cors has none");
  assert.equal(corsOf(route("GET", "/a", { api: api("http"), cors: true })), undefined, "the API's configuration wins over the old flag");
  assert.deepEqual(corsOf(route("GET", "/a", { payload: "aws-v1", cors: true })), { style: "function-url", config: OPEN_CORS });
  assert.equal(corsOf(route("GET", "/a", { payload: "scf" })), undefined);
});

test("HTTP API origins: '*', exact origins and scheme wildcards; anything else gets no Allow-Origin", () => {
  const config: CorsConfig = { allowOrigins: [APP, "http://*"], allowMethods: [], allowHeaders: [] };
  assert.equal(allowedOrigin(config, APP), APP);
  assert.equal(allowedOrigin(config, "http://localhost:5173"), "http://localhost:5173");
  assert.equal(allowedOrigin(config, "https://evil.example"), undefined);
  assert.equal(allowedOrigin(OPEN_CORS, "https://evil.example"), "*");
  assert.match(corsConfigProblem({ ...OPEN_CORS, allowCredentials: true }) ?? "", /cannot be combined with the origin '\*'/);
  assert.equal(corsConfigProblem({ ...config, allowCredentials: true }), undefined);
});

test("without CORS: OPTIONS goes to an OPTIONS or ANY route, else REST answers 403 Missing Authentication Token and HTTP APIs 404", () => {
  assert.deepEqual(options([route("OPTIONS", "/items", { api: api("http") })], "/items", PREFLIGHT), { kind: "route" });
  // A REST API is served under its stage (apiMount.ts).
  assert.deepEqual(options([route("ANY", "/items", { payload: "aws-v1", api: api("rest") })], "/Prod/items", PREFLIGHT), { kind: "route" });
  const rest = answer(options([route("GET", "/items", { payload: "aws-v1", api: api("rest") })], "/Prod/items", PREFLIGHT));
  assert.deepEqual([rest.status, rest.headers, rest.body.toString()], [403, { "content-type": "application/json" }, '{"message":"Missing Authentication Token"}']);
  const http = answer(options([route("GET", "/items", { api: api("http") })], "/items", PREFLIGHT));
  assert.deepEqual([http.status, http.headers, http.body.toString()], [404, { "content-type": "application/json" }, '{"message":"Not Found"}']);
  // Routes of manifests without API resources: the payload says which gateway.
  assert.equal(answer(options([route("GET", "/items", { payload: "aws-v1" })], "/items", PREFLIGHT)).status, 403);
  assert.deepEqual(options([route("GET", "/items", { payload: "scf" })], "/items", PREFLIGHT), { kind: "route" }, "SCF: the gateway's own answer");
  assert.deepEqual(options([route("GET", "/items", { api: api("http") })], "/nowhere", PREFLIGHT), { kind: "route" }, "no resource: the unknown-path answer");
});

test("REST with Cors: SAM's mock answers every OPTIONS with the configured values as written, whatever the Origin", () => {
  const cors: CorsConfig = { allowOrigins: [APP], allowMethods: [], allowHeaders: ["Content-Type", "X-Api-Key"], maxAgeSec: 600, allowCredentials: true };
  const routes = [route("GET", "/items", { payload: "aws-v1", api: api("rest", cors) }), route("POST", "/items", { payload: "aws-v1", api: api("rest", cors) })];
  for (const headers of [PREFLIGHT, { origin: "https://evil.example", "access-control-request-method": "POST" }, {}]) {
    const mock = answer(options(routes, "/Prod/items", headers));
    assert.equal(mock.status, 200);
    assert.equal(mock.body.toString(), "{}\n");
    assert.deepEqual(mock.headers, {
      "content-type": "application/json",
      "access-control-allow-origin": APP,
      "access-control-allow-headers": "Content-Type,X-Api-Key",
      "access-control-allow-methods": "GET,OPTIONS,POST",
      "access-control-max-age": "600",
      "access-control-allow-credentials": "true",
    });
  }
  // ANY lists every method; configured methods are sent as written; no optional header unless set.
  const any = answer(options([route("ANY", "/{proxy+}", { payload: "aws-v1", api: api("rest", { allowOrigins: ["*"], allowMethods: [], allowHeaders: [] }) })], "/Prod/a/b", {}));
  assert.deepEqual(any.headers, { "content-type": "application/json", "access-control-allow-origin": "*", "access-control-allow-methods": "DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT" });
  const written = answer(options([route("GET", "/x", { payload: "aws-v1", api: api("rest", { allowOrigins: ["*"], allowMethods: ["GET", "PUT"], allowHeaders: [] }) })], "/Prod/x", {}));
  assert.equal(written.headers["access-control-allow-methods"], "GET,PUT");
  // A path with its own OPTIONS method keeps it: SAM adds no mock there.
  assert.deepEqual(options([route("OPTIONS", "/items", { payload: "aws-v1", api: api("rest", cors) })], "/Prod/items", PREFLIGHT), { kind: "route" });
});

test("HTTP API with CORS: a preflight no route takes is a 204 with the configured headers, for allowed origins only", () => {
  const cors: CorsConfig = { allowOrigins: [APP], allowMethods: ["GET", "PUT"], allowHeaders: ["content-type", "authorization"], exposeHeaders: ["x-total"], maxAgeSec: 300, allowCredentials: true };
  const routes = [route("PUT", "/items/{id}", { api: api("http", cors) })];
  const allowed = answer(options(routes, "/items/7", PREFLIGHT));
  assert.deepEqual([allowed.status, allowed.body.length], [204, 0]);
  assert.deepEqual(allowed.headers, {
    "access-control-allow-origin": APP,
    "access-control-allow-methods": "GET,PUT",
    "access-control-allow-headers": "content-type,authorization",
    "access-control-max-age": "300",
    "access-control-allow-credentials": "true",
  });
  const other = answer(options(routes, "/items/7", { ...PREFLIGHT, origin: "https://evil.example" }));
  assert.deepEqual([other.status, other.headers], [204, {}], "an origin not allowed: no CORS header at all");
  // Not a preflight (no Access-Control-Request-Method): no route takes OPTIONS, so 404.
  assert.equal(answer(options(routes, "/items/7", { origin: APP })).status, 404);
  // An ANY route (or $default) takes OPTIONS like any method; the headers are added to its answer.
  assert.deepEqual(options([route("ANY", "/{proxy+}", { catchAll: true, api: api("http", cors) })], "/items/7", PREFLIGHT), { kind: "route" });
});

test("the old cors: true flag: the preflight never reaches the function, even on an ANY route", () => {
  const answered = answer(options([route("ANY", "/v1/items/{id}", { payload: "aws-v1", cors: true })], "/v1/items/7", PREFLIGHT));
  assert.deepEqual([answered.status, answered.headers], [204, { "access-control-allow-origin": "*", "access-control-allow-methods": "*", "access-control-allow-headers": "*" }]);
  assert.deepEqual(options([route("ANY", "/v1/items/{id}", { payload: "aws-v1", cors: true })], "/v1/items/7", {}), { kind: "route" }, "a plain OPTIONS is the function's");
});

test("actual responses: REST and APIs without CORS keep the function's headers; HTTP APIs replace them with the configured ones", () => {
  const fromFunction = ok({ "access-control-allow-origin": "https://function.example", "x-own": "1" });
  const cors: CorsConfig = { allowOrigins: [APP], allowMethods: ["GET"], allowHeaders: ["content-type"], exposeHeaders: ["x-total", "date"], allowCredentials: true };
  assert.equal(applyCorsHeaders(route("GET", "/a", { payload: "aws-v1", api: api("rest", cors) }), "GET", { origin: APP }, fromFunction), fromFunction);
  assert.equal(applyCorsHeaders(route("GET", "/a", { api: api("http") }), "GET", { origin: APP }, fromFunction), fromFunction);

  const http = route("GET", "/a", { api: api("http", cors) });
  assert.deepEqual(applyCorsHeaders(http, "GET", { origin: APP }, fromFunction).headers, {
    "content-type": "application/json", "x-own": "1",
    "access-control-allow-origin": APP, "access-control-expose-headers": "x-total,date", "access-control-allow-credentials": "true",
  });
  assert.deepEqual(applyCorsHeaders(http, "GET", { origin: "https://evil.example" }, fromFunction).headers, { "content-type": "application/json", "x-own": "1" }, "the function's CORS headers are ignored, and this origin gets none");
  assert.deepEqual(applyCorsHeaders(http, "GET", {}, fromFunction).headers, { "content-type": "application/json", "x-own": "1" }, "no Origin, no CORS headers");
  // A preflight an ANY route answered gets the preflight headers.
  assert.deepEqual(applyCorsHeaders(route("ANY", "/a", { api: api("http", cors) }), "OPTIONS", PREFLIGHT, ok()).headers, {
    "content-type": "application/json", "access-control-allow-origin": APP, "access-control-allow-methods": "GET", "access-control-allow-headers": "content-type", "access-control-allow-credentials": "true",
  });
});

test("RouteTable.routesAt: every route at a path whatever its method, most specific first", () => {
  const table = new RouteTable([{ name: "fn", triggers: [route("ANY", "/{proxy+}"), route("GET", "/items/{id}"), route("PUT", "/items/{id}")] } as unknown as FunctionSpec]);
  assert.deepEqual(table.routesAt("/items/7").map((e) => `${e.route.method} ${e.route.path}`), ["GET /items/{id}", "PUT /items/{id}", "ANY /{proxy+}"]);
  assert.deepEqual(table.routesAt("/"), [], "{proxy+} needs a segment");
});
