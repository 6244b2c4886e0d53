import { test } from "node:test";
import assert from "node:assert/strict";
import type { FunctionSpec, HttpRoute } from "../../../emulator/project/spec";
import { RouteTable } from "../../../emulator/triggers/http/routeTable";

function fn(name: string, routes: Array<Omit<HttpRoute, "kind" | "payload">>): FunctionSpec {
  return { name, triggers: routes.map((r) => ({ kind: "http", payload: "aws-v2", ...r })) } as unknown as FunctionSpec;
}

const table = new RouteTable([
  fn("app", [{ method: "ANY", path: "/{proxy+}", catchAll: true }]),
  fn("items", [{ method: "GET", path: "/items/{id}" }]),
  fn("files", [{ method: "GET", path: "/files/{proxy+}" }]),
]);

function matched(method: string, path: string): [string, Record<string, string>] | string {
  const match = table.match(method, path);
  return match.kind === "found" ? [match.entry.fn.name, match.pathParameters] : match.kind;
}

test("an HTTP API's $default route takes the root and every path no declared route takes, without path parameters", () => {
  assert.deepEqual(matched("GET", "/"), ["app", {}]);
  assert.deepEqual(matched("POST", "/anything/at/all"), ["app", {}]);
  assert.deepEqual(matched("GET", "/items/7"), ["items", { id: "7" }], "a declared route wins");
  assert.deepEqual(matched("GET", "/files/a/b.txt"), ["files", { proxy: "a/b.txt" }], "a declared greedy route wins too");
  assert.deepEqual(matched("DELETE", "/items/7"), ["app", {}], "another method falls through to $default");
});

test("a declared {proxy+} route needs at least one segment, as API Gateway's does", () => {
  const declared = new RouteTable([fn("files", [{ method: "GET", path: "/files/{proxy+}" }])]);
  assert.equal(declared.match("GET", "/files").kind, "not-found");
  assert.equal(declared.match("GET", "/files/x").kind, "found");
});

test("an SCF API gateway path without parameters takes the paths under it, the longest first, after exact and parameter paths", () => {
  const scf = (name: string, path: string): FunctionSpec => ({ ...fn(name, [{ method: "ANY", path }]), dialect: "scf" }) as FunctionSpec;
  const routes = new RouteTable([scf("site", "/"), scf("api", "/api"), scf("user", "/api/users/{id}")]);
  const hit = (path: string) => {
    const match = routes.match("GET", path);
    return match.kind === "found" ? match.entry.fn.name : match.kind;
  };
  assert.equal(hit("/"), "site");
  assert.equal(hit("/sse/events"), "site", "a web function on / gets every path");
  assert.equal(hit("/api"), "api");
  assert.equal(hit("/api/orders/7"), "api", "the longest prefix wins");
  assert.equal(hit("/api/users/7"), "user", "a path with parameters ranks before prefixes");
  assert.equal(hit("/apiary"), "site", "whole segments only");
  const aws = new RouteTable([fn("items", [{ method: "GET", path: "/items" }])]);
  assert.equal(aws.match("GET", "/items/7").kind, "not-found", "AWS paths stay exact");
});
