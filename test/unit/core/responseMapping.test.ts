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
    const response = toHttpResponse(route, returned({ statusCode: 201, headers: { "Content-Type": "text/plain", "X-Count": 3 }, body: "created" }));
    assert.equal(response.status, 201, route.payload);
    assert.deepEqual(response.headers, { "content-type": "text/plain", "x-count": "3" }, route.payload);
    assert.equal(response.body.toString(), "created", route.payload);
  }
});

test("multiValueHeaders become repeated headers, and win over a single header of the same name", () => {
  const response = toHttpResponse(v1, returned({ statusCode: 200, headers: { "X-Tag": "single" }, multiValueHeaders: { "X-Tag": ["a", "b"], "Set-Cookie": ["s=1", "t=2"] }, body: "" }));
  assert.deepEqual(response.headers, { "x-tag": ["a", "b"], "set-cookie": ["s=1", "t=2"] });
});

test("HTTP API (2.0) cookies become Set-Cookie headers after any the headers set; REST (1.0) ignores the field", () => {
  const value = { statusCode: 200, headers: { "Set-Cookie": "first=1" }, cookies: ["second=2; HttpOnly", "third=3"], body: "" };
  assert.deepEqual(toHttpResponse(v2, returned(value)).headers["set-cookie"], ["first=1", "second=2; HttpOnly", "third=3"]);
  assert.equal(toHttpResponse(v1, returned(value)).headers["set-cookie"], "first=1");
});

test("isBase64Encoded bodies are decoded to their bytes", () => {
  const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
  for (const route of [scf, v1, v2]) {
    const response = toHttpResponse(route, returned({ statusCode: 200, isBase64Encoded: true, body: bytes.toString("base64") }));
    assert.deepEqual(response.body, bytes, route.payload);
  }
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

test("answers the gateway cannot map are a 502 that says why", () => {
  const cases: Array<[string, ReturnType<typeof httpRoute>, unknown, RegExp]> = [
    ["REST API, not an object", v1, "just text", /must return \{statusCode, headers\?, body\?\}/],
    ["REST API, no statusCode", v1, { body: "x" }, /statusCode must be an HTTP status number, got undefined/],
    ["status out of range", v2, { statusCode: 99 }, /statusCode must be an HTTP status number, got 99/],
    ["status not an integer", v1, { statusCode: 200.5 }, /statusCode must be an HTTP status number/],
    ["status as text", v1, { statusCode: "200" }, /statusCode must be an HTTP status number, got "200"/],
    ["headers not an object", v1, { statusCode: 200, headers: ["a"] }, /headers must be an object/],
    ["multiValueHeaders value not an array", v1, { statusCode: 200, multiValueHeaders: { a: "b" } }, /multiValueHeaders\.a must be an array/],
    ["cookies not an array", v2, { statusCode: 200, cookies: "a=1" }, /cookies must be an array/],
    ["body not a string", v1, { statusCode: 200, body: { a: 1 } }, /body must be a string \(JSON\.stringify objects\), got object/],
  ];
  for (const [name, route, value, reason] of cases) {
    const response = toHttpResponse(route, returned(value));
    assert.equal(response.status, 502, name);
    const body = bodyJson(response);
    assert.equal(body.message, "Internal server error", name);
    assert.match(body.reason, reason, name);
    assert.equal(body.requestId, "req-1", name);
    assert.equal(body.function, "api", name);
  }
});

test("a failed invocation is a 502 naming the failure; a throttled one is a 429", () => {
  const timeout = toHttpResponse(v2, failed("timeout", { errorType: "Sandbox.Timedout", errorMessage: "Task timed out after 3.00 seconds" }));
  assert.equal(timeout.status, 502);
  assert.match(bodyJson(timeout).reason, /the function failed \(timeout\): Sandbox\.Timedout: Task timed out after 3\.00 seconds/);

  const throttled = toHttpResponse(scf, failed("throttle", { errorType: "ResourceLimitReached", errorMessage: "TooManyRequests" }));
  assert.equal(throttled.status, 429);
  assert.deepEqual(bodyJson(throttled), { message: "Too Many Requests" });
});
