// The runtime API as a misbehaving or third-party runtime meets it: it answers, and stays up.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ServerResponse } from "node:http";
import { request } from "node:http";
import { RuntimeApiServer, type RuntimeApiSink, type RuntimeResult, type StreamEnding } from "../../../emulator/core/runtime/runtimeApiServer";

/** A sink with one invocation, "req-1", in flight; it records what the server passes on. */
function recordingSink() {
  const results: Array<{ requestId?: string; outcome: RuntimeResult }> = [];
  const parked: ServerResponse[] = [];
  const streams: StreamRecord[] = [];
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
    onStreamBegin: (requestId, contentType) => {
      if (requestId !== "req-1") return undefined;
      const record: StreamRecord = { contentType, chunks: [] };
      streams.push(record);
      return {
        chunk: (bytes) => void record.chunks.push(bytes.toString("utf8")),
        end: (ending) => void (record.ending = ending),
        tooLarge: (size) => void (record.tooLarge = size),
      };
    },
  };
  return { sink, results, parked, streams };
}

interface StreamRecord {
  contentType: string;
  chunks: string[];
  ending?: StreamEnding;
  tooLarge?: number;
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

/** A chunked POST in Lambda's streaming response mode, as a custom runtime sends it; `step` runs between the chunks. */
function streamingPost(url: string, path: string, chunks: string[], step: () => Promise<void>, trailers?: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const post = request(`${url}${path}`, {
      method: "POST",
      headers: { "Lambda-Runtime-Function-Response-Mode": "streaming", "Transfer-Encoding": "chunked", "Content-Type": "text/event-stream", Trailer: "Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body" },
    }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode ?? 0));
    });
    post.on("error", reject);
    void (async () => {
      for (const chunk of chunks) {
        post.write(chunk);
        await step();
      }
      if (trailers) post.addTrailers(trailers);
      post.end();
    })();
  });
}

test("a streamed response: each chunk is passed on before the next is sent, then its end with the content type, and a 202", async (t) => {
  const { sink, streams } = recordingSink();
  const url = await serve(t, sink);
  const receivedBeforeNext: string[] = [];
  const status = await streamingPost(url, "/2018-06-01/runtime/invocation/req-1/response", ["data: one\n\n", "data: two\n\n"], async () => {
    // While the POST stays open, wait (up to 1 s) for the chunk just written to reach the sink.
    const before = receivedBeforeNext.length;
    for (let i = 0; i < 100 && (streams[0]?.chunks.join("") ?? "").split("\n\n").length - 1 <= before; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    receivedBeforeNext.push(streams[0]?.chunks.join("") ?? "");
  });
  assert.equal(status, 202);
  assert.deepEqual(receivedBeforeNext, ["data: one\n\n", "data: one\n\ndata: two\n\n"], "each chunk arrived before the runtime sent the next");
  assert.equal(streams[0].contentType, "text/event-stream");
  assert.deepEqual(streams[0].ending, { errorType: undefined, errorBody: undefined, memoryKb: undefined });
});

test("an error after the first chunk arrives in the trailers, its body decoded from base64", async (t) => {
  const { sink, streams } = recordingSink();
  const url = await serve(t, sink);
  const errorBody = JSON.stringify({ errorType: "Runtime.StreamBroke", errorMessage: "half way" });
  const status = await streamingPost(url, "/2018-06-01/runtime/invocation/req-1/response", ["partial"], async () => undefined, {
    "Lambda-Runtime-Function-Error-Type": "Runtime.StreamBroke",
    "Lambda-Runtime-Function-Error-Body": Buffer.from(errorBody).toString("base64"),
  });
  assert.equal(status, 202);
  assert.equal(streams[0].chunks.join(""), "partial");
  assert.equal(streams[0].ending?.errorType, "Runtime.StreamBroke");
  assert.equal(streams[0].ending?.errorBody?.toString("utf8"), errorBody);
});

test("a stream for a request id not in flight is a 400 InvalidRequestID", async (t) => {
  const { sink, streams } = recordingSink();
  const url = await serve(t, sink);
  const status = await streamingPost(url, "/2018-06-01/runtime/invocation/req-9/response", ["x"], async () => undefined);
  assert.equal(status, 400);
  assert.equal(streams.length, 0);
});
