import { appendHeader, isObject, type ProxyAnswer } from "./proxyAnswer";

/**
 * An SCF integrated response ({isBase64Encoded, statusCode, headers, body}) as HTTP, or why it
 * cannot be one. Unchanged from before the AWS rules were split out: SCF's rules are outside this work.
 */
export function readScfIntegratedResponse(value: Record<string, unknown>): ProxyAnswer | string {
  const status = value.statusCode;
  if (typeof status !== "number" || !Number.isInteger(status) || status < 100 || status > 599) {
    return `statusCode must be an HTTP status number, got ${JSON.stringify(status)}`;
  }
  const headers: Record<string, string | string[]> = {};
  if (value.headers !== undefined) {
    if (!isObject(value.headers)) return `headers must be an object of strings, got ${JSON.stringify(value.headers)}`;
    for (const [name, v] of Object.entries(value.headers)) headers[name.toLowerCase()] = String(v);
  }
  if (value.multiValueHeaders !== undefined) {
    if (!isObject(value.multiValueHeaders)) return "multiValueHeaders must be an object of string arrays";
    for (const [name, v] of Object.entries(value.multiValueHeaders)) {
      if (!Array.isArray(v)) return `multiValueHeaders.${name} must be an array`;
      delete headers[name.toLowerCase()];
      appendHeader(headers, name, v.map(String));
    }
  }
  if (value.body !== undefined && value.body !== null && typeof value.body !== "string") {
    return `body must be a string (JSON.stringify objects), got ${typeof value.body}`;
  }
  return { status, headers, body: value.body ?? "", isBase64Encoded: value.isBase64Encoded === true };
}
