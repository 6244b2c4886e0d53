import { appendHeader, hasHeader, isObject, readStatusCode, type ProxyAnswer } from "./proxyAnswer";

/**
 * The fields a payload 1.0 response may have: "isBase64Encoded", "statusCode", "headers",
 * "multiValueHeaders", "body"
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-output-format).
 * Any other field makes the response malformed: a REST API answers a `cookies` field with
 * "Malformed Lambda proxy response" (observed: https://github.com/anomalyco/sst/issues/2760;
 * LocalStack, checked against AWS: "none of the lambda response fields are mandatory, but you
 * cannot return any other fields",
 * https://github.com/localstack/localstack/blob/master/localstack-core/localstack/services/apigateway/next_gen/execute_api/integrations/aws.py).
 */
const FIELDS = new Set(["isBase64Encoded", "statusCode", "headers", "multiValueHeaders", "body"]);

/** A header value as API Gateway takes it: a string, or a boolean sent as true/false (LocalStack's AWS-checked rule, above). */
function headerValue(value: unknown): string | undefined {
  return typeof value === "string" ? value : typeof value === "boolean" ? String(value) : undefined;
}

/**
 * A payload 1.0 response (REST APIs; HTTP APIs with payload format 1.0) as HTTP, or why it is
 * malformed. `requireStatusCode`: HTTP APIs with payload 1.0 "must return a response in the
 * following format ... API Gateway doesn't make assumptions of the response"
 * (https://repost.aws/knowledge-center/api-gateway-status-codes-http-api); a REST API answers
 * 200 to a response without statusCode (the docs are silent; LocalStack's AWS-checked rule, above).
 */
export function readPayload1Response(value: unknown, requireStatusCode: boolean): ProxyAnswer | string {
  if (!isObject(value)) return `a payload 1.0 function must return {statusCode, headers?, multiValueHeaders?, body?, isBase64Encoded?}, got ${JSON.stringify(value)?.slice(0, 100)}`;
  const unknown = Object.keys(value).filter((key) => !FIELDS.has(key));
  if (unknown.length) return `payload 1.0 responses have no field ${unknown.map((k) => JSON.stringify(k)).join(", ")}: only statusCode, headers, multiValueHeaders, body, isBase64Encoded`;

  let status = 200;
  if (value.statusCode !== undefined || requireStatusCode) {
    const read = readStatusCode(value.statusCode);
    if (read === undefined) return `statusCode must be an HTTP status number, got ${JSON.stringify(value.statusCode)}`;
    status = read;
  }

  // "If you specify values for both headers and multiValueHeaders, API Gateway merges them into a
  // single list. If the same key-value pair is specified in both, only the values from
  // multiValueHeaders will appear in the merged list." (output format, link above). The order of
  // the merged values is not documented: the single header's value comes first.
  const headers: Record<string, string | string[]> = {};
  if (value.headers !== undefined && value.headers !== null) {
    if (!isObject(value.headers)) return `headers must be an object of strings, got ${JSON.stringify(value.headers)}`;
    for (const [name, raw] of Object.entries(value.headers)) {
      const single = headerValue(raw);
      if (single === undefined) return `headers.${name} must be a string, got ${JSON.stringify(raw)}`;
      appendHeader(headers, name, [single]);
    }
  }
  if (value.multiValueHeaders !== undefined && value.multiValueHeaders !== null) {
    if (!isObject(value.multiValueHeaders)) return "multiValueHeaders must be an object of string arrays";
    for (const [name, raw] of Object.entries(value.multiValueHeaders)) {
      if (!Array.isArray(raw)) return `multiValueHeaders.${name} must be an array`;
      const values = raw.map(headerValue);
      if (values.some((v) => v === undefined)) return `multiValueHeaders.${name} must hold strings, got ${JSON.stringify(raw)}`;
      const existing = headers[name.toLowerCase()];
      const fromSingle = typeof existing === "string" && !values.includes(existing) ? [existing] : [];
      delete headers[name.toLowerCase()];
      appendHeader(headers, name, [...fromSingle, ...(values as string[])]);
    }
  }
  // A REST API sends Content-Type: application/json when the function names none (observed from
  // AWS; the docs are silent: LocalStack's AWS-checked integration starts every Lambda proxy
  // response from Content-Type: application/json, link above).
  if (!hasHeader(headers, "content-type")) headers["content-type"] = "application/json";

  // The body must be a string: an object body is "Execution failed due to configuration error:
  // Malformed Lambda proxy response", status 502 (observed from AWS:
  // https://github.com/vincentsarago/lambda-proxy/issues/59).
  if (value.body !== undefined && value.body !== null && typeof value.body !== "string") {
    return `body must be a string (JSON.stringify objects), got ${typeof value.body}`;
  }
  return { status, headers, body: value.body ?? "", isBase64Encoded: value.isBase64Encoded === true };
}
