// CORS as a function URL applies its Cors configuration (the six settings of
// https://docs.aws.amazon.com/lambda/latest/dg/API_Cors.html). A URL has no routes: with Cors
// configured the service answers every preflight itself and puts the configured headers on the
// function's responses, replacing the function's own; "Lambda applies CORS headers to requests
// to your function URL" when CORS is configured, and the docs advise configuring CORS in one place
// only (https://docs.aws.amazon.com/lambda/latest/dg/urls-configuration.html#urls-cors). The
// headers and which go where are the HTTP API's (triggers/http/cors.ts): the Lambda docs do not
// spell out the preflight answer.
import type { IncomingHttpHeaders } from "node:http";
import type { CorsConfig } from "../../protocol";
import { gatewayHeaders, isPreflight } from "../http/cors";
import type { GatewayResponse } from "../http/gatewayResponse";

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The URL's own answer to a preflight, or undefined when the request goes to the function (no
 * Cors configured, or not a preflight). An origin the configuration does not allow gets the
 * answer without any Access-Control-* header, so the browser blocks the call. The status: the
 * docs are silent; 204 with no body as the gateway's HTTP API preflight (cors.ts).
 */
export function urlPreflight(cors: CorsConfig | undefined, method: string, headers: IncomingHttpHeaders): GatewayResponse | undefined {
  if (!cors || !isPreflight(method, headers)) return undefined;
  return { status: 204, headers: gatewayHeaders(cors, header(headers, "origin")!, true), body: Buffer.alloc(0) };
}

/** The function's response with the URL's CORS headers in place of its own, when Cors is configured. */
export function withUrlCors(cors: CorsConfig | undefined, method: string, requestHeaders: IncomingHttpHeaders, response: GatewayResponse): GatewayResponse {
  if (!cors) return response;
  const headers = Object.fromEntries(Object.entries(response.headers).filter(([name]) => !name.toLowerCase().startsWith("access-control-")));
  const origin = header(requestHeaders, "origin");
  if (origin !== undefined) Object.assign(headers, gatewayHeaders(cors, origin, isPreflight(method, requestHeaders)));
  return { ...response, headers };
}
