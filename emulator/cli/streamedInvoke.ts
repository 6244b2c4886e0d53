import { request } from "node:http";
import type { ResponseStreamListener } from "../core/runtime/streamedResponse";
import { formatLogLine } from "../core/logs/formatLog";
import type { InvokeResult } from "../protocol";
import { EventStreamReader, loadEventStreamCodec, type InvokeComplete } from "../triggers/invokeApi/eventStream";

/**
 * `faasbox invoke` of a function that streams its response (Lambda's response streaming): its
 * bytes go to stdout as they arrive, unchanged (an http-integration-response prelude included, as
 * InvokeWithResponseStream passes it), instead of the JSON result at the end.
 */
export class StdoutStream implements ResponseStreamListener {
  streamed = false;

  begin(): void {
    this.streamed = true;
  }

  chunk(bytes: Buffer): void {
    process.stdout.write(bytes);
  }
}

/** After a streamed invocation: the logs on stderr, and the error (a mid-stream one too) with exit 1. */
export function printStreamedEnd(result: InvokeResult): number {
  for (const record of result.logs) process.stderr.write(`${formatLogLine(record)}\n`);
  if (result.ok) return 0;
  process.stderr.write(`error: ${result.function} failed (${result.errorKind}) after streaming ${result.streamedBytes ?? 0} bytes: ${result.error?.errorType}: ${result.error?.errorMessage}\n`);
  return 1;
}

/**
 * `faasbox invoke --stream` against a running emulator: InvokeWithResponseStream on its Invoke API,
 * each PayloadChunk to stdout as it arrives, the log tail (LogType Tail: its last 4 KB) and any error
 * on stderr. A function that does not stream arrives as one chunk.
 */
export async function invokeWithResponseStream(invokeUrl: string, name: string, eventText: string): Promise<number> {
  await loadEventStreamCodec();
  const url = `${invokeUrl}/2021-11-15/functions/${encodeURIComponent(name)}/response-streaming-invocations`;
  return await new Promise((resolve, reject) => {
    const post = request(url, { method: "POST", headers: { "Content-Type": "application/json", "X-Amz-Log-Type": "Tail" } }, (response) => {
      if (response.statusCode !== 200) {
        const body: Buffer[] = [];
        response.on("data", (chunk: Buffer) => body.push(chunk));
        response.on("end", () => reject(new Error(`${response.headers["x-amzn-errortype"] ?? response.statusCode}: ${Buffer.concat(body).toString("utf8")}`)));
        return;
      }
      const reader = new EventStreamReader();
      let complete: InvokeComplete | undefined;
      response.on("data", (bytes: Buffer) => {
        for (const event of reader.push(bytes)) {
          if (event.eventType === "PayloadChunk") process.stdout.write(event.body);
          else if (event.eventType === "InvokeComplete") complete = JSON.parse(event.body.toString("utf8")) as InvokeComplete;
        }
      });
      response.on("end", () => {
        if (!complete) return reject(new Error("the Invoke API's event stream ended without InvokeComplete"));
        if (complete.LogResult) process.stderr.write(Buffer.from(complete.LogResult, "base64").toString("utf8"));
        if (!complete.ErrorCode) return resolve(0);
        process.stderr.write(`error: ${name} failed: ${complete.ErrorCode}: ${complete.ErrorDetails ?? ""}\n`);
        resolve(1);
      });
      response.on("error", reject);
    });
    post.on("error", reject);
    post.end(eventText);
  });
}
