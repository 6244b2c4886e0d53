// What API Gateway adds to the events it builds: forwarded headers, the payload version, one account id.
import { test } from "node:test";
import assert from "node:assert/strict";
import { awsV1Event, awsV2Event, sampleRequest, type GatewayRequest } from "../../../emulator/triggers/events/httpEvents";
import { functionArn } from "../../../emulator/core/runtime/runtimeEnv";
import { functionSpec, httpRoute } from "../../helpers/specs";

function request(overrides: Partial<GatewayRequest> = {}): GatewayRequest {
  return { ...sampleRequest("GET", "/hello", ""), sourceIp: "10.0.0.7", port: 3456, ...overrides };
}

test("REST (1.0): X-Forwarded-For, -Port and -Proto in headers and multiValueHeaders, an X-Forwarded-For the client sent kept in front", () => {
  const event = awsV1Event(httpRoute({ payload: "aws-v1" }), request({ headersAsSent: { Host: ["h"], "x-forwarded-for": ["1.2.3.4"], "X-Forwarded-Proto": ["https"] } })) as any;
  assert.equal(event.headers["X-Forwarded-For"], "1.2.3.4, 10.0.0.7");
  assert.equal(event.headers["X-Forwarded-Port"], "3456");
  assert.equal(event.headers["X-Forwarded-Proto"], "http");
  assert.deepEqual(event.multiValueHeaders["X-Forwarded-For"], ["1.2.3.4, 10.0.0.7"]);
  assert.equal(event.headers["x-forwarded-for"], undefined, "one X-Forwarded-For, under the name API Gateway writes");
  assert.equal("version" in event, false, "REST events carry no version");
  assert.equal(event.requestContext.accountId, "123456789012");
});

test("HTTP API with payload 1.0: version 1.0 and lower-case header names", () => {
  const route = httpRoute({ payload: "aws-v1", api: { id: "HttpApi", kind: "http", stage: "$default" } });
  const event = awsV1Event(route, request()) as any;
  assert.equal(event.version, "1.0");
  assert.equal(event.headers["user-agent"], "curl/8.0");
  assert.equal(event.headers["x-forwarded-for"], "10.0.0.7");
  assert.equal(event.headers["x-forwarded-port"], "3456");
  assert.equal(event.headers["x-forwarded-proto"], "http");
  assert.equal(event.headers["User-Agent"], undefined);
});

test("HTTP API (2.0): lower-case forwarded headers; every account id the same as the function's ARN", () => {
  const event = awsV2Event(httpRoute({ payload: "aws-v2" }), request()) as any;
  assert.equal(event.headers["x-forwarded-for"], "10.0.0.7");
  assert.equal(event.headers["x-forwarded-port"], "3456");
  assert.equal(event.headers["x-forwarded-proto"], "http");
  assert.equal(event.requestContext.accountId, "123456789012");
  assert.equal(functionArn(functionSpec({ name: "api" })), "arn:aws:lambda:us-east-1:123456789012:function:api");
});
