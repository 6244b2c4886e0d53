// What the client of a function URL gets for the function's result (BUFFERED invoke mode).
import type { InvokeResult } from "../../protocol";
import type { GatewayResponse } from "../http/gatewayResponse";
import { readPayload2Response } from "../http/httpApiProxyResponse";

/**
 * Lambda's synchronous payload limit, request and response: "Invocation payload (request and
 * response): 6 MB each for request and response (synchronous)"
 * (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). A function URL in
 * BUFFERED mode is a synchronous invocation ("the maximum response payload size is 6 MB" for
 * BUFFERED, https://docs.aws.amazon.com/lambda/latest/dg/urls-configuration.html#urls-invoke-mode).
 */
export const MAX_URL_PAYLOAD_BYTES = 6 * 1024 * 1024;

export function jsonAnswer(status: number, value: unknown, extra: Record<string, string> = {}): GatewayResponse {
  return { status, headers: { "content-type": "application/json", ...extra }, body: Buffer.from(JSON.stringify(value)) };
}

/**
 * A function that fails, or answers what cannot be mapped, gives the client 502 with the body
 * "Internal Server Error" (observed: https://github.com/awsdocs/aws-lambda-developer-guide/issues/430;
 * the Lambda docs give no body). Why it failed goes to the logs and x-faasbox-error, never the body.
 */
function internalServerError(diagnosis: string): GatewayResponse {
  return { status: 502, headers: { "content-type": "text/plain; charset=utf-8" }, body: Buffer.from("Internal Server Error"), diagnosis };
}

/**
 * The function's result as HTTP. "Response payload format": the same as an HTTP API's payload
 * 2.0 ("If your function returns valid JSON and doesn't return a statusCode, Lambda assumes ...
 * statusCode is 200, content-type is application/json, body is the function response",
 * https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-response-payload), so
 * the HTTP API's reader (httpApiProxyResponse.ts) maps it: statusCode, headers, cookies, body,
 * isBase64Encoded.
 */
export function functionUrlResponse(result: InvokeResult): GatewayResponse {
  const who = `function ${result.function}, request ${result.requestId}`;
  if (result.errorKind === "throttle") {
    // The Lambda docs do not say what a throttled URL answers: Lambda's own TooManyRequestsException.
    return { ...jsonAnswer(429, { Reason: "ConcurrentInvocationLimitExceeded", Type: "User", message: "Rate Exceeded." }), diagnosis: `Lambda throttled the invocation (${who})` };
  }
  if (!result.ok) return internalServerError(`the function failed (${result.errorKind}): ${result.error?.errorType}: ${result.error?.errorMessage} (${who})`);
  const answer = readPayload2Response(result.result);
  if (typeof answer === "string") return internalServerError(`invalid response: ${answer} (${who})`);
  const body = answer.isBase64Encoded ? Buffer.from(answer.body, "base64") : Buffer.from(answer.body);
  if (body.length > MAX_URL_PAYLOAD_BYTES) return internalServerError(`the response is ${body.length} bytes, over the ${MAX_URL_PAYLOAD_BYTES}-byte limit of a BUFFERED function URL (${who})`);
  return { status: answer.status, headers: answer.headers, body };
}
