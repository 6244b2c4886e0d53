import { randomUUID } from "node:crypto";
import { LOCAL_ACCOUNT_ID } from "../../project/localAccount";
import type { HttpRoute } from "../../project/spec";
import { pathWithoutStage } from "../http/apiMount";
import { httpApiRequestIsBinary, restRequestIsBinary } from "../http/binaryMedia";
import { gatewayKind } from "../http/gatewayKind";
import { scfRequestBody } from "./scfRequestBody";

/** An HTTP request as the gateway saw it, before it is shaped for a cloud. */
export interface GatewayRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Raw query string without "?". */
  rawQuery: string;
  /** Header names lower-cased, values in arrival order. */
  headers: Record<string, string[]>;
  /** The same headers with their names as the client wrote them: REST APIs (1.0) pass those on. */
  headersAsSent: Record<string, string[]>;
  body: Buffer;
  sourceIp: string;
  /** The gateway's port the client connected to, for X-Forwarded-Port. */
  port: number;
  pathParameters: Record<string, string>;
  requestId: string;
  time: Date;
}

const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded|[\w.+-]+\+(json|xml)))/i;

/**
 * The request body as the route's gateway puts it in the event: as text, or base64-encoded with
 * isBase64Encoded. AWS APIs decide by the Content-Type alone (REST: the API's binary media
 * types; HTTP API: its fixed text types; see binaryMedia). SCF's API gateway: text types as they
 * are, anything else base64-encoded (unchanged; SCF is outside this rule).
 */
export function encodeBody(route: HttpRoute, request: GatewayRequest): { body: string; isBase64Encoded: boolean } {
  if (request.body.length === 0) return { body: "", isBase64Encoded: false };
  const type = request.headers["content-type"]?.[0];
  const kind = gatewayKind(route);
  const binary =
    kind === "rest" ? restRequestIsBinary(type, route.api?.binaryMediaTypes) : kind === "http" ? httpApiRequestIsBinary(type) : Boolean(type) && !TEXT_TYPES.test(type ?? "");
  return binary ? { body: request.body.toString("base64"), isBase64Encoded: true } : { body: request.body.toString("utf8"), isBase64Encoded: false };
}

export function parseQuery(rawQuery: string): Record<string, string[]> {
  const query: Record<string, string[]> = {};
  for (const [key, value] of new URLSearchParams(rawQuery)) (query[key] ??= []).push(value);
  return query;
}

/**
 * The headers API Gateway adds to what the client sent: "X-Forwarded-For", "X-Forwarded-Port",
 * "X-Forwarded-Proto", as in the event examples of REST APIs
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format)
 * and HTTP APIs, where every name is lower case
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html).
 * The client's address is appended to an X-Forwarded-For the client sent, as proxies do; the
 * port and protocol replace any the client sent (the docs are silent on both). Locally the
 * protocol is http and the port the gateway's.
 */
export function withForwardedHeaders(headers: Record<string, string[]>, request: GatewayRequest, lowerCase: boolean): Record<string, string[]> {
  const name = (canonical: string) => (lowerCase ? canonical.toLowerCase() : canonical);
  const sent = (canonical: string) => Object.keys(headers).filter((key) => key.toLowerCase() === canonical.toLowerCase());
  const forwardedFor = sent("X-Forwarded-For").flatMap((key) => headers[key]);
  const result = Object.fromEntries(Object.entries(headers).filter(([key]) => !/^x-forwarded-(for|port|proto)$/i.test(key)));
  result[name("X-Forwarded-For")] = [[...forwardedFor, request.sourceIp].join(", ")];
  result[name("X-Forwarded-Port")] = [String(request.port)];
  result[name("X-Forwarded-Proto")] = ["http"];
  return result;
}

function last(values: Record<string, string[]>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v[v.length - 1]]));
}

function joined(values: Record<string, string[]>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.join(",")]));
}

function orNull<T extends object>(value: T): T | null {
  return Object.keys(value).length ? value : null;
}

export function clf(time: Date): string {
  // API Gateway's requestTime: 09/Apr/2015:12:34:56 +0000
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(time.getUTCDate())}/${months[time.getUTCMonth()]}/${time.getUTCFullYear()}:${pad(time.getUTCHours())}:${pad(time.getUTCMinutes())}:${pad(time.getUTCSeconds())} +0000`;
}

/**
 * SCF's API gateway event (集成请求事件消息结构), field by field as the documented example has it
 * (https://cloud.tencent.com/document/product/583/12513; the same example in
 * https://www.serverless.com/framework/docs/providers/tencent/events/apigateway). Where the docs
 * are silent, the comments say what Faasbox chose.
 */
export function scfApigwEvent(route: HttpRoute, request: GatewayRequest): unknown {
  const query = parseQuery(request.rawQuery);
  // Routes of Faasbox's own faasbox.yml have no gateway settings and keep guessing binary bodies;
  // routes read from Tencent's manifests encode only as configured.
  const { body, isBase64Encoded } = route.scfGateway ? scfRequestBody(route.scfGateway.base64, request.headers, request.body) : encodeBody(route, request);
  const stage = route.api?.stage ?? "release";
  return {
    requestContext: {
      // The docs' example: "service-f94sy04v"; the manifest's serviceId (or service name) when it has one.
      serviceId: route.api?.id ?? "service-faasbox",
      // The API's path as declared ("/test/{path}"), not the request's.
      path: route.path,
      httpMethod: request.method,
      requestId: request.requestId,
      // {secretId} only for APIs with key authentication, which is not emulated.
      identity: {},
      sourceIp: request.sourceIp,
      stage,
    },
    // The example's names are capitalised as a client sent them; the docs do not say whether the
    // gateway normalises them. Faasbox lower-cases them, and a repeated header keeps its last value.
    headers: last(request.headers),
    body,
    // Not in the documented example; set so a function can tell a Base64-encoded body (628/51799).
    isBase64Encoded,
    pathParameters: request.pathParameters,
    // The example lists fewer keys here than in queryString; the docs do not say why. Every key, last value.
    queryStringParameters: last(query),
    // Front-end header parameters (`param` with position HEADER) are not emulated.
    headerParameters: {},
    // The example's stageVariables: {"stage": "release"}.
    stageVariables: route.api?.stageVariables ?? { stage },
    path: request.path,
    // SCF keeps repeated keys as arrays here.
    queryString: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, v.length === 1 ? v[0] : v])),
    httpMethod: request.method,
  };
}

/**
 * Payload format 1.0: a REST API's event, or an HTTP API's with payload format 1.0, which adds
 * "version": "1.0" and lower-cases every header name ("All header names are lowercase", with the
 * 1.0 example, https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html).
 * A REST API passes header names as the client wrote them.
 */
export function awsV1Event(route: HttpRoute, request: GatewayRequest): unknown {
  const query = parseQuery(request.rawQuery);
  const { body, isBase64Encoded } = encodeBody(route, request);
  const httpApi = gatewayKind(route) === "http";
  const headers = withForwardedHeaders(httpApi ? request.headers : request.headersAsSent, request, httpApi);
  return {
    ...(httpApi ? { version: "1.0" } : {}),
    resource: route.path,
    // Without the stage; requestContext.path keeps it (see pathWithoutStage).
    path: pathWithoutStage(route.api, request.path),
    httpMethod: request.method,
    headers: orNull(last(headers)),
    multiValueHeaders: orNull(headers),
    queryStringParameters: orNull(last(query)),
    multiValueQueryStringParameters: orNull(query),
    pathParameters: orNull(request.pathParameters),
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format
    stageVariables: route.api?.stageVariables ?? null,
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: "faasbox",
      domainName: request.headers.host?.[0] ?? "localhost",
      domainPrefix: "localhost",
      extendedRequestId: request.requestId,
      httpMethod: request.method,
      identity: { sourceIp: request.sourceIp, userAgent: request.headers["user-agent"]?.[0] ?? null },
      path: request.path,
      protocol: "HTTP/1.1",
      requestId: request.requestId,
      requestTime: clf(request.time),
      requestTimeEpoch: request.time.getTime(),
      resourceId: "faasbox",
      resourcePath: route.path,
      stage: route.api?.stage ?? "Prod",
    },
    body: body === "" ? null : body,
    isBase64Encoded,
  };
}

/** API Gateway HTTP API, payload format 2.0. */
export function awsV2Event(route: HttpRoute, request: GatewayRequest): unknown {
  const { body, isBase64Encoded } = encodeBody(route, request);
  const { cookie, ...otherHeaders } = request.headers;
  const routeKey = route.catchAll ? "$default" : `${route.method} ${route.path}`;
  const event: Record<string, unknown> = {
    version: "2.0",
    routeKey,
    rawPath: request.path,
    rawQueryString: request.rawQuery,
    headers: joined(withForwardedHeaders(otherHeaders, request, true)),
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: "faasbox",
      domainName: request.headers.host?.[0] ?? "localhost",
      domainPrefix: "localhost",
      http: { method: request.method, path: request.path, protocol: "HTTP/1.1", sourceIp: request.sourceIp, userAgent: request.headers["user-agent"]?.[0] ?? "" },
      requestId: request.requestId,
      routeKey,
      stage: route.api?.stage ?? "$default",
      time: clf(request.time),
      timeEpoch: request.time.getTime(),
    },
    isBase64Encoded,
  };
  if (cookie) event.cookies = cookie.flatMap((c) => c.split(";").map((part) => part.trim()).filter(Boolean));
  const query = parseQuery(request.rawQuery);
  if (Object.keys(query).length) event.queryStringParameters = joined(query);
  if (Object.keys(request.pathParameters).length) event.pathParameters = request.pathParameters;
  if (body !== "") event.body = body;
  // Present when the stage has variables: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
  if (route.api?.stageVariables) event.stageVariables = route.api.stageVariables;
  return event;
}

export function httpEvent(route: HttpRoute, request: GatewayRequest): unknown {
  switch (route.payload) {
    case "scf":
      return scfApigwEvent(route, request);
    case "aws-v1":
      return awsV1Event(route, request);
    case "aws-v2":
      return awsV2Event(route, request);
  }
}

/** A plausible request for sample events and templates. */
export function sampleRequest(method = "GET", path = "/hello", rawQuery = "name=faasbox"): GatewayRequest {
  return {
    method,
    path,
    rawQuery,
    headers: { host: ["localhost:3000"], "user-agent": ["curl/8.0"], accept: ["*/*"] },
    headersAsSent: { Host: ["localhost:3000"], "User-Agent": ["curl/8.0"], Accept: ["*/*"] },
    body: Buffer.alloc(0),
    sourceIp: "127.0.0.1",
    port: 3000,
    pathParameters: {},
    requestId: randomUUID(),
    time: new Date(),
  };
}
