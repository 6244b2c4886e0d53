import type { LogRecord } from "../../protocol";

/** One log record as a terminal line: time, function, short request id, text. */
export function formatLogLine(record: LogRecord, options: { color?: boolean } = {}): string {
  const time = new Date(record.time).toISOString().slice(11, 23);
  const request = record.requestId ? record.requestId.slice(0, 8) : "--------";
  const text = `${time} ${record.function} ${request} ${record.text}`;
  if (!options.color) return text;
  if (record.stream === "stderr") return `\x1b[31m${text}\x1b[0m`;
  if (record.stream === "system") return `\x1b[2m${text}\x1b[0m`;
  return text;
}
