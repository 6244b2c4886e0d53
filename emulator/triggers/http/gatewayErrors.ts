import type { GatewayResponse } from "./gatewayResponse";

/** The header that carries Faasbox's diagnosis of an error response (the body stays the cloud's). */
export const FAASBOX_ERROR_HEADER = "x-faasbox-error";

function apiError(status: number, body: string, diagnosis: string, extra: Record<string, string> = {}): GatewayResponse {
  return { status, headers: { "content-type": "application/json", ...extra }, body: Buffer.from(body), diagnosis };
}

/**
 * A REST API's own error responses are its default gateway responses, whose body template is
 * `{"message":$context.error.messageString}` with content type application/json
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html,
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-gatewayResponse-definition.html):
 * compact JSON, no space after the colon.
 */
function restError(status: number, message: string, diagnosis: string, extra: Record<string, string> = {}): GatewayResponse {
  return apiError(status, JSON.stringify({ message }), diagnosis, extra);
}

/**
 * The function failed or answered in a shape the API cannot map. REST: "If the function runs but
 * returns an error, or returns a response in the wrong format, API Gateway returns a 502 ... the
 * body ... is {"message": "Internal server error"}"
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway-errors.html). HTTP API: 500
 * `{"message":"Internal Server Error"}`; for a malformed response AWS logs errorResponseType
 * MALFORMED_PROXY_RESPONSE with status 500 and responseLength 35, the length of exactly that body
 * (observed from AWS: https://github.com/middyjs/middy/issues/1005); for payload 1.0 "API Gateway
 * doesn't make assumptions of the response and returns a 500 error"
 * (https://repost.aws/knowledge-center/api-gateway-status-codes-http-api).
 */
export function integrationError(kind: "rest" | "http", diagnosis: string): GatewayResponse {
  return kind === "rest" ? restError(502, "Internal server error", diagnosis) : apiError(500, JSON.stringify({ message: "Internal Server Error" }), diagnosis);
}

/**
 * Lambda refused the invocation before the function ran (throttled, event too large): "If the
 * Lambda API rejects the invocation request, API Gateway returns a 500 error code"
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway-errors.html). HTTP APIs
 * answer every integration failure with the same 500 body (the docs do not separate the cases).
 */
export function invocationRefused(kind: "rest" | "http", diagnosis: string): GatewayResponse {
  return kind === "rest" ? restError(500, "Internal server error", diagnosis) : apiError(500, JSON.stringify({ message: "Internal Server Error" }), diagnosis);
}

/**
 * No route takes this method and path. REST: the MISSING_AUTHENTICATION_TOKEN gateway response,
 * 403, which API Gateway also gives "when an API request was made to a method or resource that
 * does not exist" (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html,
 * https://repost.aws/knowledge-center/api-gateway-authentication-token-errors); AWS sends it with
 * x-amzn-ErrorType: MissingAuthenticationTokenException (observed:
 * https://github.com/huiwang/hexo-recommended-posts/issues/10). HTTP API: 404
 * `{"message":"Not Found"}`; the HTTP API docs do not describe this body (observed from AWS).
 */
export function routeNotFound(kind: "rest" | "http", diagnosis: string): GatewayResponse {
  return kind === "rest"
    ? restError(403, "Missing Authentication Token", diagnosis, { "x-amzn-errortype": "MissingAuthenticationTokenException" })
    : apiError(404, JSON.stringify({ message: "Not Found" }), diagnosis);
}

/**
 * A diagnosis as a header value: Node refuses control characters and anything outside Latin-1
 * in headers, and a header has no room for a stack trace.
 */
export function diagnosisHeader(diagnosis: string): string {
  const printable = diagnosis.replace(/[^\x20-\x7e]/g, " ").replace(/\s+/g, " ").trim();
  return printable.length > 1000 ? `${printable.slice(0, 999)}…`.replace(/[^\x20-\x7e]/g, ".") : printable;
}
