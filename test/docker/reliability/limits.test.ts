// Payload limits at the HTTP gateway as the clouds set them, and malformed percent-encoding in
// its paths: each is answered with the cloud's (or a clear) error, and the gateway keeps serving.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Daemon } from "../../../emulator/daemon/daemon";
import { leftoverContainers, requireDocker } from "../../helpers/docker";
import { startDaemon } from "../../helpers/control";

const MB = 1024 * 1024;
let daemon: Daemon;

before(async () => {
  await requireDocker();
  daemon = await startDaemon("limits");
});

after(async () => {
  await daemon?.shutdown();
  assert.deepEqual(await leftoverContainers(await requireDocker()), []);
});

/** How many times the function's runtime was handed an invocation. */
const invocations = (fn: string) => daemon.engine.instances(fn).reduce((n, instance) => n + instance.invocations, 0);

async function send(method: string, path: string, body?: string | Buffer, type = "text/plain"): Promise<{ status: number; text: string; json: any; diagnosis: string }> {
  const response = await fetch(`${daemon.gateway.url}${path}`, { method, body, headers: body === undefined ? {} : { "content-type": type } });
  const text = await response.text();
  // Faasbox's account of a failure: never in the body, which is the cloud's.
  const diagnosis = response.headers.get("x-faasbox-error") ?? "";
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json, diagnosis };
}

test("AWS (an HTTP API route): an event over Lambda's 6 MB is API Gateway's 500 and never runs the function; over API Gateway's 10 MB a 413; a response over 6 MB a 500", async () => {
  // 7 MB of text: within API Gateway's 10 MB, past Lambda's 6 MB once it is the event.
  const text = await send("POST", "/v2/size", "y".repeat(7 * MB));
  assert.equal(text.status, 500, text.text.slice(0, 300));
  assert.equal(text.text, '{"message":"Internal Server Error"}');
  assert.match(text.diagnosis, /RequestTooLargeException/);
  // 5 MB of bytes is 6.7 MB once base64-encoded into the event: refused as well.
  const binary = await send("POST", "/v2/size", Buffer.alloc(5 * MB, 1), "application/octet-stream");
  assert.equal(binary.status, 500, binary.text.slice(0, 300));
  assert.equal(invocations("v2-size"), 0, "Lambda refused both invocations: the function never ran");

  const overGateway = await send("POST", "/v2/size", "y".repeat(11 * MB));
  assert.equal(overGateway.status, 413);

  const fits = await send("POST", "/v2/size", "y".repeat(5 * MB));
  assert.equal(fits.status, 200, fits.text.slice(0, 300));
  assert.equal(fits.text, String(5 * MB));

  // The function runs and answers 7 MB: Lambda fails it (Function.ResponseSizeTooLarge), an HTTP API says 500.
  const big = await send("GET", `/v2/big?bytes=${7 * MB}`);
  assert.equal(big.status, 500);
  assert.equal(big.text, '{"message":"Internal Server Error"}');
  assert.match(big.diagnosis, /Function\.ResponseSizeTooLarge/);
  const small = await send("GET", "/v2/big?bytes=3");
  assert.equal(small.text, "xxx", "the same gateway and function serve on");
});

test("SCF: an event over SCF's 6 MB is refused before the function runs, naming SCF's RequestTooLarge", async () => {
  const tooBig = await send("POST", "/scf/size", "y".repeat(7 * MB));
  assert.equal(tooBig.status, 413, tooBig.text.slice(0, 300));
  assert.match(tooBig.json.reason, /406 RequestTooLarge/);
  assert.equal(invocations("scf-size"), 0);
  const fits = await send("POST", "/scf/size", "y".repeat(1024));
  assert.equal(fits.status, 200);
  assert.equal(fits.text, "1024");
});

test("a malformed percent-encoding in a topic name or a route's path is a 400 that says so, and the gateway keeps serving", async () => {
  const topic = await send("POST", "/_faasbox/topics/%E0%A4%A", "hello");
  assert.equal(topic.status, 400, topic.text);
  assert.match(topic.json.message, /malformed percent-encoding .*%E0%A4%A/);

  const param = await send("GET", "/v1/items/%E0%A4%A");
  assert.equal(param.status, 400, param.text);
  assert.match(param.json.message, /malformed percent-encoding .*%E0%A4%A/);
  const lone = await send("GET", "/v1/items/100%");
  assert.equal(lone.status, 400, lone.text);
  assert.equal(invocations("v1-item"), 0, "the function never ran");

  // Well-formed encodings still arrive decoded, and topics still take messages.
  const spaced = await send("GET", "/v1/items/a%20b");
  assert.equal(spaced.status, 200, spaced.text);
  assert.deepEqual(spaced.json, { id: "a b" });
  const published = await send("POST", "/_faasbox/topics/orders%2Dv2", "hello");
  assert.equal(published.status, 202, published.text);
  assert.equal(published.json.topic, "orders-v2");
});
