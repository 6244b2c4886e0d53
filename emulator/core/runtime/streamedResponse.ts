import { MAX_RESPONSE_BYTES, type RuntimeResult, type StreamedFacts, type StreamEnding } from "./runtimeApiServer";

/** Who waits for a streamed invocation as it happens (InvokeWithResponseStream, a Function URL, the CLI). */
export interface ResponseStreamListener {
  /** The runtime began a streamed response with this content type. */
  begin(contentType: string): void;
  /** Bytes the runtime sent, as they arrive. */
  chunk(bytes: Buffer): void;
}

/**
 * One streamed response as it arrives: handed on chunk by chunk to a streaming caller, or kept
 * whole for a buffered one (Invoke, the HTTP gateway), which gets the whole body as Lambda's Invoke
 * gives it ("You can still invoke your function without response streaming by directly calling the
 * Invoke API operation", https://docs.aws.amazon.com/lambda/latest/dg/config-rs-invoke-furls.html),
 * within Invoke's 6 MB.
 */
export class StreamedResponse {
  private bytes = 0;
  private readonly kept: Buffer[] = [];

  constructor(readonly contentType: string, private readonly listener?: ResponseStreamListener) {
    listener?.begin(contentType);
  }

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.listener) this.listener.chunk(chunk);
    else if (this.bytes <= MAX_RESPONSE_BYTES) this.kept.push(chunk);
  }

  get facts(): StreamedFacts {
    return { contentType: this.contentType, bytes: this.bytes };
  }

  /**
   * The runtime's result once the stream ended. An error in the trailers fails the invocation after
   * what was sent ("Lambda treats this as a successful response and forwards the error metadata ... to
   * the client", https://docs.aws.amazon.com/lambda/latest/dg/runtimes-custom.html#runtimes-custom-response-streaming):
   * a streaming caller has the chunks and then the error; a buffered caller gets the error, as Invoke
   * reports a function error.
   */
  result(ending: StreamEnding): RuntimeResult {
    const streamed = this.facts;
    if (ending.errorType !== undefined || ending.errorBody !== undefined) {
      return { kind: "error", body: ending.errorBody ?? Buffer.alloc(0), errorType: ending.errorType, memoryKb: ending.memoryKb, streamed };
    }
    if (!this.listener && this.bytes > MAX_RESPONSE_BYTES) return { kind: "too-large", size: this.bytes, limit: MAX_RESPONSE_BYTES };
    return { kind: "response", body: this.listener ? Buffer.alloc(0) : Buffer.concat(this.kept, this.bytes), memoryKb: ending.memoryKb, streamed };
  }
}
