// InvokeWithResponseStream's event stream as the AWS SDK for JavaScript v3 reads it: frames built by
// the Invoke API's encoder, handed to the real LambdaClient through its request handler seam, decoded
// by the SDK's own deserializer into PayloadChunk and InvokeComplete events.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { InvokeWithResponseStreamCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { EVENT_STREAM_CONTENT_TYPE, EventStreamReader, invokeCompleteFrame, loadEventStreamCodec, payloadChunkFrame } from "../../../emulator/triggers/invokeApi/eventStream";

before(loadEventStreamCodec);

/** A LambdaClient whose every request is answered with `frames` as an event stream body. */
function clientAnswering(frames: Uint8Array[]): LambdaClient {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  return new LambdaClient({
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    requestHandler: {
      handle: async () => ({
        response: {
          statusCode: 200,
          reason: "OK",
          headers: { "content-type": EVENT_STREAM_CONTENT_TYPE, "x-amz-executed-version": "$LATEST", "x-amzn-requestid": "req-1" },
          body: Readable.from(frames.map((frame) => Buffer.from(frame))),
        },
      }),
    } as never,
  });
}

async function eventsOf(client: LambdaClient) {
  const output = await client.send(new InvokeWithResponseStreamCommand({ FunctionName: "fn" }));
  const events: Array<{ chunk?: Buffer; complete?: Record<string, unknown> }> = [];
  for await (const event of output.EventStream!) {
    if (event.PayloadChunk) events.push({ chunk: Buffer.from(event.PayloadChunk.Payload!) });
    if (event.InvokeComplete) events.push({ complete: { ...event.InvokeComplete } });
  }
  return { output, events };
}

test("PayloadChunk frames reach the SDK as their bytes, in order, then InvokeComplete", async () => {
  const binary = Buffer.from([0, 1, 2, 255]);
  const { output, events } = await eventsOf(clientAnswering([payloadChunkFrame(Buffer.from("data: one\n\n")), payloadChunkFrame(binary), invokeCompleteFrame({})]));
  assert.equal(output.StatusCode, 200);
  assert.equal(output.ExecutedVersion, "$LATEST");
  assert.equal(output.ResponseStreamContentType, EVENT_STREAM_CONTENT_TYPE);
  assert.deepEqual(events.map((e) => Object.keys(e)[0]), ["chunk", "chunk", "complete"]);
  assert.equal(events[0].chunk?.toString("utf8"), "data: one\n\n");
  assert.deepEqual([...events[1].chunk!], [0, 1, 2, 255], "bytes pass unchanged");
  assert.deepEqual(events[2].complete, {});
});

test("InvokeComplete carries ErrorCode, ErrorDetails and LogResult to the SDK", async () => {
  const log = Buffer.from("START RequestId: req-1\n").toString("base64");
  const { events } = await eventsOf(clientAnswering([invokeCompleteFrame({ ErrorCode: "Runtime.StreamBroke", ErrorDetails: "half way", LogResult: log })]));
  assert.deepEqual(events, [{ complete: { ErrorCode: "Runtime.StreamBroke", ErrorDetails: "half way", LogResult: log } }]);
});

test("a frame split across reads is decoded once whole (the CLI's reader)", () => {
  const frames = Buffer.concat([payloadChunkFrame(Buffer.from("héllo")), invokeCompleteFrame({ ErrorCode: "E" })]);
  const reader = new EventStreamReader();
  const events = [...reader.push(frames.subarray(0, 7)), ...reader.push(frames.subarray(7, 30)), ...reader.push(frames.subarray(30))];
  assert.deepEqual(events.map((e) => [e.eventType, e.body.toString("utf8")]), [["PayloadChunk", "héllo"], ["InvokeComplete", '{"ErrorCode":"E"}']]);
});
