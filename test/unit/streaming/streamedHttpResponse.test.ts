// The prelude of a streamed HTTP answer (HttpResponseStream.from's bytes), and the writer that turns a
// streamed invocation into an HTTP response, met by a real HTTP client on a real server.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { InvocationReport } from "../../../emulator/core/invoke/invocationReport";
import { MAX_PRELUDE_BYTES, scanPrelude } from "../../../emulator/triggers/http/streamPrelude";
import { StreamedHttpResponse } from "../../../emulator/triggers/http/streamedResponse";

const NULS = Buffer.alloc(8);
const prelude = (value: unknown) => Buffer.concat([Buffer.from(JSON.stringify(value)), NULS]);

test("a prelude gives status, headers and cookies, and the bytes after the 8 NULs are the body", () => {
  const scan = scanPrelude(Buffer.concat([prelude({ statusCode: 201, headers: { "X-One": 1 }, cookies: ["a=b"] }), Buffer.from("body")]));
  assert.equal(scan.kind, "prelude");
  if (scan.kind !== "prelude") return;
  assert.deepEqual(scan.prelude, { statusCode: 201, headers: { "X-One": "1" }, cookies: ["a=b"] });
  assert.equal(scan.rest.toString("utf8"), "body");
});

test("a prelude without its delimiter yet is incomplete; past the bound it is refused", () => {
  assert.equal(scanPrelude(Buffer.from('{"statusCode":200')).kind, "incomplete");
  const scan = scanPrelude(Buffer.alloc(MAX_PRELUDE_BYTES + 1, 0x20));
  assert.equal(scan.kind, "invalid");
});

test("a malformed prelude is refused with the reason", () => {
  const reasons = [prelude("text"), Buffer.concat([Buffer.from("{nope"), NULS]), prelude({ statusCode: 99 }), prelude({ headers: { a: ["x"] } }), prelude({ cookies: "a=b" })]
    .map((bytes) => scanPrelude(bytes))
    .map((scan) => (scan.kind === "invalid" ? scan.reason : scan.kind));
  assert.match(reasons[0], /not a JSON object/);
  assert.match(reasons[1], /not JSON/);
  assert.match(reasons[2], /statusCode 99/);
  assert.match(reasons[3], /header a has a list value/);
  assert.match(reasons[4], /cookies is not an array/);
});

test("a prelude without a statusCode is a 200", () => {
  const scan = scanPrelude(prelude({}));
  assert.equal(scan.kind === "prelude" && scan.prelude.statusCode, 200);
});

/**
 * Serves one request through a StreamedHttpResponse driven by `drive`; resolves with what the client
 * saw, each body chunk stamped with when it arrived.
 */
async function through(drive: (writer: StreamedHttpResponse, response: ServerResponse) => Promise<void>): Promise<{ response: IncomingMessage; chunks: Array<{ at: number; text: string }>; aborted: boolean }> {
  const server = createServer((_request, response) => {
    const writer = new StreamedHttpResponse(response, { headers: { "X-Faasbox-Test": "yes" } });
    void drive(writer, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    return await new Promise((resolve, reject) => {
      request(`http://127.0.0.1:${port}/`, (response) => {
        const chunks: Array<{ at: number; text: string }> = [];
        let aborted = false;
        response.on("data", (chunk: Buffer) => chunks.push({ at: performance.now(), text: chunk.toString("utf8") }));
        response.on("aborted", () => (aborted = true));
        response.on("error", () => (aborted = true));
        response.on("close", () => resolve({ response, chunks, aborted }));
      }).on("error", reject).end();
    });
  } finally {
    server.close();
  }
}

const ok = { ok: true, logs: [] } as unknown as InvocationReport;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("a prelude split across chunks: its status, headers and cookies, then the body flushed chunk by chunk", async () => {
  const stamps: number[] = [];
  const { response, chunks, aborted } = await through(async (writer) => {
    const head = prelude({ statusCode: 207, headers: { "content-type": "text/event-stream" }, cookies: ["a=1", "b=2"] });
    writer.begin("application/vnd.awslambda.http-integration-response");
    writer.chunk(head.subarray(0, 5));
    writer.chunk(Buffer.concat([head.subarray(5), Buffer.from("data: one\n\n")]));
    await pause(300);
    stamps.push(performance.now());
    writer.chunk(Buffer.from("data: two\n\n"));
    writer.finish(ok);
  });
  assert.equal(aborted, false);
  assert.equal(response.statusCode, 207);
  assert.equal(response.headers["content-type"], "text/event-stream");
  assert.equal(response.headers["x-faasbox-test"], "yes");
  assert.deepEqual(response.headers["set-cookie"], ["a=1", "b=2"]);
  assert.equal(chunks.map((c) => c.text).join(""), "data: one\n\ndata: two\n\n");
  assert.equal(chunks[0].text, "data: one\n\n");
  assert.ok(chunks[0].at < stamps[0], "the first event reached the client before the second was written");
});

test("a stream without the prelude's content type is a 200 with the function's content type", async () => {
  const { response, chunks } = await through(async (writer) => {
    writer.begin("text/plain");
    writer.chunk(Buffer.from("hello"));
    writer.finish(ok);
  });
  assert.equal(response.statusCode, 200);
  assert.equal(response.headers["content-type"], "text/plain");
  assert.equal(chunks.map((c) => c.text).join(""), "hello");
});

test("a malformed prelude is a 502; a stream that fails part way is cut off, not ended cleanly", async () => {
  const refused = await through(async (writer) => {
    writer.begin("application/vnd.awslambda.http-integration-response");
    writer.chunk(Buffer.concat([Buffer.from("{broken"), NULS, Buffer.from("body")]));
    writer.finish(ok);
  });
  assert.equal(refused.response.statusCode, 502);

  const failed = await through(async (writer) => {
    writer.begin("text/plain");
    writer.chunk(Buffer.from("partial"));
    await pause(50);
    writer.finish({ ok: false, error: { errorType: "Error", errorMessage: "boom" }, logs: [] } as unknown as InvocationReport);
  });
  assert.equal(failed.response.statusCode, 200);
  assert.equal(failed.aborted, true, "the client sees the response cut off");
});

test("a function that did not stream is left to the caller", async () => {
  let streamed: boolean | undefined;
  const { response, chunks } = await through(async (writer, serverResponse) => {
    streamed = writer.finish(ok);
    serverResponse.end("buffered");
  });
  assert.equal(streamed, false);
  assert.equal(response.statusCode, 200);
  assert.equal(chunks.map((c) => c.text).join(""), "buffered");
});
