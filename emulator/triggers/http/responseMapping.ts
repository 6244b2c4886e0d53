import type { InvokeResult } from "../../protocol";
import type { HttpRoute } from "../../project/spec";
import { restDecodesBase64Response } from "./binaryMedia";
import { integrationError, invocationRefused } from "./gatewayErrors";
import { gatewayKind, type GatewayKind } from "./gatewayKind";
import type { GatewayResponse } from "./gatewayResponse";
import { readPayload2Response } from "./httpApiProxyResponse";
import type { ProxyAnswer } from "./proxyAnswer";
import { readPayload1Response } from "./restProxyResponse";
import { scfHttpResponse } from "./scfResponse";

export type { GatewayResponse } from "./gatewayResponse";

/** What of the client's request the mapping of a response depends on. */
export interface ResponseRequest {
  /** The request's Accept header: a REST API decodes a base64 body only for a binary Accept type. */
  accept?: string;
}

function json(status: number, value: unknown): GatewayResponse {
  return { status, headers: { "content-type": "application/json" }, body: Buffer.from(JSON.stringify(value)) };
}

/** Who failed and why, for the logs and the x-faasbox-error header. */
function diagnose(reason: string, result: InvokeResult): string {
  return `${reason} (function ${result.function}, request ${result.requestId})`;
}

/**
 * The function failed or its answer cannot be mapped: AWS APIs answer their fixed error body
 * (see gatewayErrors); SCF's API gateway keeps Faasbox's 502 with the reason in the body, as
 * before (what SCF answers is outside this part of the work).
 */
function badGateway(kind: GatewayKind, reason: string, result: InvokeResult): GatewayResponse {
  if (kind !== "scf") return integrationError(kind, diagnose(reason, result));
  return { ...json(502, { message: "Internal server error", reason, function: result.function, requestId: result.requestId }), diagnosis: diagnose(reason, result) };
}

/** The answer's body as bytes: base64 decoded where the gateway decodes it (see binaryMedia). */
function toGatewayResponse(answer: ProxyAnswer, decodeBase64: boolean): GatewayResponse {
  const body = answer.isBase64Encoded && decodeBase64 ? Buffer.from(answer.body, "base64") : Buffer.from(answer.body);
  return { status: answer.status, headers: answer.headers, body };
}

/** What the client gets back for a route, mapped from the function's result in the route's dialect. */
export function toHttpResponse(route: HttpRoute, result: InvokeResult, request: ResponseRequest = {}): GatewayResponse {
  // Tencent's gateway has rules of its own (integrated response off unless turned on): scfResponse.ts.
  if (route.payload === "scf") return scfHttpResponse(route, result);
  const kind = gatewayKind(route);
  if (result.errorKind === "throttle") {
    const why = diagnose(`Lambda throttled the invocation: ${result.error?.errorType}: ${result.error?.errorMessage}`, result);
    return kind === "scf" ? { ...json(429, { message: "Too Many Requests" }), diagnosis: why } : invocationRefused(kind, why);
  }
  if (!result.ok) {
    const error = result.error;
    return badGateway(kind, `the function failed (${result.errorKind}): ${error?.errorType}: ${error?.errorMessage}`, result);
  }
  const value = result.result;
  const answer = route.payload === "aws-v2" ? readPayload2Response(value) : readPayload1Response(value, kind === "http");
  if (typeof answer === "string") return badGateway(kind, `invalid response: ${answer}`, result);
  return toGatewayResponse(answer, kind === "http" || restDecodesBase64Response(request.accept, route.api?.binaryMediaTypes));
}

