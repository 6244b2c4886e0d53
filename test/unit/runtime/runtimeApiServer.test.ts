// The runtime API as a misbehaving or third-party runtime meets it: it answers, and stays up.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ServerResponse } from "node:http";
import { RuntimeApiServer, type RuntimeApiSink, type RuntimeResult } from "../../../emulator/core/runtime/runtimeApiServer";

/** A sink with one invocation, "req-1", in flight; it records what the server passes on. */
function recordingSink() {
  const results: Array<{ requestId?: string; outcome: RuntimeResult }> = [];
  const parked: ServerResponse[] = [];
  const sink: RuntimeApiSink = {
    onReady: () => undefined,
    onNext: (response) => void parked.push(response),
    onResult: (requestId, outcome) => {
      if (requestId !== undefined && requestId !== "req-1") return false;
      results.push({ requestId, outcome });
      return true;
    },
    onInitError: () => undefined,
    onLogs: () => undefined,
  };
  return { sink, results, parked };
}

async function serve(t: { after(fn: () => void): void }, sink: RuntimeApiSink): Promise<string> {
  const server = new RuntimeApiServer(sink);
  const port = await server.listen("127.0.0.1");
  t.after(() => server.close());
  return `http://127.0.0.1:${port}`;
}

test("a request id with broken percent-encoding is a 400 InvalidRequestID, and the server keeps answering", async (t) => {
  const { sink, results } = recordingSink();
  const url = await serve(t, sink);
  const bad = await fetch(`${url}/2018-06-01/runtime/invocation/%E0%A4%A/response`, { method: "POST", body: "{}" });
  assert.equal(bad.status, 400);
  assert.equal(((await bad.json()) as { errorType: string }).errorType, "InvalidRequestID");
  const good = await fetch(`${url}/2018-06-01/runtime/invocation/req-1/response`, { method: "POST", body: '{"ok":true}' });
  assert.equal(good.status, 202);
  assert.deepEqual(results.map((r) => [r.requestId, r.outcome.kind]), [["req-1", "response"]]);
});

test("a response over 6 MB: 413 on Lambda's endpoint; on the shims' combined endpoint the exchange still waits for the next invocation", async (t) => {
  const { sink, results, parked } = recordingSink();
  const url = await serve(t, sink);
  const huge = Buffer.alloc(6_291_556 + 1, 0x61);
  const lambda = await fetch(`${url}/2018-06-01/runtime/invocation/req-1/response`, { method: "POST", body: huge });
  assert.equal(lambda.status, 413);

  const combined = fetch(`${url}/faasbox/v1/invocation/req-1/response/next`, { method: "POST", body: huge });
  while (parked.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  parked[0].writeHead(200, { "Lambda-Runtime-Aws-Request-Id": "req-2" }).end('{"next":true}');
  const answer = await combined;
  assert.equal(answer.status, 200, "the shim gets its next invocation, not an error body to run as an event");
  assert.equal(answer.headers.get("lambda-runtime-aws-request-id"), "req-2");
  assert.deepEqual(results.map((r) => r.outcome.kind), ["too-large", "too-large"]);
});
