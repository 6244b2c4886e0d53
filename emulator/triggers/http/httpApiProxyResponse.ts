import { appendHeader, isObject, readStatusCode, type ProxyAnswer } from "./proxyAnswer";

/**
 * A payload 2.0 response (HTTP APIs) as HTTP, or why it is malformed. "If your Lambda function
 * returns valid JSON and doesn't return a statusCode, API Gateway assumes: isBase64Encoded is
 * false, statusCode is 200, content-type is application/json, body is the function's response"
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html,
 * https://repost.aws/knowledge-center/api-gateway-status-codes-http-api): a string is the body
 * as it is, any other value its JSON. With a statusCode the response is read as
 * {statusCode, headers, cookies, body, isBase64Encoded}; "each cookie becomes a set-cookie header"
 * (same page). A statusCode API Gateway cannot use is MALFORMED_PROXY_RESPONSE "Invalid status
 * code" (observed: https://github.com/middyjs/middy/issues/1005). The docs do not say what a
 * non-string body or header values other than strings do: Faasbox refuses the one and sends the
 * others as text. Fields of the 1.0 format (multiValueHeaders) mean nothing in 2.0 and are ignored.
 */
export function readPayload2Response(value: unknown): ProxyAnswer | string {
  if (!isObject(value) || !("statusCode" in value)) {
    const body = typeof value === "string" ? value : JSON.stringify(value ?? null);
    return { status: 200, headers: { "content-type": "application/json" }, body, isBase64Encoded: false };
  }
  const status = readStatusCode(value.statusCode);
  if (status === undefined) return `statusCode must be an HTTP status number, got ${JSON.stringify(value.statusCode)}`;
  const headers: Record<string, string | string[]> = {};
  if (value.headers !== undefined && value.headers !== null) {
    if (!isObject(value.headers)) return `headers must be an object of strings, got ${JSON.stringify(value.headers)}`;
    for (const [name, raw] of Object.entries(value.headers)) appendHeader(headers, name, [String(raw)]);
  }
  if (value.cookies !== undefined && value.cookies !== null) {
    if (!Array.isArray(value.cookies)) return "cookies must be an array of Set-Cookie values";
    if (value.cookies.length) appendHeader(headers, "set-cookie", value.cookies.map(String));
  }
  if (value.body !== undefined && value.body !== null && typeof value.body !== "string") {
    return `body must be a string (JSON.stringify objects), got ${typeof value.body}`;
  }
  return { status, headers, body: value.body ?? "", isBase64Encoded: value.isBase64Encoded === true };
}
