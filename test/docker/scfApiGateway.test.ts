// Tencent's API gateway trigger, end to end: a multi-scf project in real containers behind the
// real gateway, asked by a real HTTP client; exact status, headers and body.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Daemon } from "../../emulator/daemon/daemon";
import { requireDocker } from "../helpers/docker";
import { startDaemon } from "../helpers/control";

describe("SCF API gateway", () => {
  let daemon: Daemon;
  let base: string;
  before(async () => {
    await requireDocker();
    daemon = await startDaemon("scf-apigw");
    base = daemon.gateway.url;
  });
  after(() => daemon?.shutdown());

  test("integrated response off: Tencent's starter, which returns its event, answers 200 with it as JSON; the event has the service and stage", async () => {
    const response = await fetch(`${base}/hello?name=faasbox`, { headers: { "X-Trace": "t1" } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/json");
    const event = (await response.json()) as any;
    assert.deepEqual(event.requestContext.serviceId, "service-f94sy04v");
    assert.equal(event.requestContext.stage, "test");
    assert.equal(event.requestContext.path, "/hello");
    assert.equal(event.requestContext.httpMethod, "GET");
    assert.match(event.requestContext.requestId, /^[0-9a-f-]{36}$/);
    assert.deepEqual(event.stageVariables, { stage: "test" });
    assert.deepEqual(event.queryString, { name: "faasbox" });
    assert.deepEqual(event.queryStringParameters, { name: "faasbox" });
    assert.equal(event.headers["x-trace"], "t1");
    assert.deepEqual([event.path, event.httpMethod, event.body, event.isBase64Encoded], ["/hello", "GET", "", false]);
  });

  test("integrated response on: the function's statusCode, headers and body are the response", async () => {
    const response = await fetch(`${base}/page`);
    assert.equal(response.status, 201);
    assert.equal(response.headers.get("content-type"), "text/html; charset=utf-8");
    assert.equal(response.headers.get("x-shop"), "open");
    assert.equal(await response.text(), "<h1>shop</h1>");
  });

  test("a malformed integrated response answers Tencent's 403 body; the reason is in x-faasbox-error", async () => {
    const response = await fetch(`${base}/broken`);
    assert.equal(response.status, 403);
    assert.equal(response.headers.get("content-type"), "application/json");
    const requestId = response.headers.get("x-faasbox-request-id");
    assert.equal(await response.text(), `{"errno":403,"error":"requestId ${requestId} , Invalid scf response. expected scf response valid JSON."}`);
    assert.match(response.headers.get("x-faasbox-error") ?? "", /^invalid integrated response from broken-gateway-dev-shop: statusCode must be an HTTP status number, got undefined/);
  });

  test("isBase64Trigger: a body whose Content-Type a rule names arrives Base64-encoded; another arrives as text", async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]);
    const encoded = await fetch(`${base}/upload`, { method: "POST", body: png, headers: { "Content-Type": "image/png" } });
    assert.equal(encoded.status, 200);
    assert.equal(await encoded.text(), JSON.stringify({ isBase64Encoded: true, body: png.toString("base64") }));
    const text = await fetch(`${base}/upload`, { method: "POST", body: "plain words", headers: { "Content-Type": "text/plain" } });
    assert.equal(await text.text(), JSON.stringify({ isBase64Encoded: false, body: "plain words" }));
  });

  test("serviceTimeout: a function slower than the API's backend timeout gets the gateway's 504", async () => {
    const started = Date.now();
    const response = await fetch(`${base}/slow`);
    assert.equal(response.status, 504);
    assert.equal(response.headers.get("content-type"), "application/json");
    assert.equal(await response.text(), '{"message":"Gateway Timeout"}');
    assert.match(response.headers.get("x-faasbox-error") ?? "", /did not answer within the API's serviceTimeout of 1 s/);
    assert.ok(Date.now() - started < 2900, "the gateway did not wait for the function");
  });
});
