// What the HTTP client gets back for a function's answer, in each API gateway's rules.
import { test } from "node:test";
import assert from "node:assert/strict";
import { toHttpResponse } from "../../../emulator/triggers/http/responseMapping";
import type { FailureKind, FunctionError, InvokeResult } from "../../../emulator/protocol";
import { httpRoute } from "../../helpers/specs";

function returned(value: unknown): InvokeResult {
  return {
    requestId: "req-1", function: "api", ok: true, result: value, logs: [],
    timings: { durationMs: 1, billedMs: 1, cold: false, queuedMs: 0 }, memory: { sizeMb: 128 },
  };
}

function failed(errorKind: FailureKind, error: FunctionError): InvokeResult {
  return { ...returned(undefined), ok: false, result: undefined, errorKind, error };
}

const scf = httpRoute({ payload: "scf", integratedResponse: true });
const v1 = httpRoute({ payload: "aws-v1" });
const v2 = httpRoute({ payload: "aws-v2" });

function bodyJson(response: { body: Buffer }): any {
  return JSON.parse(response.body.toString());
}

test("a proxy response maps statusCode, headers (lower-cased) and body", () => {
  for (const route of [scf, v1, v2]) {
    const response = toHttpResponse(route, returned({ statusCode: 201, headers: { "Content-Type": "text/plain", "X-Count": "3" }, body: "created" }));
    assert.equal(response.status, 201, route.payload);
    assert.deepEqual(response.headers, { "content-type": "text/plain", "x-count": "3" }, route.payload);
    assert.equal(response.body.toString(), "created", route.payload);
  }
});

test("REST (1.0): headers and multiValueHeaders merge into one list, a pair in both once", () => {
  const response = toHttpResponse(v1, returned({ statusCode: 200, headers: { "X-Tag": "single", "X-Same": "a", "Content-Type": "text/plain" }, multiValueHeaders: { "x-tag": ["a", "b"], "X-Same": ["a", "b"], "Set-Cookie": ["s=1", "t=2"] }, body: "" }));
  assert.deepEqual(response.headers, { "x-tag": ["single", "a", "b"], "x-same": ["a", "b"], "set-cookie": ["s=1", "t=2"], "content-type": "text/plain" });
});

test("REST (1.0): a missing Content-Type is application/json; a boolean header is true/false", () => {
  const response = toHttpResponse(v1, returned({ statusCode: 200, headers: { "X-Cached": false }, body: "{}" }));
  assert.deepEqual(response.headers, { "x-cached": "false", "content-type": "application/json" });
  assert.equal(toHttpResponse(v1, returned({ statusCode: 204, multiValueHeaders: { "content-type": ["text/csv"] } })).headers["content-type"], "text/csv");
});

test("REST (1.0): statusCode as a numeric string is accepted; no statusCode is 200; nothing but fields of the format", () => {
  assert.equal(toHttpResponse(v1, returned({ statusCode: "201", body: "made" })).status, 201);
  const bare = toHttpResponse(v1, returned({ body: "x" }));
  assert.equal(bare.status, 200);
  assert.equal(bare.body.toString(), "x");
  assert.equal(toHttpResponse(v1, returned({})).status, 200);
  // An HTTP API with payload 1.0 makes no assumption: no statusCode is malformed there.
  const httpApi1 = httpRoute({ payload: "aws-v1", api: { id: "Api", kind: "http", stage: "$default" } });
  const malformed = toHttpResponse(httpApi1, returned({ body: "x" }));
  assert.equal(malformed.status, 500);
  assert.equal(malformed.body.toString(), '{"message":"Internal Server Error"}');
  assert.match(malformed.diagnosis ?? "", /statusCode must be an HTTP status number, got undefined/);
  assert.equal(toHttpResponse(httpApi1, returned({ statusCode: 202 })).status, 202);
});

test("HTTP API (2.0) cookies become Set-Cookie headers after any the headers set; in REST (1.0) the field is malformed", () => {
  const value = { statusCode: 200, headers: { "Set-Cookie": "first=1" }, cookies: ["second=2; HttpOnly", "third=3"], body: "" };
  assert.deepEqual(toHttpResponse(v2, returned(value)).headers["set-cookie"], ["first=1", "second=2; HttpOnly", "third=3"]);
  const rest = toHttpResponse(v1, returned(value));
  assert.equal(rest.status, 502);
  assert.match(rest.diagnosis ?? "", /no field "cookies"/);
});

test("HTTP API (2.0): a statusCode as a numeric string is accepted, headers of other types are sent as text, no Content-Type added", () => {
  const response = toHttpResponse(v2, returned({ statusCode: "418", headers: { "X-Count": 3 }, body: "teapot" }));
  assert.equal(response.status, 418);
  assert.deepEqual(response.headers, { "x-count": "3" });
});

test("isBase64Encoded bodies: SCF and HTTP APIs decode them; a REST API only for an Accept that its binary media types match", () => {
  const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
  const answer = returned({ statusCode: 200, isBase64Encoded: true, body: bytes.toString("base64") });
  for (const route of [scf, v2]) assert.deepEqual(toHttpResponse(route, answer).body, bytes, route.payload);
  const restApi = httpRoute({ payload: "aws-v1", api: { id: "Api", kind: "rest", stage: "Prod", binaryMediaTypes: ["image/png"] } });
  assert.deepEqual(toHttpResponse(restApi, answer, { accept: "image/png" }).body, bytes);
  assert.equal(toHttpResponse(restApi, answer, { accept: "text/html,image/png" }).body.toString(), bytes.toString("base64"), "only the first Accept type counts");
  assert.equal(toHttpResponse(restApi, answer, {}).body.toString(), bytes.toString("base64"), "no Accept header matches nothing");
  assert.equal(toHttpResponse(v1, answer, { accept: "image/png" }).body.toString(), bytes.toString("base64"), "no binary media types: never decoded");
  // Without the flag, the same text is the body as it is.
  assert.equal(toHttpResponse(v1, returned({ statusCode: 200, body: "iVBORw==" })).body.toString(), "iVBORw==");
});

test("an HTTP API (2.0) answer without statusCode is a 200 JSON response of the value", () => {
  const object = toHttpResponse(v2, returned({ hello: "world" }));
  assert.equal(object.status, 200);
  assert.equal(object.headers["content-type"], "application/json");
  assert.deepEqual(bodyJson(object), { hello: "world" });
  assert.equal(toHttpResponse(v2, returned("plain text")).body.toString(), "plain text");
  assert.equal(toHttpResponse(v2, returned(undefined)).body.toString(), "null");
});

test("SCF without integrated response answers 200 with the function's value as JSON", () => {
  const response = toHttpResponse(httpRoute({ payload: "scf", integratedResponse: false }), returned({ statusCode: 404, anything: true }));
  assert.equal(response.status, 200, "the value is the body, not an HTTP response description");
  assert.deepEqual(bodyJson(response), { statusCode: 404, anything: true });
});

test("answers the gateway cannot map get the API's own error body; the reason goes to the diagnosis only", () => {
  const cases: Array<[string, ReturnType<typeof httpRoute>, unknown, RegExp]> = [
    ["REST API, not an object", v1, "just text", /must return \{statusCode, headers\?, multiValueHeaders\?, body\?, isBase64Encoded\?\}/],
    ["status out of range", v2, { statusCode: 99 }, /statusCode must be an HTTP status number, got 99/],
    ["status not an integer", v1, { statusCode: 200.5 }, /statusCode must be an HTTP status number/],
    ["headers not an object", v1, { statusCode: 200, headers: ["a"] }, /headers must be an object/],
    ["REST API, a header that is a number", v1, { statusCode: 200, headers: { "X-Count": 3 } }, /headers\.X-Count must be a string, got 3/],
    ["REST API, statusCode not a number", v1, { statusCode: "OK" }, /statusCode must be an HTTP status number, got "OK"/],
    ["REST API, an unknown field", v1, { statusCode: 200, status: "ok" }, /no field "status"/],
    ["HTTP API, body not a string", v2, { statusCode: 200, body: { a: 1 } }, /body must be a string/],
    ["HTTP API, statusCode not a number", v2, { statusCode: true }, /statusCode must be an HTTP status number, got true/],
    ["multiValueHeaders value not an array", v1, { statusCode: 200, multiValueHeaders: { a: "b" } }, /multiValueHeaders\.a must be an array/],
    ["cookies not an array", v2, { statusCode: 200, cookies: "a=1" }, /cookies must be an array/],
    ["body not a string", v1, { statusCode: 200, body: { a: 1 } }, /body must be a string \(JSON\.stringify objects\), got object/],
  ];
  for (const [name, route, value, reason] of cases) {
    const response = toHttpResponse(route, returned(value));
    const rest = route.payload === "aws-v1";
    assert.equal(response.status, rest ? 502 : 500, name);
    assert.equal(response.body.toString(), rest ? '{"message":"Internal server error"}' : '{"message":"Internal Server Error"}', name);
    assert.deepEqual(response.headers, { "content-type": "application/json" }, name);
    assert.match(response.diagnosis ?? "", reason, name);
    assert.match(response.diagnosis ?? "", /function api, request req-1/, name);
  }
});

test("a failed invocation: REST 502, HTTP API 500, each with the cloud's body; a throttled one is Lambda refusing it (500); SCF 429", () => {
  const timeout = failed("timeout", { errorType: "Sandbox.Timedout", errorMessage: "Task timed out after 3.00 seconds" });
  const rest = toHttpResponse(v1, timeout);
  assert.equal(rest.status, 502);
  assert.equal(rest.body.toString(), '{"message":"Internal server error"}');
  assert.match(rest.diagnosis ?? "", /the function failed \(timeout\): Sandbox\.Timedout: Task timed out after 3\.00 seconds/);
  const http = toHttpResponse(v2, timeout);
  assert.equal(http.status, 500);
  assert.equal(http.body.toString(), '{"message":"Internal Server Error"}');

  const throttle = failed("throttle", { errorType: "TooManyRequestsException", errorMessage: "Rate Exceeded." });
  assert.equal(toHttpResponse(v1, throttle).status, 500);
  assert.equal(toHttpResponse(v1, throttle).body.toString(), '{"message":"Internal server error"}');
  assert.equal(toHttpResponse(v2, throttle).status, 500);
  const scfThrottled = toHttpResponse(scf, failed("throttle", { errorType: "ResourceLimitReached", errorMessage: "TooManyRequests" }));
  assert.equal(scfThrottled.status, 429);
  assert.deepEqual(bodyJson(scfThrottled), { message: "Too Many Requests" });
});
