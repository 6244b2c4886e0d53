import type { InvokeResult } from "../../protocol";
import type { HttpRoute } from "../../project/spec";
import type { GatewayResponse } from "./gatewayResponse";

/**
 * What Tencent's API gateway answers for an SCF route, from the function's result. Integrated
 * response is on only when the manifest turns it on (route.integratedResponse === true; the
 * readers default it to false as the components document). Faasbox's diagnosis goes to the
 * `x-faasbox-error` header, never into a body the cloud defines.
 */
export function scfHttpResponse(route: HttpRoute, result: InvokeResult): GatewayResponse {
  if (result.errorKind === "throttle") return json(429, { message: "Too Many Requests" });
  if (!result.ok) return functionFailed(result);
  if (route.integratedResponse !== true) return passThrough(result.result);
  const mapped = fromIntegratedResponse(result.result);
  return typeof mapped === "string" ? invalidIntegratedResponse(mapped, result) : mapped;
}

/**
 * Integrated response off: "API 网关会将请求内容以参数形式传递给函数，并将函数返回作为响应返回给请求方"
 * (https://cloud.tencent.com/document/product/583/12513). The docs do not say how the return
 * value is encoded or which Content-Type it gets: Faasbox sends it JSON-serialised, as SCF's
 * Invoke API returns it (RetMsg), with 200 and application/json.
 */
function passThrough(value: unknown): GatewayResponse {
  return json(200, value ?? null);
}

/**
 * Integrated response on: the function returns {isBase64Encoded, statusCode, headers, body}
 * and the gateway builds the HTTP response from it (https://cloud.tencent.com/document/product/583/12513,
 * 集成响应; https://cloud.tencent.com/document/product/583/55720). Which fields the gateway
 * insists on and how strictly is not documented: Faasbox wants statusCode a whole HTTP status
 * number, headers an object, body a string, and decodes body when isBase64Encoded is true.
 */
function fromIntegratedResponse(value: unknown): GatewayResponse | string {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return `return {isBase64Encoded, statusCode, headers, body}, got ${JSON.stringify(value)?.slice(0, 100)}`;
  }
  const response = value as Record<string, unknown>;
  const status = response.statusCode;
  if (typeof status !== "number" || !Number.isInteger(status) || status < 100 || status > 599) {
    return `statusCode must be an HTTP status number, got ${JSON.stringify(status)}`;
  }
  const headers: Record<string, string> = {};
  if (response.headers !== undefined && response.headers !== null) {
    if (typeof response.headers !== "object" || Array.isArray(response.headers)) return `headers must be an object of strings, got ${JSON.stringify(response.headers)}`;
    for (const [name, v] of Object.entries(response.headers)) headers[name.toLowerCase()] = String(v);
  }
  let body = Buffer.alloc(0);
  if (response.body !== undefined && response.body !== null) {
    if (typeof response.body !== "string") return `body must be a string (JSON.stringify objects), got ${typeof response.body}`;
    body = response.isBase64Encoded === true ? Buffer.from(response.body, "base64") : Buffer.from(response.body);
  }
  return { status, headers, body };
}

/**
 * A return value the gateway cannot read as an integrated response. The body is the one the
 * docs quote: {"errno":403,"error":"requestId xxx , Invalid scf response. expected scf response valid JSON."}
 * (https://cloud.tencent.com/document/product/583/55720, SCF 运行返回 "error":403). The docs give
 * the body's errno, not the HTTP status: Faasbox answers with the same 403.
 */
function invalidIntegratedResponse(reason: string, result: InvokeResult): GatewayResponse {
  const response = json(403, { errno: 403, error: `requestId ${result.requestId} , Invalid scf response. expected scf response valid JSON.` });
  response.headers["x-faasbox-error"] = headerText(`invalid integrated response from ${result.function}: ${reason}`);
  return response;
}

/**
 * A function that failed. Its own timeout, when shorter than the gateway's: "云函数超时先生效，API
 * 请求响应为200 HTTP code，但返回内容为云函数超时报错内容" (https://cloud.tencent.com/document/product/583/12513,
 * API 网关触发器配置); the docs do not show that content, so the body is the error as the runtime
 * reported it. Other failures: the docs do not say; Faasbox answers 502 as a gateway whose backend failed.
 */
function functionFailed(result: InvokeResult): GatewayResponse {
  const why = `the function failed (${result.errorKind}): ${result.error?.errorType}: ${result.error?.errorMessage}`;
  const response =
    result.errorKind === "timeout"
      ? json(200, { errorType: result.error?.errorType, errorMessage: result.error?.errorMessage, requestId: result.requestId })
      : json(502, { message: "Internal server error", reason: why, function: result.function, requestId: result.requestId });
  response.headers["x-faasbox-error"] = headerText(`${result.function}: ${why}`);
  return response;
}

function json(status: number, value: unknown): GatewayResponse {
  return { status, headers: { "content-type": "application/json" }, body: Buffer.from(JSON.stringify(value)) };
}

/** A header value must be one line of visible Latin-1: an error message may be neither. */
export function headerText(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, "?").slice(0, 500);
}
