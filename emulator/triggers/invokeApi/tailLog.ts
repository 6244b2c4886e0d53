import type { LogRecord } from "../../protocol";

/** Lambda returns at most the last 4 KB of the request's log with LogType Tail. */
const TAIL_BYTES = 4096;

/**
 * X-Amz-Log-Result: the request's log lines (START, the function's output, END,
 * REPORT), one per line, cut to the last 4 KB and base64-encoded.
 */
export function tailLog(logs: LogRecord[]): string {
  let bytes = Buffer.from(logs.map((record) => `${record.text}\n`).join(""), "utf8");
  if (bytes.length > TAIL_BYTES) {
    let start = bytes.length - TAIL_BYTES;
    // Start on a character, not inside one, so the tail decodes as valid UTF-8.
    while (start < bytes.length && (bytes[start] & 0xc0) === 0x80) start++;
    bytes = bytes.subarray(start);
  }
  return bytes.toString("base64");
}
