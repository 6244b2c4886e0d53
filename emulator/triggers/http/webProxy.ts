import { request as httpRequest, STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { Failure } from "../../core/invoke/functionError";
import type { WebExchange } from "../../core/runtime/invocation";
import type { FunctionSpec } from "../../project/spec";
import type { GatewayResponse } from "./gatewayResponse";
import { headerText } from "./scfResponse";

/**
 * Headers the gateway and SCF's proxy set on every request to a web function's server, which a
 * client cannot set: "函数公共请求头 ... 以下字段均不支持自定义" X-Scf-Request-Id, X-Scf-Memory,
 * X-Scf-Timeout, X-Scf-Version, X-Scf-Name, X-Scf-Namespace, X-Scf-Region
 * (https://cloud.tencent.com/document/product/583/56124; the table goes on with account fields this
 * emulator has no values for, which Faasbox leaves out). The table gives no units: Faasbox sends MB
 * and milliseconds, as SCF's custom-runtime API does (memory_limit_in_mb, time_limit_in_ms).
 */
export function scfWebHeaders(spec: FunctionSpec, requestId: string): Array<[string, string]> {
  return [
    ["X-Scf-Request-Id", requestId],
    ["X-Scf-Memory", String(spec.memoryMb)],
    ["X-Scf-Timeout", String(spec.timeoutSec * 1000)],
    ["X-Scf-Version", "$LATEST"],
    ["X-Scf-Name", spec.name],
    ["X-Scf-Namespace", spec.namespace],
    ["X-Scf-Region", spec.region],
  ];
}

/**
 * What the client sent that the server never sees: "部分 Header 字段将由 API 网关自动填入, 不支持用户自定义配置:
 * connection 字段, X-SCF- 开头的自定义字段" (https://www.tencentcloud.com/zh/document/product/583/40678),
 * and the hop-by-hop headers of the client's own connection (RFC 9110, 7.6.1), which the proxy's
 * connection to the server replaces.
 */
const DROPPED_REQUEST_HEADERS = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "content-length"]);
const DROPPED_RESPONSE_HEADERS = new Set(["connection", "keep-alive", "transfer-encoding", "trailer"]);

/** The client's headers as it wrote them (names' case kept, repeats kept), less what the proxy drops. */
function passedHeaders(raw: string[], keepUpgrade: boolean): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (name.startsWith("x-scf-")) continue;
    if (DROPPED_REQUEST_HEADERS.has(name) && !(keepUpgrade && (name === "connection" || name === "upgrade"))) continue;
    headers.push([raw[i], raw[i + 1]]);
  }
  return headers;
}

/**
 * One HTTP request passed through to a web function's server: method, path and query, headers
 * and body as the client sent them (plus SCF's headers), and the server's response streamed back
 * as it writes it (a chunked or event-stream answer reaches the client chunk by chunk).
 */
export class HttpExchange implements WebExchange {
  private upstream?: ReturnType<typeof httpRequest>;

  constructor(
    private readonly spec: FunctionSpec,
    private readonly request: IncomingMessage,
    private readonly response: ServerResponse,
    private readonly body: Buffer,
  ) {}

  async run(connect: () => Promise<Duplex>, requestId: string): Promise<void> {
    const connection = await connect();
    if (this.response.destroyed) {
      connection.destroy();
      return;
    }
    const headers = [
      ...passedHeaders(this.request.rawHeaders, false),
      ...scfWebHeaders(this.spec, requestId),
      // One connection per request through the agent: the server closes it when it has answered.
      ["Connection", "close"],
      ["Content-Length", String(this.body.length)],
    ];
    await new Promise<void>((resolve, reject) => {
      const upstream = httpRequest({ method: this.request.method, path: this.request.url, headers: headers.flat(), createConnection: () => connection as never });
      this.upstream = upstream;
      upstream.on("response", (answer) => {
        const kept: string[] = [];
        for (let i = 0; i < answer.rawHeaders.length; i += 2) {
          if (!DROPPED_RESPONSE_HEADERS.has(answer.rawHeaders[i].toLowerCase())) kept.push(answer.rawHeaders[i], answer.rawHeaders[i + 1]);
        }
        kept.push("x-faasbox-request-id", requestId);
        this.response.writeHead(answer.statusCode ?? 502, answer.statusMessage, kept);
        this.response.flushHeaders();
        // Each chunk goes out as it comes (with the client's backpressure): an event stream is not held back.
        answer.pipe(this.response);
        this.response.once("finish", () => resolve());
        answer.on("aborted", () => reject(new Error("the server closed the connection before its response ended")));
        answer.on("error", reject);
      });
      upstream.on("error", (error) => reject(new Error(`${error.message} (port 9000 inside the instance)`)));
      // The client went away: nothing more to pass on, and the request has ended for it.
      this.response.on("close", () => {
        if (!this.response.writableFinished) {
          upstream.destroy();
          resolve();
        }
      });
      upstream.end(this.body);
    });
  }

  abort(failure: Failure): void {
    this.upstream?.destroy();
    // Answered in part: the client sees its response cut. Not yet: the gateway answers with the failure.
    if (this.response.headersSent) this.response.destroy();
    else if (!this.response.writableEnded) sendResponse(this.response, webFailureResponse(this.spec, failure));
  }
}

/**
 * A WebSocket (an Upgrade request): the request goes to the server as sent, then bytes flow both
 * ways unchanged until either side closes. Its lifetime is one invocation of the function, as in
 * SCF ("WebSocket 一次连接的生命周期, 等同于一次函数调用请求": https://www.tencentcloud.com/zh/document/product/583/44842).
 */
export class UpgradeExchange implements WebExchange {
  private connection?: Duplex;

  constructor(
    private readonly spec: FunctionSpec,
    private readonly request: IncomingMessage,
    private readonly socket: Duplex,
    private readonly head: Buffer,
  ) {}

  async run(connect: () => Promise<Duplex>, requestId: string): Promise<void> {
    const connection = await connect();
    this.connection = connection;
    if (this.socket.destroyed) {
      connection.destroy();
      return;
    }
    const lines = [
      `${this.request.method} ${this.request.url} HTTP/1.1`,
      ...[...passedHeaders(this.request.rawHeaders, true), ...scfWebHeaders(this.spec, requestId)].map(([name, value]) => `${name}: ${value}`),
    ];
    connection.write(`${lines.join("\r\n")}\r\n\r\n`);
    if (this.head.length) connection.write(this.head);
    await new Promise<void>((resolve) => {
      const done = () => {
        connection.destroy();
        this.socket.destroy();
        resolve();
      };
      connection.pipe(this.socket);
      this.socket.pipe(connection);
      connection.once("close", done);
      this.socket.once("close", done);
      connection.on("error", done);
      this.socket.on("error", done);
    });
  }

  abort(failure: Failure): void {
    if (!this.connection && !this.socket.destroyed) {
      const answer = webFailureResponse(this.spec, failure);
      const head = [`HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? "Function Error"}`, ...Object.entries(answer.headers).map(([k, v]) => `${k}: ${v}`), `content-length: ${answer.body.length}`, "connection: close"];
      this.socket.end(Buffer.concat([Buffer.from(`${head.join("\r\n")}\r\n\r\n`), answer.body]));
      return;
    }
    this.connection?.destroy();
    this.socket.destroy();
  }
}

/**
 * The status a client gets when a web function's request fails before its server answered, with
 * SCF's function status codes (云函数状态码, https://cloud.tencent.com/document/product/583/42611):
 * 405 ContainerStateExited (scf_bootstrap did not start, or the server exited: "如遇到 405 错误码信息,
 * 通常为执行文件无法..." https://cloud.tencent.com/document/product/583/56126), 432 ResourceLimitReached,
 * 433 TimeLimitReached, 434 MemoryLimitReached. The docs do not say what API Gateway's client then
 * receives; Faasbox answers that status with a JSON body naming the error. A server that broke the
 * exchange (reset the connection, answered no HTTP) gets 502 Bad Gateway (the docs are silent).
 */
export function webFailureResponse(spec: FunctionSpec, failure: Failure): GatewayResponse {
  const [status, code] = (() => {
    switch (failure.kind) {
      case "timeout": return [433, "TimeLimitReached"] as const;
      case "oom": return [434, "MemoryLimitReached"] as const;
      case "throttle": return [432, "ResourceLimitReached"] as const;
      case "init":
      case "exit": return [405, "ContainerStateExited"] as const;
      case "function": return [502, "Bad Gateway"] as const;
      default: return [500, "InternalError"] as const;
    }
  })();
  const body = { errorCode: status, errorMessage: `${code}: ${failure.error.errorMessage}`, function: spec.name };
  return {
    status,
    headers: { "content-type": "application/json", "x-faasbox-error": headerText(`${failure.error.errorType}: ${failure.error.errorMessage}`) },
    body: Buffer.from(JSON.stringify(body)),
  };
}

function sendResponse(response: ServerResponse, answer: GatewayResponse): void {
  response.writeHead(answer.status, { ...answer.headers, "content-length": answer.body.length });
  response.end(answer.body);
}
