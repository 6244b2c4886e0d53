// CORS as API Gateway applies it: nothing at all on an API without a CORS configuration; with
// one, a REST API answers OPTIONS from the mock integration SAM adds and leaves actual responses to
// the function, while an HTTP API answers preflights itself and adds its headers to every response.
import type { IncomingHttpHeaders } from "node:http";
import type { CorsConfig, HttpRoute } from "../../protocol";
import type { GatewayResponse } from "./responseMapping";
import type { RouteEntry, RouteMatch } from "./routeTable";

//
// Sources named below: HTTP_API_CORS = https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html
// REST_API_CORS = https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html

/**
 * Who produces the CORS headers. "rest-mock": SAM's `Cors` on an AWS::Serverless::Api adds an
 * OPTIONS method with a mock integration to every path and nothing else ("Since SAM uses
 * aws_proxy integration, we cannot inject the headers into the actual response returned from
 * Lambda function": samtranslator/swagger/swagger.py, add_cors;
 * https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-api-corsconfiguration.html).
 * "http-api": an HTTP API's CorsConfiguration, where API Gateway answers preflights no route takes
 * and decorates every response (HTTP_API_CORS). "function-url": a Lambda function URL's Cors, the
 * same headers, but a function URL has no routes: the service answers every preflight itself.
 */
export type CorsStyle = "rest-mock" | "http-api" | "function-url";

export interface EffectiveCors {
  style: CorsStyle;
  config: CorsConfig;
}

/**
 * What the old `cors: true` flag (faasbox.yml, SCF `enableCORS`, routes without an API resource)
 * stands for: what `faasbox deploy` creates for such a route, a function URL open to every origin
 * (deploy/lambdaTriggers.ts: AllowOrigins/AllowMethods/AllowHeaders ["*"]; deploy/scfTriggers.ts:
 * CorsConfig Origins/Headers ["*"]). A function URL's Cors is the HTTP API's model (the same six
 * settings, https://docs.aws.amazon.com/lambda/latest/dg/API_Cors.html), applied by the service, not
 * the function; the Lambda docs do not spell out its preflight answer, so the HTTP API's headers
 * and status apply ("function-url" style) whatever the payload. Tencent's API gateway documentation does not say
 * which headers its `enableCORS` sends: the same rules apply to SCF routes.
 */
export const OPEN_CORS: CorsConfig = { allowOrigins: ["*"], allowMethods: ["*"], allowHeaders: ["*"] };

/** The CORS a route's API applies, or undefined: then no CORS header is ever added or answered. */
export function corsOf(route: HttpRoute): EffectiveCors | undefined {
  if (route.api) {
    if (!route.api.cors) return undefined;
    return { style: route.api.kind === "rest" ? "rest-mock" : "http-api", config: route.api.cors };
  }
  return route.cors ? { style: "function-url", config: OPEN_CORS } : undefined;
}

/** Which gateway's answers a route gets when nothing routes a request: its API's kind, or its payload's. */
function gatewayKind(route: HttpRoute): "rest" | "http" | "scf" {
  if (route.api) return route.api.kind;
  return route.payload === "aws-v1" ? "rest" : route.payload === "aws-v2" ? "http" : "scf";
}

/**
 * A configuration API Gateway refuses to create, or undefined. HTTP API: "allow-credentials is not
 * supported if 'allow-origin' is *" (BadRequestException; https://github.com/aws/aws-cdk/issues/9076).
 * SAM refuses the same pair on a REST API (https://github.com/aws/serverless-application-model/pull/464).
 * For the manifest readers to report; the gateway applies what it is given.
 */
export function corsConfigProblem(config: CorsConfig): string | undefined {
  if (config.allowCredentials === true && config.allowOrigins.includes("*")) {
    return "AllowCredentials: true cannot be combined with the origin '*': API Gateway refuses this CORS configuration (list the origins instead)";
  }
  return undefined;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * An HTTP API answers as a preflight only an OPTIONS request with both `Origin` and
 * `Access-Control-Request-Method`: "For the OPTIONS method, your request must contain an origin
 * header and an Access-Control-Request-Method header" (HTTP_API_CORS).
 */
export function isPreflight(method: string, headers: IncomingHttpHeaders): boolean {
  return method === "OPTIONS" && header(headers, "origin") !== undefined && header(headers, "access-control-request-method") !== undefined;
}

/**
 * The `Access-Control-Allow-Origin` an HTTP API sends for this Origin, or undefined when the origin
 * is not allowed (then no CORS header at all). allowOrigins takes "*" (every origin, sent as "*"),
 * exact origins, and "https://*" / "http://*" (any origin of that scheme) (HTTP_API_CORS, the table
 * of example values). The docs do not say which value is sent for a matched list entry: the
 * request's origin, the only value a browser accepts for a list.
 */
export function allowedOrigin(config: CorsConfig, origin: string): string | undefined {
  if (config.allowOrigins.includes("*")) return "*";
  for (const allowed of config.allowOrigins) {
    if (allowed === origin) return origin;
    const scheme = /^(https?):\/\/\*$/.exec(allowed);
    if (scheme && origin.startsWith(`${scheme[1]}://`)) return origin;
  }
  return undefined;
}

/** What an HTTP API (and a function URL) sends beside a response to a CORS request, preflight or not. */
export function gatewayHeaders(config: CorsConfig, origin: string, preflight: boolean): Record<string, string> {
  const allowOrigin = allowedOrigin(config, origin);
  if (allowOrigin === undefined) return {};
  const headers: Record<string, string> = { "access-control-allow-origin": allowOrigin };
  // The docs list each header with its property (HTTP_API_CORS) but not which go on a preflight and
  // which on an actual response; Faasbox follows the CORS protocol: methods, headers and max-age
  // answer a preflight, expose-headers an actual response, credentials both.
  if (preflight) {
    if (config.allowMethods.length) headers["access-control-allow-methods"] = config.allowMethods.join(",");
    if (config.allowHeaders.length) headers["access-control-allow-headers"] = config.allowHeaders.join(",");
    if (config.maxAgeSec !== undefined) headers["access-control-max-age"] = String(config.maxAgeSec);
  } else if (config.exposeHeaders?.length) {
    headers["access-control-expose-headers"] = config.exposeHeaders.join(",");
  }
  if (config.allowCredentials === true) headers["access-control-allow-credentials"] = "true";
  return headers;
}

/** The HTTP methods SAM lists for a path with an ANY method (swagger.py, _ALL_HTTP_METHODS). */
const ALL_HTTP_METHODS = ["OPTIONS", "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"];

/**
 * The answer of the OPTIONS mock integration SAM adds to a REST API path (swagger.py,
 * _options_method_response_for_cors): status 200, the response template "{}\n" as body, and
 * static headers. Allow-Origin is AllowOrigin as written, whatever the request's Origin (a mock
 * cannot look at it: REST_API_CORS, "Enabling CORS for non-proxy integrations"), so a browser on
 * another origin blocks the call itself. Allow-Headers and Max-Age only when configured;
 * Allow-Credentials only when true; Allow-Methods as configured, else the path's methods plus
 * OPTIONS (ANY: every method), upper case, sorted, comma-separated (_make_cors_allowed_methods_for_path).
 */
export function restMockPreflight(config: CorsConfig, pathMethods: string[]): GatewayResponse {
  const methods = config.allowMethods.length
    ? config.allowMethods.join(",")
    : [...new Set((pathMethods.includes("ANY") ? ALL_HTTP_METHODS : [...pathMethods, "OPTIONS"]).map((m) => m.toUpperCase()))].sort().join(",");
  const headers: Record<string, string> = { "content-type": "application/json", "access-control-allow-origin": config.allowOrigins.join(",") };
  if (config.allowHeaders.length) headers["access-control-allow-headers"] = config.allowHeaders.join(",");
  headers["access-control-allow-methods"] = methods;
  if (config.maxAgeSec !== undefined) headers["access-control-max-age"] = String(config.maxAgeSec);
  if (config.allowCredentials === true) headers["access-control-allow-credentials"] = "true";
  return { status: 200, headers, body: Buffer.from("{}\n") };
}

function json(status: number, value: unknown): GatewayResponse {
  return { status, headers: { "content-type": "application/json" }, body: Buffer.from(JSON.stringify(value)) };
}

export type OptionsOutcome =
  /** Route it as any other request (the OPTIONS, ANY or `$default` route, or the gateway's own not-found answer). */
  | { kind: "route" }
  /** API Gateway answers before any function runs. */
  | { kind: "answer"; response: GatewayResponse };

/**
 * An OPTIONS request, before it reaches a function. `match` is how the route table routes it,
 * `resource` every route at its path whatever the method (RouteTable.routesAt), most specific first.
 */
export function answerOptions(headers: IncomingHttpHeaders, match: RouteMatch, resource: RouteEntry[]): OptionsOutcome {
  const first = resource[0];
  if (!first) return { kind: "route" }; // no route at this path: the gateway's unknown-path answer
  const cors = corsOf(first.route);
  const kind = gatewayKind(first.route);
  const routed = match.kind === "found";

  if (cors?.style === "rest-mock") {
    // SAM skips a path that already has an OPTIONS method (add_cors: "If OPTIONS method is already
    // present for the Path, we will skip adding CORS configuration"); every other path gets the mock,
    // which answers any OPTIONS request, preflight or not.
    if (routed && match.entry.route.method === "OPTIONS") return { kind: "route" };
    const samePath = resource.filter((e) => e.route.path === first.route.path).map((e) => e.route.method);
    return { kind: "answer", response: restMockPreflight(cors.config, samePath) };
  }

  // An HTTP API routes OPTIONS like any method: "The $default route catches requests for all methods
  // and routes that you haven't explicitly defined, including OPTIONS requests" (HTTP_API_CORS,
  // "Configuring CORS for an HTTP API with a $default route and an authorizer"), and so does an ANY
  // route; the CORS headers are then added to the function's answer (applyCorsHeaders). Without
  // such a route a configured API answers the preflight itself: "API Gateway automatically sends a
  // response to preflight OPTIONS requests, even if there isn't an OPTIONS route configured".
  const preflight = cors !== undefined && isPreflight("OPTIONS", headers);
  if (routed && !(preflight && cors.style === "function-url")) return { kind: "route" };
  if (preflight) {
    // The docs do not give the status of that answer; 204 No Content with no body, as an empty
    // success (the value the blanket preflight had before, and what browsers accept).
    return { kind: "answer", response: { status: 204, headers: gatewayHeaders(cors.config, header(headers, "origin")!, true), body: Buffer.alloc(0) } };
  }
  // No method answers OPTIONS here. REST: 403 {"message":"Missing Authentication Token"}, "An API
  // request was made to a method or resource that does not exist"
  // (https://repost.aws/knowledge-center/api-gateway-authentication-token-errors). HTTP API: 404
  // {"message":"Not Found"}; the developer guide gives no body for it, the issue's list of AWS
  // answers does. SCF: Tencent's docs are silent; the gateway's own answer for a method no route takes.
  if (kind === "rest") return { kind: "answer", response: json(403, { message: "Missing Authentication Token" }) };
  if (kind === "http") return { kind: "answer", response: json(404, { message: "Not Found" }) };
  return { kind: "route" };
}

/**
 * The function's response as the client gets it. REST (rest-mock) and APIs without CORS: untouched,
 * the function's own Access-Control-* headers included, as AWS passes them. HTTP API and function URL: "If you
 * configure CORS for an API, API Gateway ignores CORS headers returned from your backend
 * integration", and for a request with an allowed Origin "adds the configured CORS headers to the
 * response from an integration" (HTTP_API_CORS).
 */
export function applyCorsHeaders(route: HttpRoute, method: string, requestHeaders: IncomingHttpHeaders, response: GatewayResponse): GatewayResponse {
  const cors = corsOf(route);
  if (cors === undefined || cors.style === "rest-mock") return response;
  const headers = Object.fromEntries(Object.entries(response.headers).filter(([name]) => !name.toLowerCase().startsWith("access-control-")));
  const origin = header(requestHeaders, "origin");
  // "To return CORS headers, your request must contain an origin header" (HTTP_API_CORS).
  if (origin !== undefined) Object.assign(headers, gatewayHeaders(cors.config, origin, isPreflight(method, requestHeaders)));
  return { ...response, headers };
}
