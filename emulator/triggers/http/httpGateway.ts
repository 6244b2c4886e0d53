import { headerLists, readBody, send } from "./httpMessage";
import { randomUUID } from "node:crypto";
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { Failure } from "../../core/invoke/functionError";
import type { WebExchange } from "../../core/runtime/invocation";
import { HttpExchange, UpgradeExchange, webFailureResponse } from "./webProxy";
import { listenWithFallback, type Listening } from "../../util/listen";
import { crossSiteRefusal, hostRefusal } from "../../util/requestGuard";
import { httpEvent, type GatewayRequest } from "../events/httpEvents";
import { toInvokeResult, type InvocationReport } from "../../core/invoke/invocationReport";
import type { RouteInfo } from "../../protocol";
import type { FunctionSpec, HttpRoute, UnservedRoute } from "../../project/spec";
import { mountedPath } from "./apiMount";
import { answerOptions, applyCorsHeaders } from "./cors";
import { toHttpResponse, type GatewayResponse } from "./responseMapping";
import { decodePathSegment, RouteTable } from "./routeTable";
import { localAuthSettings, type LocalAuthSettings } from "./authorizers/localAuthSettings";
import { RouteAuthorizer } from "./authorizers/routeAuthorizer";
import { invocationRefused } from "./gatewayErrors";
import { gatewayKind } from "./gatewayKind";
import { unmatchedRoute } from "./unmatchedRoute";
import type { LogRecord } from "../../protocol";
import { gatewayTimeout, raceServiceTimeout } from "./scfServiceTimeout";

/**
 * API Gateway's own payload limit: "Payload size 10 MB", not adjustable
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html). SCF's API
 * gateway passes bodies under 16 MB to backends other than functions
 * (https://www.tencentcloud.com/document/product/628/38852); for a function the event limit
 * below decides long before that.
 */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;
/**
 * The event the gateway builds is the payload of a synchronous invocation, which both clouds cap
 * at 6 MB. Lambda: "Invocation payload (request and response): 6 MB (synchronous)", where "MB"
 * means 1,024 KB (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html), and
 * "For synchronous invocations, the maximum payload size is 6 MB"
 * (https://docs.aws.amazon.com/lambda/latest/dg/API_Invoke.html). SCF: 同步请求事件大小 6MB
 * (https://cloud.tencent.com/document/product/583/11637). A body within the gateway's 10 MB can
 * pass it once it is in the event: base64 makes bytes a third larger.
 */
const MAX_EVENT_BYTES = 6 * 1024 * 1024;
const TOPIC_PATH = /^\/_faasbox\/topics\/([^/]+)$/;
/** The gateway's own endpoints, beside the user's routes: refused to pages of other origins. */
const FAASBOX_PATHS = "/_faasbox/";

export interface GatewayTarget {
  functions(): FunctionSpec[];
  /** Routes of API definitions that no function answers: they answer 501 rather than fall through to another route. */
  unservedRoutes?(): UnservedRoute[];
  /** Runs the function with the event's bytes; the gateway decodes the answer itself. */
  invoke(name: string, event: Buffer): Promise<InvocationReport>;
  /** Publishes messages to a topic or queue; the number of functions they go to. */
  publish(topic: string, messages: string[]): Promise<number>;
  /** Writes a line to the logs (the function's, when it names one): why a response is an error. */
  log?(record: LogRecord): void;
  /** Runs a web function's request, passed through to its server (core/runtime/webInstance.ts); absent: web routes answer 501. */
  web?(name: string, exchange: WebExchange): Promise<InvocationReport>;
}

/**
 * The local API gateway: each request to a function's route becomes an event in the
 * function's dialect (SCF API gateway, REST 1.0, HTTP API 2.0), and the function's
 * answer becomes the HTTP response. POST /_faasbox/topics/NAME publishes to a topic.
 */
export class HttpGateway {
  private readonly server: Server;
  private table: RouteTable;
  /** Authorizers and API keys, run before a route's function (authorizers/routeAuthorizer.ts). */
  private readonly authorizer: RouteAuthorizer;
  url = "";

  constructor(
    private readonly target: GatewayTarget,
    private readonly options: { host?: string; port: number; portFallback?: boolean; /** Host names accepted besides loopback ones (--allowed-host). */ allowedHosts?: readonly string[]; /** Local JWKS and API keys; default: FAASBOX_JWKS and FAASBOX_API_KEYS. */ auth?: LocalAuthSettings; /** Another service answering by Host name on this port (function URLs: NAME.lambda-url.localhost). */ virtualHost?: (host: string | undefined) => ((request: IncomingMessage, response: ServerResponse) => void) | undefined },
  ) {
    this.table = this.routeTable();
    this.authorizer = new RouteAuthorizer(target, options.auth ?? localAuthSettings());
    this.server = createServer((request, response) => void this.handle(request, response));
    this.server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => void this.upgrade(request, socket, head));
    this.server.keepAliveTimeout = 65_000;
  }

  async listen(): Promise<Listening> {
    const host = this.options.host ?? "127.0.0.1";
    const listening = await listenWithFallback(this.server, this.options.port, host, this.options.portFallback ?? false, "HTTP gateway", "--http-port (the faasbox.httpPort setting in VS Code)");
    this.url = `http://${host}:${listening.port}`;
    return listening;
  }

  /** Functions or their routes changed. */
  refresh(): void {
    this.table = this.routeTable();
  }

  private routeTable(): RouteTable {
    return new RouteTable(this.target.functions(), this.target.unservedRoutes?.() ?? []);
  }

  /** `path` is the route's own (as the manifest writes it); `url` is where it is served, its API's stage first (apiMount.ts). */
  routes(): RouteInfo[] {
    const info = (fn: string, route: HttpRoute, web?: boolean): RouteInfo => ({
      function: fn, method: route.method, path: route.path, url: `${this.url}${mountedPath(route)}`, payload: route.payload, ...(route.api ? { api: route.api.id } : {}), ...(web ? { web } : {}),
    });
    return [
      ...this.table.entries().map(({ fn, route }) => info(fn.name, route, fn.web !== undefined)),
      ...this.table.unserved().map((u) => ({ ...info("", u.route), unsupported: u.reason })),
    ];
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // Before the body is read and before anything runs: every route (DNS rebinding), and
    // the /_faasbox/ endpoints against pages of other origins too. The user's routes keep
    // API Gateway's behaviour, any Origin and CORS as configured (see util/requestGuard).
    const refusal = hostRefusal(request.headers.host, { bindHost: this.options.host, allowedHosts: this.options.allowedHosts }) ??
      ((request.url ?? "/").startsWith(FAASBOX_PATHS) ? crossSiteRefusal(request.headers, { name: "the gateway's /_faasbox/ endpoints", effect: "publish messages to your topics and queues" }) : undefined);
    if (refusal) return send(response, json(refusal.status, { message: refusal.message }));
    const byHost = this.options.virtualHost?.(request.headers.host);
    if (byHost) return byHost(request, response);
    try {
      const body = await readBody(request, MAX_REQUEST_BYTES);
      if (body === undefined) return send(response, json(413, { message: `Request too large: the limit is ${MAX_REQUEST_BYTES} bytes` }));
      const url = request.url ?? "/";
      const queryAt = url.indexOf("?");
      const path = queryAt < 0 ? url : url.slice(0, queryAt);
      const rawQuery = queryAt < 0 ? "" : url.slice(queryAt + 1);
      const method = (request.method ?? "GET").toUpperCase();

      const topic = TOPIC_PATH.exec(path);
      if (topic && method === "POST") {
        const name = decodePathSegment(topic[1]);
        return send(response, name === undefined ? malformedPath(topic[1]) : await this.publish(name, body));
      }

      const match = this.table.match(method, path);
      if (match.kind === "malformed") return send(response, malformedPath(match.segment));
      if (method === "OPTIONS") {
        // CORS as the route's API configures it, or none (see ./cors).
        const outcome = answerOptions(request.headers, match, this.table.routesAt(path));
        if (outcome.kind === "answer") return send(response, outcome.response);
      }
      if (match.kind === "not-found") {
        const unmatched = unmatchedRoute(method, path, [], this.table.entries().map((e) => e.route));
        return send(response, unmatched ?? json(404, { message: "Not Found", path, routes: this.routes().map((r) => `${r.method} ${r.path} → ${r.function}`) }), method === "HEAD");
      }
      if (match.kind === "method-not-allowed") {
        const unmatched = unmatchedRoute(method, path, match.routes, []);
        return send(response, unmatched ?? json(405, { message: `Method ${method} not allowed on ${path}; allowed: ${match.allowed.join(", ")}` }), method === "HEAD");
      }
      if (match.kind === "unsupported") return send(response, unsupportedIntegration(match.unserved));
      const { entry, pathParameters } = match;
      if (entry.fn.web) return await this.passToWebFunction(entry.fn, new HttpExchange(entry.fn, request, response, body), response);
      const gatewayRequest: GatewayRequest = {
        method, path, rawQuery, headers: headerLists(request, (name) => name.toLowerCase()), headersAsSent: headerLists(request, (name) => name), body,
        sourceIp: request.socket.remoteAddress?.replace(/^::ffff:/, "") ?? "127.0.0.1", port: request.socket.localPort ?? 0,
        pathParameters, requestId: randomUUID(), time: new Date(),
      };
      const eventValue = httpEvent(entry.route, gatewayRequest);
      const refused = await this.authorizer.check(entry.route, gatewayRequest, eventValue);
      if (refused) return send(response, refused);
      const event = Buffer.from(JSON.stringify(eventValue));
      if (event.length > MAX_EVENT_BYTES) return send(response, eventTooLarge(entry.route, entry.fn.name, event.length));
      // SCF routes: the gateway's own serviceTimeout may end the wait before the function does.
      const report = await raceServiceTimeout(entry.route, this.target.invoke(entry.fn.name, event));
      if (!report) return send(response, gatewayTimeout(entry.route, entry.fn.name), method === "HEAD");
      const result = toInvokeResult(report.answered);
      // CORS headers on actual responses as the route's API adds them (HTTP APIs; REST leaves them to the function).
      const mapped = applyCorsHeaders(entry.route, method, request.headers, toHttpResponse(entry.route, result, { accept: request.headers.accept }));
      mapped.headers["x-faasbox-request-id"] = result.requestId;
      if (mapped.diagnosis) this.target.log?.({ function: entry.fn.name, requestId: result.requestId, stream: "system", time: Date.now(), text: `HTTP gateway: ${mapped.status} to ${method} ${path}: ${mapped.diagnosis}` });
      send(response, mapped, method === "HEAD");
    } catch (error) {
      send(response, json(500, { message: "Faasbox gateway error", reason: (error as Error).message }));
    }
  }

  /**
   * A web function's request: no event, no mapping; the exchange passes it through to the server
   * and streams its answer back. What failed before the server answered is answered here.
   */
  private async passToWebFunction(fn: FunctionSpec, exchange: HttpExchange | UpgradeExchange, response?: ServerResponse): Promise<void> {
    if (!this.target.web) {
      if (response) send(response, json(501, { message: `${fn.name} is a web function, which this gateway does not run` }));
      return;
    }
    const report = await this.target.web(fn.name, exchange);
    if (report.ok || !report.error) return;
    const failure = { kind: report.errorKind ?? "platform", error: report.error } as Failure;
    if (response && !response.headersSent && !response.writableEnded) send(response, webFailureResponse(fn, failure));
    else if (!response) exchange.abort(failure);
  }

  /** A WebSocket (Upgrade) request: a web function's route passes it through; anything else is refused. */
  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on("error", () => socket.destroy());
    const refuse = (status: number, message: string) => {
      const body = JSON.stringify({ message });
      socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    };
    // The same guard as every request: a page on another site may open a WebSocket to a user's
    // route as the cloud allows, but never through a host name it rebinds to this machine.
    const refusal = hostRefusal(request.headers.host, { bindHost: this.options.host, allowedHosts: this.options.allowedHosts });
    if (refusal) return refuse(refusal.status, refusal.message);
    const url = request.url ?? "/";
    const queryAt = url.indexOf("?");
    const match = this.table.match((request.method ?? "GET").toUpperCase(), queryAt < 0 ? url : url.slice(0, queryAt));
    if (match.kind !== "found") return refuse(404, "Not Found");
    if (!match.entry.fn.web) return refuse(426, `${match.entry.fn.name} is an event function: only a web function's route takes a WebSocket`);
    try {
      await this.passToWebFunction(match.entry.fn, new UpgradeExchange(match.entry.fn, request, socket, head));
    } catch {
      socket.destroy();
    }
  }

  private async publish(topic: string, body: Buffer): Promise<GatewayResponse> {
    const text = body.toString("utf8");
    let messages = [text];
    try {
      const parsed = JSON.parse(text) as unknown;
      // {"messages": [...]} publishes a batch; anything else is one message as sent.
      if (parsed && typeof parsed === "object" && Array.isArray((parsed as { messages?: unknown }).messages)) {
        messages = (parsed as { messages: unknown[] }).messages.map((m) => (typeof m === "string" ? m : JSON.stringify(m)));
      }
    } catch {
      // plain text message
    }
    const subscribers = await this.target.publish(topic, messages);
    return json(202, { topic, messages: messages.length, subscribers });
  }
}

/** A path that cannot be decoded (see decodePathSegment): a client error, before anything runs. */
function malformedPath(segment: string): GatewayResponse {
  return json(400, {
    message: `Bad Request: malformed percent-encoding in the path segment ${JSON.stringify(segment.slice(0, 200))}: each % must start a two-hex-digit escape, and the escaped bytes must be UTF-8`,
  });
}

/**
 * The cloud refuses an event over its synchronous limit before the function runs. Lambda: "If
 * the Lambda API rejects the invocation request, API Gateway returns a 500 error code ... the
 * body of the response from API Gateway is {"message": "Internal server error"}"
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway-errors.html); Lambda's error
 * for it is RequestTooLargeException, "The request payload exceeded the Invoke request body JSON
 * input quota" (https://docs.aws.amazon.com/botocore/latest/reference/services/lambda/client/exceptions/RequestTooLargeException.html).
 * SCF's invocation fails with status 406 RequestTooLarge
 * (https://www.tencentcloud.com/document/product/583/35311), but its docs do not say what its API
 * gateway then answers the client: Faasbox answers 413 Payload Too Large.
 */
function eventTooLarge(route: HttpRoute, fn: string, size: number): GatewayResponse {
  const why = `the event is ${size} bytes, over the ${MAX_EVENT_BYTES}-byte limit of a synchronous invocation`;
  const kind = gatewayKind(route);
  return kind === "scf"
    ? json(413, { message: "Request Entity Too Large", reason: `SCF refused the invocation (406 RequestTooLarge): ${why}`, function: fn })
    : invocationRefused(kind, `Lambda refused the invocation of ${fn} (RequestTooLargeException): ${why}`);
}

/**
 * A route whose integration Faasbox cannot run (a mock, an HTTP proxy): 501, with why in
 * x-faasbox-error (kept to printable ASCII, as a header value must be), never another route's answer.
 */
function unsupportedIntegration(unserved: UnservedRoute): GatewayResponse {
  const response = json(501, { message: "Not Implemented" });
  const why = `${unserved.route.method} ${unserved.route.path}${unserved.route.api ? ` of ${unserved.route.api.id}` : ""} is not run locally: ${unserved.reason} (${unserved.source.file}:${unserved.source.line})`;
  response.headers["x-faasbox-error"] = why.replace(/[^\x20-\x7e]/g, "?");
  return response;
}

function json(status: number, value: unknown): GatewayResponse {
  return { status, headers: { "content-type": "application/json" }, body: Buffer.from(JSON.stringify(value)) };
}
