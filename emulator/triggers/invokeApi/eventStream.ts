import type { EventStreamCodec } from "@smithy/eventstream-codec";

/**
 * InvokeWithResponseStream's answer is an `application/vnd.amazon.eventstream` body of
 * InvokeWithResponseStreamResponseEvent events: PayloadChunk events, each an
 * InvokeResponseStreamUpdate whose Payload is the chunk's bytes, then one InvokeComplete, an
 * InvokeWithResponseStreamCompleteEvent {ErrorCode, ErrorDetails, LogResult}
 * (https://docs.aws.amazon.com/lambda/latest/api/API_InvokeWithResponseStream.html,
 * https://docs.aws.amazon.com/lambda/latest/api/API_InvokeWithResponseStreamResponseEvent.html,
 * https://docs.aws.amazon.com/lambda/latest/api/API_InvokeWithResponseStreamCompleteEvent.html).
 * The frames are the AWS event stream encoding, by Smithy's own codec, as the SDKs decode them.
 */
export const EVENT_STREAM_CONTENT_TYPE = "application/vnd.amazon.eventstream";

let loadedCodec: EventStreamCodec | undefined;

/**
 * Loads Smithy's codec, which brings @smithy/core (about 240 modules): by the first event stream,
 * not by every emulator, which would hold them while idle. Call it before the functions below.
 */
export async function loadEventStreamCodec(): Promise<void> {
  if (loadedCodec) return;
  const { EventStreamCodec } = await import("@smithy/eventstream-codec");
  loadedCodec ??= new EventStreamCodec(
    (bytes) => Buffer.from(bytes).toString("utf8"),
    (text) => Buffer.from(text, "utf8"),
  );
}

function codec(): EventStreamCodec {
  if (!loadedCodec) throw new Error("the event stream codec is not loaded: await loadEventStreamCodec() first");
  return loadedCodec;
}

type Headers = Parameters<EventStreamCodec["encode"]>[0]["headers"];

function eventHeaders(eventType: string, contentType: string): Headers {
  return {
    ":event-type": { type: "string", value: eventType },
    ":message-type": { type: "string", value: "event" },
    ":content-type": { type: "string", value: contentType },
  };
}

/** A PayloadChunk: the Payload member is the event's payload, so the bytes are the frame's body as they are. */
export function payloadChunkFrame(payload: Buffer): Uint8Array {
  return codec().encode({ headers: eventHeaders("PayloadChunk", "application/octet-stream"), body: payload });
}

export interface InvokeComplete {
  ErrorCode?: string;
  ErrorDetails?: string;
  /** The last 4 KB of the execution log, base64 (LogType Tail). */
  LogResult?: string;
}

/** The InvokeComplete event: its members are JSON in the frame's body, as the REST-JSON protocol encodes a structure. */
export function invokeCompleteFrame(complete: InvokeComplete): Uint8Array {
  return codec().encode({ headers: eventHeaders("InvokeComplete", "application/json"), body: Buffer.from(JSON.stringify(complete), "utf8") });
}

/** The events of an event stream body as its bytes arrive, however the reads split the frames (the CLI's reader, tests). */
export class EventStreamReader {
  private buffered = Buffer.alloc(0);

  /** Feeds bytes as they arrive; returns the events now complete. */
  push(bytes: Uint8Array): Array<{ eventType: string; body: Buffer }> {
    this.buffered = Buffer.concat([this.buffered, bytes]);
    const events: Array<{ eventType: string; body: Buffer }> = [];
    // Each frame begins with its total length, a 4-byte big-endian integer.
    while (this.buffered.length >= 4 && this.buffered.length >= this.buffered.readUInt32BE(0)) {
      const length = this.buffered.readUInt32BE(0);
      const message = codec().decode(this.buffered.subarray(0, length));
      this.buffered = this.buffered.subarray(length);
      const eventType = message.headers[":event-type"]?.value;
      events.push({ eventType: typeof eventType === "string" ? eventType : "", body: Buffer.from(message.body) });
    }
    return events;
  }
}
