import type { ServerResponse } from "node:http";
import type { InvocationReport } from "../../core/invoke/invocationReport";
import type { ResponseStreamListener } from "../../core/runtime/streamedResponse";
import { PRELUDE_CONTENT_TYPE, scanPrelude } from "./streamPrelude";

export interface StreamedResponseOptions {
  /** Headers the caller adds to every answer (CORS, a request id), before the function's own. */
  headers?: Record<string, string | string[]>;
  /** Said (to the function's log) when a prelude is refused, so the user learns why the caller got a 502. */
  onInvalidPrelude?: (reason: string) => void;
}

/**
 * Writes a streamed invocation to an HTTP response as it arrives, as a Function URL in
 * RESPONSE_STREAM mode does (https://docs.aws.amazon.com/lambda/latest/dg/config-rs-invoke-furls.html):
 * a stream that begins with the http-integration-response prelude gives the status, headers and
 * cookies (streamPrelude.ts); any other stream is a 200 with the function's content type. Every
 * chunk is written (and so flushed) as it comes, so Server-Sent Events reach the browser one by one.
 *
 * Pass it as the invocation's `stream` listener, then call `finish` with the report.
 */
export class StreamedHttpResponse implements ResponseStreamListener {
  private mode: "waiting" | "prelude" | "body" | "refused" = "waiting";
  private pending = Buffer.alloc(0);

  constructor(private readonly response: ServerResponse, private readonly options: StreamedResponseOptions = {}) {}

  /** Whether the function streamed (began a response); when not, the caller maps its buffered result itself. */
  get streamed(): boolean {
    return this.mode !== "waiting";
  }

  begin(contentType: string): void {
    if (this.mode !== "waiting") return;
    if (contentType.split(";")[0].trim().toLowerCase() === PRELUDE_CONTENT_TYPE) {
      this.mode = "prelude";
      return;
    }
    this.mode = "body";
    this.open(200, { "Content-Type": contentType }, []);
  }

  chunk(bytes: Buffer): void {
    if (this.mode === "body") return this.write(bytes);
    if (this.mode !== "prelude") return;
    this.pending = Buffer.concat([this.pending, bytes]);
    const scan = scanPrelude(this.pending);
    if (scan.kind === "incomplete") return;
    this.pending = Buffer.alloc(0);
    if (scan.kind === "invalid") return this.refuse(scan.reason);
    this.mode = "body";
    if (!this.open(scan.prelude.statusCode, scan.prelude.headers, scan.prelude.cookies)) return;
    this.write(scan.rest);
  }

  /**
   * Ends the answer once the invocation settled. Returns false when the function did not stream
   * (nothing was written): the caller answers with the buffered result. A stream that failed part way
   * (error trailers, a timeout) is cut off rather than ended cleanly, so the client sees an incomplete
   * response instead of a complete one; what a Function URL sends then is not documented.
   */
  finish(report: InvocationReport): boolean {
    if (this.mode === "waiting") return false;
    if (this.mode === "prelude") {
      // The stream ended inside its prelude (or failed before its end).
      if (!report.ok) this.refuse(`the function failed before its prelude ended: ${report.error?.errorType}: ${report.error?.errorMessage}`);
      else this.refuse("the stream ended before the prelude's 8-NUL delimiter");
      return true;
    }
    if (this.mode === "refused" || this.response.destroyed) return true;
    if (report.ok) this.response.end();
    else this.response.destroy();
    return true;
  }

  private open(status: number, headers: Record<string, string | string[]>, cookies: string[]): boolean {
    try {
      for (const [name, value] of Object.entries({ ...this.options.headers, ...headers })) this.response.setHeader(name, value);
      if (cookies.length) this.response.setHeader("Set-Cookie", cookies);
      this.response.writeHead(status);
      // The status and headers leave now, not with the first chunk: a client sees the answer begin.
      this.response.flushHeaders();
      return true;
    } catch (error) {
      // A header Node refuses (a name with a space, a value with a newline) is the function's error.
      this.refuse(`a header the function set cannot be sent: ${(error as Error).message}`);
      return false;
    }
  }

  private write(bytes: Buffer): void {
    if (bytes.length && !this.response.destroyed && !this.response.writableEnded) this.response.write(bytes);
  }

  /** A 502, as for a malformed buffered response (the gateway's "Internal Server Error" shape is the caller's). */
  private refuse(reason: string): void {
    this.mode = "refused";
    this.options.onInvalidPrelude?.(reason);
    if (this.response.headersSent || this.response.destroyed) {
      this.response.destroy();
      return;
    }
    for (const name of this.response.getHeaderNames()) this.response.removeHeader(name);
    const body = JSON.stringify({ message: "Internal Server Error" });
    this.response.writeHead(502, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) }).end(body);
  }
}
