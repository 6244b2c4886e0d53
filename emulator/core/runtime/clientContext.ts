/**
 * The Lambda-Runtime-Client-Context header for a client context (JSON text), or undefined
 * when it is not JSON. HTTP header values must be printable ASCII on one line, and a client
 * may send pretty-printed or non-ASCII JSON: it is re-serialised compactly, with every
 * character outside printable ASCII written as a JSON \uXXXX escape (same value).
 */
export function clientContextHeader(json: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  return JSON.stringify(value).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
