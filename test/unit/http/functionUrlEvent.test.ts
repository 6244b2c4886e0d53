// The payload 2.0 event a function URL sends, field by field, and how its answer maps back.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { GatewayRequest } from "../../../emulator/triggers/events/httpEvents";
import { functionUrlEvent, urlId } from "../../../emulator/triggers/functionUrls/functionUrlEvent";
import { functionUrlResponse } from "../../../emulator/triggers/functionUrls/functionUrlResponse";
import type { InvokeResult } from "../../../emulator/protocol";

function request(overrides: Partial<GatewayRequest> = {}): GatewayRequest {
  return {
    method: "POST",
    path: "/any/path",
    rawQuery: "a=1&a=2&b=x%20y",
    headers: { host: ["127.0.0.1:4100"], "user-agent": ["curl/8"], "content-type": ["application/json"], "x-multi": ["1", "2"], cookie: ["s=1; theme=dark", "t=2"] },
    headersAsSent: {},
    body: Buffer.from('{"hello":"url"}'),
    sourceIp: "127.0.0.1",
    port: 4100,
    pathParameters: {},
    requestId: "11111111-2222-4333-8444-555555555555",
    time: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)),
    ...overrides,
  };
}

test("the url id is 32 lower-case letters and digits, the same for the same function and region", () => {
  const id = urlId("Fn", "us-east-1");
  assert.match(id, /^[a-z0-9]{32}$/);
  assert.equal(urlId("Fn", "us-east-1"), id);
  assert.notEqual(urlId("Other", "us-east-1"), id);
  assert.notEqual(urlId("Fn", "eu-west-1"), id);
});

test("AuthType NONE: the event exactly, with sentinels for what a URL does not use and accountId anonymous", () => {
  const id = urlId("Fn", "us-east-1");
  assert.deepEqual(functionUrlEvent("Fn", "us-east-1", request()), {
    version: "2.0",
    routeKey: "$default",
    rawPath: "/any/path",
    rawQueryString: "a=1&a=2&b=x%20y",
    cookies: ["s=1", "theme=dark", "t=2"],
    headers: {
      host: "127.0.0.1:4100", "user-agent": "curl/8", "content-type": "application/json", "x-multi": "1,2",
      "x-forwarded-for": "127.0.0.1", "x-forwarded-port": "4100", "x-forwarded-proto": "http",
    },
    queryStringParameters: { a: "1,2", b: "x y" },
    requestContext: {
      accountId: "anonymous",
      apiId: id,
      domainName: "127.0.0.1:4100",
      domainPrefix: id,
      http: { method: "POST", path: "/any/path", protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "curl/8" },
      requestId: "11111111-2222-4333-8444-555555555555",
      routeKey: "$default",
      stage: "$default",
      time: "02/Jan/2026:03:04:05 +0000",
      timeEpoch: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
    },
    body: '{"hello":"url"}',
    pathParameters: null,
    isBase64Encoded: false,
    stageVariables: null,
  });
});

test("AWS_IAM: requestContext.authorizer.iam names the caller's key and the local account", () => {
  const event = functionUrlEvent("Fn", "us-east-1", request({ headers: { host: ["fn.lambda-url.localhost:3000"] }, body: Buffer.alloc(0), rawQuery: "" }), { accessKey: "AKIALOCAL" });
  const context = event.requestContext as Record<string, unknown>;
  assert.equal(context.accountId, "123456789012");
  assert.deepEqual(context.authorizer, {
    iam: {
      accessKey: "AKIALOCAL", accountId: "123456789012", callerId: "AIDAFAASBOXLOCALCALLER", cognitoIdentity: null, principalOrgId: null,
      userArn: "arn:aws:iam::123456789012:user/faasbox-local", userId: "AIDAFAASBOXLOCALCALLER",
    },
  });
  // Reached by name: the prefix is the host's first label, as <url-id> is the cloud's.
  assert.equal(context.domainName, "fn.lambda-url.localhost:3000");
  assert.equal(context.domainPrefix, "fn");
  // No body, no query, no cookies: those fields are absent, as in an HTTP API event.
  assert.equal("body" in event, false);
  assert.equal("queryStringParameters" in event, false);
  assert.equal("cookies" in event, false);
  assert.equal(event.isBase64Encoded, false);
});

test("a body whose Content-Type is not text is base64-encoded; text/* and JSON stay text", () => {
  const bytes = Buffer.from([0, 1, 2, 255]);
  const binary = functionUrlEvent("Fn", "us-east-1", request({ headers: { "content-type": ["application/octet-stream"] }, body: bytes }));
  assert.deepEqual([binary.body, binary.isBase64Encoded], [bytes.toString("base64"), true]);
  const untyped = functionUrlEvent("Fn", "us-east-1", request({ headers: {}, body: Buffer.from("a=b") }));
  assert.deepEqual([untyped.body, untyped.isBase64Encoded], [Buffer.from("a=b").toString("base64"), true]);
  const text = functionUrlEvent("Fn", "us-east-1", request({ headers: { "content-type": ["text/plain; charset=utf-8"] }, body: Buffer.from("héllo") }));
  assert.deepEqual([text.body, text.isBase64Encoded], ["héllo", false]);
});

function result(overrides: Partial<InvokeResult>): InvokeResult {
  return {
    requestId: "r-1", function: "Fn", ok: true, logs: [],
    timings: { durationMs: 1, billedMs: 1, cold: false, queuedMs: 0 }, memory: { sizeMb: 128 },
    ...overrides,
  };
}

test("responses: a value without statusCode is a 200 JSON body; statusCode, headers, cookies and base64 bodies map; failures are 502", () => {
  const plain = functionUrlResponse(result({ result: { hello: "url" } }));
  assert.deepEqual([plain.status, plain.headers, plain.body.toString()], [200, { "content-type": "application/json" }, '{"hello":"url"}']);
  const text = functionUrlResponse(result({ result: "just text" }));
  assert.deepEqual([text.status, text.body.toString()], [200, "just text"]);
  const full = functionUrlResponse(result({ result: { statusCode: 201, headers: { "x-a": "1" }, cookies: ["a=1", "b=2"], body: Buffer.from("bin").toString("base64"), isBase64Encoded: true } }));
  assert.deepEqual([full.status, full.headers, full.body.toString()], [201, { "x-a": "1", "set-cookie": ["a=1", "b=2"] }, "bin"]);
  const failed = functionUrlResponse(result({ ok: false, errorKind: "function", error: { errorType: "Error", errorMessage: "boom" } }));
  assert.deepEqual([failed.status, failed.body.toString()], [502, "Internal Server Error"]);
  assert.match(failed.diagnosis!, /the function failed \(function\): Error: boom/);
  const malformed = functionUrlResponse(result({ result: { statusCode: "nope" } }));
  assert.deepEqual([malformed.status, malformed.body.toString()], [502, "Internal Server Error"]);
});
