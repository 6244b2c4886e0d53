import { randomUUID } from "node:crypto";
import type { HttpRoute } from "../../project/spec";
import { httpApiRequestIsBinary, restRequestIsBinary } from "../http/binaryMedia";
import { gatewayKind } from "../http/gatewayKind";

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

/** SCF's API gateway event (integrated request). */
export function scfApigwEvent(route: HttpRoute, request: GatewayRequest): unknown {
  const query = parseQuery(request.rawQuery);
  const { body, isBase64Encoded } = encodeBody(route, request);
  const headers = last(request.headers);
  return {
    requestContext: {
      serviceId: "service-faasbox",
      path: route.path,
      httpMethod: request.method,
      requestId: request.requestId,
      identity: {},
      sourceIp: request.sourceIp,
      stage: "release",
    },
    headers,
    body,
    isBase64Encoded,
    pathParameters: request.pathParameters,
    queryStringParameters: last(query),
    headerParameters: {},
    stageVariables: { stage: "release" },
    path: request.path,
    // SCF keeps repeated keys as arrays here.
    queryString: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, v.length === 1 ? v[0] : v])),
    httpMethod: request.method,
  };
}

/** API Gateway REST API, payload format 1.0. */
export function awsV1Event(route: HttpRoute, request: GatewayRequest): unknown {
  const query = parseQuery(request.rawQuery);
  const { body, isBase64Encoded } = encodeBody(route, request);
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
  const { body, isBase64Encoded } = encodeBody(route, request);
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
