// API Gateway's response rules with real containers, the real gateway and a real HTTP client:
// exact status, headers and body for REST (payload 1.0) and HTTP API (payload 2.0) routes.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Daemon } from "../../emulator/daemon/daemon";
import type { LogRecord } from "../../emulator/protocol";
import { leftoverContainers, requireDocker } from "../helpers/docker";
import { startDaemon } from "../helpers/control";

const BYTES = Buffer.from([0, 1, 2, 250, 251, 252]);

describe("API Gateway responses", () => {
  let daemon: Daemon;
  let base: string;
  const logs: LogRecord[] = [];
  before(async () => {
    await requireDocker();
    daemon = await startDaemon("gateway-responses");
    base = daemon.gateway.url;
    daemon.onLog((record) => logs.push(record));
  });
  after(() => daemon?.shutdown());

  test("REST: statusCode as a numeric string, no statusCode is 200, a missing Content-Type is application/json", async () => {
    const made = await fetch(`${base}/rest/string-status`);
    assert.equal(made.status, 201);
    assert.equal(made.headers.get("content-type"), "application/json");
    assert.equal(await made.text(), "made");
    const bare = await fetch(`${base}/rest/no-status`);
    assert.equal(bare.status, 200);
    assert.equal(await bare.text(), "no status");
  });

  test("REST: headers and multiValueHeaders merged into one list", async () => {
    const response = await fetch(`${base}/rest/merge`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("x-tag"), "single, a, b");
    assert.equal(response.headers.get("content-type"), "text/plain");
    assert.equal(await response.text(), "merged");
  });

  test("REST: a non-string body and a thrown error are 502 {\"message\":\"Internal server error\"}; why is in x-faasbox-error and the function's log", async () => {
    for (const [path, why] of [["object-body", /body must be a string/], ["throw", /the function failed \(function\): Error: the cart is gone/]] as const) {
      const response = await fetch(`${base}/rest/${path}`);
      assert.equal(response.status, 502, path);
      assert.equal(response.headers.get("content-type"), "application/json");
      assert.equal(await response.text(), '{"message":"Internal server error"}');
      assert.match(response.headers.get("x-faasbox-error") ?? "", why);
      const requestId = response.headers.get("x-faasbox-request-id");
      assert.ok(logs.some((l) => l.function === "rest-answers" && l.requestId === requestId && l.stream === "system" && why.test(l.text)), `a log line for ${path}`);
    }
  });

  test("REST: a route's path with another method is 403 Missing Authentication Token; with both kinds of API an unknown path is the HTTP API's 404", async () => {
    for (const method of ["DELETE", "HEAD"]) {
      const wrong = await fetch(`${base}/rest-get`, { method });
      assert.equal(wrong.status, 403, method);
      assert.equal(wrong.headers.get("content-type"), "application/json");
      assert.equal(wrong.headers.get("x-amzn-errortype"), "MissingAuthenticationTokenException");
      if (method !== "HEAD") assert.equal(await wrong.text(), '{"message":"Missing Authentication Token"}');
    }
    // This project has both kinds of API: an unknown path gets the HTTP API's 404 (Faasbox's choice).
    const unknown = await fetch(`${base}/nowhere`);
    assert.equal(unknown.status, 404);
    assert.equal(await unknown.text(), '{"message":"Not Found"}');
    assert.ok(unknown.headers.get("x-faasbox-error"));
  });

  test("REST: a base64 answer stays base64 text when the API has no binary media types", async () => {
    const response = await fetch(`${base}/rest/base64`, { headers: { Accept: "application/octet-stream" } });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), BYTES.toString("base64"));
  });

  test("REST: the event carries X-Forwarded-For/-Port/-Proto and the local account id", async () => {
    const event = (await (await fetch(`${base}/rest/echo`, { headers: { "X-Forwarded-For": "203.0.113.9" } })).json()) as any;
    assert.match(event.headers["X-Forwarded-For"], /^203\.0\.113\.9, (127\.0\.0\.1|::1)$/);
    assert.equal(event.headers["X-Forwarded-Port"], new URL(base).port);
    assert.equal(event.headers["X-Forwarded-Proto"], "http");
    assert.equal(event.requestContext.accountId, "123456789012");
  });

  test("HTTP API: a string is the body, an object its JSON, both 200 application/json", async () => {
    const plain = await fetch(`${base}/http/plain`);
    assert.equal(plain.status, 200);
    assert.equal(plain.headers.get("content-type"), "application/json");
    assert.equal(await plain.text(), "just text");
    const object = await fetch(`${base}/http/object`);
    assert.equal(object.status, 200);
    assert.equal(await object.text(), '{"inferred":true}');
  });

  test("HTTP API: a bad statusCode and a thrown error are 500 {\"message\":\"Internal Server Error\"}", async () => {
    for (const path of ["bad-status", "throw"]) {
      const response = await fetch(`${base}/http/${path}`);
      assert.equal(response.status, 500, path);
      assert.equal(response.headers.get("content-type"), "application/json");
      assert.equal(await response.text(), '{"message":"Internal Server Error"}');
      assert.ok(response.headers.get("x-faasbox-error"), path);
    }
  });

  test("HTTP API: a wrong method is 404 Not Found, HEAD included: no fallback to GET", async () => {
    for (const method of ["DELETE", "HEAD"]) {
      const response = await fetch(`${base}/get-only`, { method });
      assert.equal(response.status, 404, method);
      if (method !== "HEAD") assert.equal(await response.text(), '{"message":"Not Found"}');
    }
    assert.equal((await fetch(`${base}/get-only`)).status, 200);
    // ANY takes HEAD, without a body.
    const head = await fetch(`${base}/http/echo`, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal((await head.arrayBuffer()).byteLength, 0);
  });

  test("HTTP API: binary bodies in both directions; a form post arrives base64-encoded; forwarded headers lower-case", async () => {
    const bytes = await fetch(`${base}/http/base64`);
    assert.deepEqual(Buffer.from(await bytes.arrayBuffer()), BYTES);
    const event = (await (await fetch(`${base}/http/echo`, { method: "POST", body: new URLSearchParams({ a: "1" }) })).json()) as any;
    assert.equal(event.isBase64Encoded, true);
    assert.equal(Buffer.from(event.body, "base64").toString(), "a=1");
    assert.equal(event.headers["x-forwarded-proto"], "http");
    assert.equal(event.headers["x-forwarded-port"], new URL(base).port);
    assert.equal(event.requestContext.accountId, "123456789012");
  });
});

test("no container is left once the daemons have shut down", async () => {
  assert.deepEqual((await leftoverContainers(await requireDocker())).map((c) => c.Names), []);
});
