// Tencent's API gateway for SCF routes: the event a function gets and the answer the client gets.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { FailureKind, FunctionError, HttpRoute, InvokeResult } from "../../../emulator/protocol";
import { scfApigwEvent, sampleRequest } from "../../../emulator/triggers/events/httpEvents";
import { scfRequestBody } from "../../../emulator/triggers/events/scfRequestBody";
import { toHttpResponse } from "../../../emulator/triggers/http/responseMapping";
import { gatewayTimeout, raceServiceTimeout } from "../../../emulator/triggers/http/scfServiceTimeout";
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

const api = { id: "service-f94sy04v", kind: "scf" as const, stage: "prepub", stageVariables: { stage: "prepub" } };
const plain = httpRoute({ payload: "scf", method: "POST", path: "/test/{path}", api, scfGateway: { serviceTimeoutSec: 15 } });
const integrated: HttpRoute = { ...plain, integratedResponse: true };

test("the event has every field of Tencent's documented example, with the route's service and stage", () => {
  const request = {
    ...sampleRequest("POST", "/test/value", "foo=bar&bob=alice&bob=carol"),
    headers: { host: ["localhost:3000"], "accept-language": ["en-US,en,cn"], "content-type": ["application/json"] },
    body: Buffer.from('{"test":"body"}'),
    sourceIp: "10.0.0.7",
    pathParameters: { path: "value" },
    requestId: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
  };
  assert.deepEqual(scfApigwEvent(plain, request), {
    requestContext: {
      serviceId: "service-f94sy04v",
      path: "/test/{path}",
      httpMethod: "POST",
      requestId: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
      identity: {},
      sourceIp: "10.0.0.7",
      stage: "prepub",
    },
    headers: { host: "localhost:3000", "accept-language": "en-US,en,cn", "content-type": "application/json" },
    body: '{"test":"body"}',
    isBase64Encoded: false,
    pathParameters: { path: "value" },
    queryStringParameters: { foo: "bar", bob: "carol" },
    headerParameters: {},
    stageVariables: { stage: "prepub" },
    path: "/test/value",
    queryString: { foo: "bar", bob: ["alice", "carol"] },
    httpMethod: "POST",
  });
});

test("request bodies are Base64-encoded only as configured: all, or by a Content-Type / Accept rule", () => {
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0xff]);
  const headers = { "content-type": ["image/png; charset=binary"], accept: ["text/html, application/json"] };
  assert.deepEqual(scfRequestBody(undefined, headers, Buffer.from("é")), { body: "é", isBase64Encoded: false });
  assert.deepEqual(scfRequestBody({ all: true }, {}, Buffer.from("text")), { body: "dGV4dA==", isBase64Encoded: true });
  assert.deepEqual(scfRequestBody({ rules: [{ header: "content-type", values: ["IMAGE/PNG"] }] }, headers, png), { body: png.toString("base64"), isBase64Encoded: true });
  assert.deepEqual(scfRequestBody({ rules: [{ header: "accept", values: ["application/json"] }] }, headers, png).isBase64Encoded, true);
  assert.deepEqual(scfRequestBody({ rules: [{ header: "accept", values: ["image/png"] }] }, headers, Buffer.from("x")), { body: "x", isBase64Encoded: false });
  assert.deepEqual(scfRequestBody({ all: true }, {}, Buffer.alloc(0)), { body: "", isBase64Encoded: false }, "nothing to encode");
  // A route with settings never guesses from the content: binary without a rule goes as text.
  const event = scfApigwEvent(plain, { ...sampleRequest("POST", "/test/x", ""), headers: { "content-type": ["application/octet-stream"] }, body: Buffer.from("abc") }) as { body: string; isBase64Encoded: boolean };
  assert.deepEqual([event.body, event.isBase64Encoded], ["abc", false]);
});

test("integrated response off: the return value is the body, JSON, with 200, whatever it looks like", () => {
  // Tencent's Node.js starter returns an object without statusCode.
  const starter = toHttpResponse(plain, returned({ message: "Hello World", input: {} }));
  assert.equal(starter.status, 200);
  assert.equal(starter.headers["content-type"], "application/json");
  assert.deepEqual(JSON.parse(starter.body.toString()), { message: "Hello World", input: {} });
  const lookalike = toHttpResponse(plain, returned({ statusCode: 404, body: "x" }));
  assert.equal(lookalike.status, 200);
  assert.equal(lookalike.body.toString(), '{"statusCode":404,"body":"x"}');
  assert.equal(toHttpResponse(plain, returned("hi")).body.toString(), '"hi"');
});

test("integrated response on: statusCode, headers and body (Base64-decoded when isBase64Encoded) become the response", () => {
  const html = toHttpResponse(integrated, returned({ isBase64Encoded: false, statusCode: 201, headers: { "Content-Type": "text/html" }, body: "<p>hi</p>" }));
  assert.deepEqual([html.status, html.headers, html.body.toString()], [201, { "content-type": "text/html" }, "<p>hi</p>"]);
  const bytes = toHttpResponse(integrated, returned({ isBase64Encoded: true, statusCode: 200, body: Buffer.from([0, 255]).toString("base64") }));
  assert.deepEqual([...bytes.body], [0, 255]);
});

test("a malformed integrated response is Tencent's documented 403 body; why goes to x-faasbox-error", () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ message: "Hello World" }, /statusCode must be an HTTP status number, got undefined/],
    [{ statusCode: "200" }, /statusCode must be an HTTP status number, got "200"/],
    [{ statusCode: 200, headers: ["a"] }, /headers must be an object/],
    [{ statusCode: 200, body: { a: 1 } }, /body must be a string/],
    [[1, 2], /return \{isBase64Encoded, statusCode, headers, body\}/],
  ];
  for (const [value, why] of cases) {
    const response = toHttpResponse(integrated, returned(value));
    assert.equal(response.status, 403);
    assert.equal(response.headers["content-type"], "application/json");
    assert.deepEqual(JSON.parse(response.body.toString()), { errno: 403, error: "requestId req-1 , Invalid scf response. expected scf response valid JSON." });
    assert.match(String(response.headers["x-faasbox-error"]), why);
  }
});

test("the function's own timeout answers 200 with the timeout error; other failures 502; throttling 429", () => {
  const timeout = toHttpResponse(integrated, failed("timeout", { errorType: "TimeoutError", errorMessage: "Invoking task timed out after 3 seconds" }));
  assert.equal(timeout.status, 200);
  assert.deepEqual(JSON.parse(timeout.body.toString()), { errorType: "TimeoutError", errorMessage: "Invoking task timed out after 3 seconds", requestId: "req-1" });
  const crash = toHttpResponse(plain, failed("function", { errorType: "Error", errorMessage: "boom" }));
  assert.equal(crash.status, 502);
  assert.match(String(crash.headers["x-faasbox-error"]), /api: the function failed \(function\): Error: boom/);
  assert.equal(toHttpResponse(plain, failed("throttle", { errorType: "ResourceLimitReached", errorMessage: "busy" })).status, 429);
});

test("serviceTimeout: the gateway stops waiting and answers 504; a quicker function's answer goes through", async () => {
  const oneSecond: HttpRoute = { ...plain, scfGateway: { serviceTimeoutSec: 1 } };
  let finish: (value: string) => void = () => undefined;
  const slow = new Promise<string>((resolve) => (finish = resolve));
  const started = Date.now();
  assert.equal(await raceServiceTimeout(oneSecond, slow), undefined);
  assert.ok(Date.now() - started >= 990);
  finish("late");
  assert.deepEqual(await raceServiceTimeout(oneSecond, Promise.resolve("quick")), { answered: "quick" });
  assert.deepEqual(await raceServiceTimeout(httpRoute({ payload: "aws-v2" }), Promise.resolve("aws")), { answered: "aws" }, "AWS routes have no such timeout here");
  const answer = gatewayTimeout(oneSecond, "api");
  assert.deepEqual([answer.status, answer.body.toString()], [504, '{"message":"Gateway Timeout"}']);
  assert.match(String(answer.headers["x-faasbox-error"]), /api did not answer within the API's serviceTimeout of 1 s/);
});
