import { randomUUID } from "node:crypto";
import type { HttpRoute } from "../../project/spec";
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
  pathParameters: Record<string, string>;
  requestId: string;
  time: Date;
}

const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded|[\w.+-]+\+(json|xml)))/i;

/** API gateways pass text bodies as they are and anything else base64-encoded. */
export function encodeBody(request: GatewayRequest): { body: string; isBase64Encoded: boolean } {
  if (request.body.length === 0) return { body: "", isBase64Encoded: false };
  const type = request.headers["content-type"]?.[0] ?? "";
  if (!type || TEXT_TYPES.test(type)) return { body: request.body.toString("utf8"), isBase64Encoded: false };
  return { body: request.body.toString("base64"), isBase64Encoded: true };
}

export function parseQuery(rawQuery: string): Record<string, string[]> {
  const query: Record<string, string[]> = {};
  for (const [key, value] of new URLSearchParams(rawQuery)) (query[key] ??= []).push(value);
  return query;
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

function clf(time: Date): string {
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
  const { body, isBase64Encoded } = route.scfGateway ? scfRequestBody(route.scfGateway.base64, request.headers, request.body) : encodeBody(request);
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

/** API Gateway REST API, payload format 1.0. */
export function awsV1Event(route: HttpRoute, request: GatewayRequest): unknown {
  const query = parseQuery(request.rawQuery);
  const { body, isBase64Encoded } = encodeBody(request);
  return {
    resource: route.path,
    path: request.path,
    httpMethod: request.method,
    headers: orNull(last(request.headersAsSent)),
    multiValueHeaders: orNull(request.headersAsSent),
    queryStringParameters: orNull(last(query)),
    multiValueQueryStringParameters: orNull(query),
    pathParameters: orNull(request.pathParameters),
    stageVariables: null,
    requestContext: {
      accountId: "123456789012",
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
      stage: "Prod",
    },
    body: body === "" ? null : body,
    isBase64Encoded,
  };
}

/** API Gateway HTTP API, payload format 2.0. */
export function awsV2Event(route: HttpRoute, request: GatewayRequest): unknown {
  const { body, isBase64Encoded } = encodeBody(request);
  const { cookie, ...otherHeaders } = request.headers;
  const routeKey = route.catchAll ? "$default" : `${route.method} ${route.path}`;
  const event: Record<string, unknown> = {
    version: "2.0",
    routeKey,
    rawPath: request.path,
    rawQueryString: request.rawQuery,
    headers: joined(otherHeaders),
    requestContext: {
      accountId: "123456789012",
      apiId: "faasbox",
      domainName: request.headers.host?.[0] ?? "localhost",
      domainPrefix: "localhost",
      http: { method: request.method, path: request.path, protocol: "HTTP/1.1", sourceIp: request.sourceIp, userAgent: request.headers["user-agent"]?.[0] ?? "" },
      requestId: request.requestId,
      routeKey,
      stage: "$default",
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
    pathParameters: {},
    requestId: randomUUID(),
    time: new Date(),
  };
}
