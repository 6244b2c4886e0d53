import type { InvokeResult } from "../../protocol";
import type { HttpRoute } from "../../project/spec";
import type { GatewayResponse } from "./gatewayResponse";
import { scfHttpResponse } from "./scfResponse";

export type { GatewayResponse } from "./gatewayResponse";

function json(status: number, value: unknown, extra: Record<string, string> = {}): GatewayResponse {
  return { status, headers: { "content-type": "application/json", ...extra }, body: Buffer.from(JSON.stringify(value)) };
}

/** API gateways answer 502 when the function fails or answers in a shape they cannot map; say why. */
function badGateway(reason: string, result: InvokeResult): GatewayResponse {
  return json(502, { message: "Internal server error", reason, function: result.function, requestId: result.requestId });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A proxy-integration response ({statusCode, headers, multiValueHeaders, cookies,
 * isBase64Encoded, body}) as HTTP, or why it cannot be one.
 */
function fromProxyShape(value: Record<string, unknown>, allowCookies: boolean): GatewayResponse | string {
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
      headers[name.toLowerCase()] = v.map(String);
    }
  }
  if (allowCookies && value.cookies !== undefined) {
    if (!Array.isArray(value.cookies)) return "cookies must be an array of Set-Cookie values";
    const existing = headers["set-cookie"];
    headers["set-cookie"] = [...(existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]), ...value.cookies.map(String)];
  }
  let body = Buffer.alloc(0);
  if (value.body !== undefined && value.body !== null) {
    if (typeof value.body !== "string") return `body must be a string (JSON.stringify objects), got ${typeof value.body}`;
    body = value.isBase64Encoded === true ? Buffer.from(value.body, "base64") : Buffer.from(value.body);
  }
  return { status, headers, body };
}

/** What the client gets back for a route, mapped from the function's result in the route's dialect. */
export function toHttpResponse(route: HttpRoute, result: InvokeResult): GatewayResponse {
  if (route.payload === "scf") return scfHttpResponse(route, result);
  if (result.errorKind === "throttle") return json(429, { message: "Too Many Requests" });
  if (!result.ok) {
    const error = result.error;
    return badGateway(`the function failed (${result.errorKind}): ${error?.errorType}: ${error?.errorMessage}`, result);
  }
  const value = result.result;
  switch (route.payload) {
    case "aws-v2": {
      // HTTP API 2.0 infers a response when the function returns no statusCode.
      if (isObject(value) && "statusCode" in value) {
        const mapped = fromProxyShape(value, true);
        return typeof mapped === "string" ? badGateway(`invalid response: ${mapped}`, result) : mapped;
      }
      const body = typeof value === "string" ? value : JSON.stringify(value ?? null);
      return { status: 200, headers: { "content-type": "application/json" }, body: Buffer.from(body) };
    }
    case "aws-v1": {
      if (!isObject(value)) return badGateway(`invalid response: a REST API (payload 1.0) function must return {statusCode, headers?, body?}, got ${JSON.stringify(value)?.slice(0, 100)}`, result);
      const mapped = fromProxyShape(value, false);
      return typeof mapped === "string" ? badGateway(`invalid response: ${mapped}`, result) : mapped;
    }
  }
}
