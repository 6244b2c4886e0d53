/**
 * The http-integration-response format of a streamed response: a JSON prelude
 * {statusCode, headers, cookies}, then 8 NUL bytes, then the body. It is what
 * awslambda.HttpResponseStream.from writes (https://docs.aws.amazon.com/lambda/latest/dg/config-rs-write-functions.html;
 * the bytes as AWS's Node.js runtime interface client writes them, src/HttpResponseStream.js) and what
 * a Function URL in RESPONSE_STREAM mode reads its status, headers and cookies from; API Gateway's
 * streaming proxy integration reads the same "metadata, then a delimiter" shape
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode-lambda.html).
 */
export const PRELUDE_CONTENT_TYPE = "application/vnd.awslambda.http-integration-response";
const DELIMITER = Buffer.alloc(8);
/**
 * How far Faasbox looks for the delimiter before it calls the prelude broken. The docs give no
 * figure; the bound only keeps a function that never writes one from filling the emulator's memory.
 */
export const MAX_PRELUDE_BYTES = 1024 * 1024;

export interface HttpPrelude {
  statusCode: number;
  headers: Record<string, string>;
  cookies: string[];
}

export type PreludeScan =
  | { kind: "incomplete" }
  | { kind: "prelude"; prelude: HttpPrelude; rest: Buffer }
  | { kind: "invalid"; reason: string };

/** Looks for the prelude at the start of what arrived so far. */
export function scanPrelude(received: Buffer): PreludeScan {
  const end = received.indexOf(DELIMITER);
  if (end < 0) {
    return received.length > MAX_PRELUDE_BYTES ? { kind: "invalid", reason: `no 8-NUL delimiter in the first ${MAX_PRELUDE_BYTES} bytes` } : { kind: "incomplete" };
  }
  const parsed = parsePrelude(received.subarray(0, end).toString("utf8"));
  return "reason" in parsed ? { kind: "invalid", reason: parsed.reason } : { kind: "prelude", prelude: parsed, rest: received.subarray(end + DELIMITER.length) };
}

/**
 * The prelude's fields, as a Function URL reads them. What it does with a missing status or a
 * malformed prelude is not documented: a missing statusCode is 200 here (HttpResponseStream.from
 * without one still answers), anything else malformed is refused with the reason.
 */
function parsePrelude(text: string): HttpPrelude | { reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { reason: `the prelude is not JSON: ${(error as Error).message}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { reason: "the prelude is not a JSON object" };
  const { statusCode = 200, headers = {}, cookies = [] } = value as Record<string, unknown>;
  if (typeof statusCode !== "number" || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    return { reason: `statusCode ${JSON.stringify(statusCode)} is not an HTTP status (100 to 599)` };
  }
  if (typeof headers !== "object" || headers === null || Array.isArray(headers)) return { reason: "headers is not an object of header names to values" };
  if (!Array.isArray(cookies) || cookies.some((cookie) => typeof cookie !== "string")) return { reason: "cookies is not an array of strings" };
  const flat: Record<string, string> = {};
  for (const [name, headerValue] of Object.entries(headers)) {
    if (typeof headerValue === "object" && headerValue !== null) return { reason: `header ${name} has a ${Array.isArray(headerValue) ? "list" : "object"} value, not a string` };
    flat[name] = String(headerValue);
  }
  return { statusCode, headers: flat, cookies: cookies as string[] };
}
