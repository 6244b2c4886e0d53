import type { ServerResponse } from "node:http";
import type { InvocationReport } from "../../core/invoke/invocationReport";
import type { ResponseStreamListener } from "../../core/runtime/streamedResponse";
import { apiErrors } from "./apiError";
import { EVENT_STREAM_CONTENT_TYPE, invokeCompleteFrame, loadEventStreamCodec, payloadChunkFrame, type InvokeComplete } from "./eventStream";
import { tailLog } from "./tailLog";

/**
 * InvokeWithResponseStream's answer, written as the invocation runs: the 200 and its headers when
 * the function begins to stream (or once it ends, for one that answers whole), a PayloadChunk per
 * chunk as it arrives, then InvokeComplete. Invocations that never ran are API errors as with Invoke
 * (throttled 429, the platform failed 500), as long as nothing was sent.
 */
export class StreamingAnswer implements ResponseStreamListener {
  private opened = false;

  private constructor(private readonly response: ServerResponse, private readonly requestId: string) {}

  static async create(response: ServerResponse, requestId: string): Promise<StreamingAnswer> {
    await loadEventStreamCodec();
    return new StreamingAnswer(response, requestId);
  }

  begin(): void {
    if (this.opened) return;
    this.opened = true;
    // ExecutedVersion is X-Amz-Executed-Version and ResponseStreamContentType the Content-Type header
    // (the operation's response syntax, https://docs.aws.amazon.com/lambda/latest/api/API_InvokeWithResponseStream.html).
    this.response.writeHead(200, { "Content-Type": EVENT_STREAM_CONTENT_TYPE, "X-Amz-Executed-Version": "$LATEST", "x-amzn-RequestId": this.requestId });
    this.response.flushHeaders();
  }

  chunk(bytes: Buffer): void {
    if (bytes.length === 0 || this.response.destroyed) return;
    this.begin();
    this.response.write(payloadChunkFrame(bytes));
  }

  /**
   * Ends the answer with how the invocation went. A function that answered whole (not streaming)
   * gets its payload as one PayloadChunk. On failure ErrorCode is the error's type and ErrorDetails its
   * message: the API reference names the fields without saying what Lambda puts in them.
   */
  finish(report: InvocationReport, tail: boolean): void {
    if (!this.opened && report.errorKind === "throttle") throw apiErrors.throttled(report.error?.errorMessage ?? "Rate Exceeded.");
    if (!this.opened && report.errorKind === "platform") throw apiErrors.service(report.error?.errorMessage ?? "the function could not be run");
    if (this.response.destroyed) return;
    this.begin();
    if (report.ok && report.payload?.length) this.chunk(report.payload);
    const complete: InvokeComplete = {};
    if (!report.ok) {
      complete.ErrorCode = report.error?.errorType ?? "Unknown";
      complete.ErrorDetails = report.error?.errorMessage ?? "the function failed without saying why";
    }
    if (tail) complete.LogResult = tailLog(report.logs);
    this.response.end(invokeCompleteFrame(complete));
  }
}
