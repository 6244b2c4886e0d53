import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { LogStream } from "../../protocol";
import { socketOwnerUid } from "./socketOwner";

/**
 * Lambda and SCF both cap a synchronous response at 6 MB
 * (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html); Lambda's own error
 * names the exact figure, 6291556 bytes (the docs do not), which the clouds' error text repeats.
 */
export const MAX_RESPONSE_BYTES = 6_291_556;

export interface ShimLogLine {
  stream: Exclude<LogStream, "system">;
  requestId?: string;
  time: number;
  text: string;
}

/** What an instance does with each call its runtime makes. */
export interface RuntimeApiSink {
  /** SCF's /runtime/init/ready; for Lambda the first /next means the same. */
  onReady(): void;
  /** A runtime asks for work; answer `response` now or when an invocation arrives. */
  onNext(response: ServerResponse): void;
  /** Returns false when `requestId` is not the invocation in flight. */
  onResult(requestId: string | undefined, outcome: RuntimeResult): boolean;
  onInitError(body: Buffer, errorType?: string): void;
  onLogs(lines: ShimLogLine[]): void;
  /** A caller that is not this instance's runtime was refused. */
  onRefused?(reason: string): void;
  /**
   * The runtime began a streamed response (Lambda's streaming response mode) for `requestId`: where
   * its bytes go, or undefined when that is not the invocation in flight.
   */
  onStreamBegin(requestId: string, contentType: string): StreamReceiver | undefined;
}

/** Where a streamed response's bytes go as the runtime sends them. */
export interface StreamReceiver {
  chunk(bytes: Buffer): void;
  end(ending: StreamEnding): void;
  /** The runtime streamed more than MAX_STREAMED_RESPONSE_BYTES; nothing more is passed on. */
  tooLarge(size: number): void;
}

/** How the runtime ended its stream: the error trailers (the body decoded from base64) and our shims' memory figure. */
export interface StreamEnding {
  errorType?: string;
  errorBody?: Buffer;
  memoryKb?: number;
}

/** What a streamed response tells besides its result: its content type and size. */
export interface StreamedFacts {
  contentType: string;
  bytes: number;
}

export type RuntimeResult =
  | { kind: "response"; body: Buffer; memoryKb?: number; streamed?: StreamedFacts }
  | { kind: "error"; body: Buffer; errorType?: string; memoryKb?: number; streamed?: StreamedFacts }
  | { kind: "too-large"; size: number; limit?: number };

/**
 * A streamed response may reach 200 MB, against 6 MB buffered
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-response-streaming.html). The page
 * gives no byte figure and does not say what a function that streams more gets: Faasbox counts
 * 200 MiB and fails the invocation as a buffered response over its limit fails.
 */
export const MAX_STREAMED_RESPONSE_BYTES = 200 * 1024 * 1024;

const AWS_PREFIX = "/2018-06-01/runtime";
const AWS_RESULT = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/;
/**
 * Faasbox's own shims post a result and wait for the next invocation in one exchange,
 * halving the HTTP round trips of a warm invocation. Third-party runtimes use the
 * standard endpoints above and behave exactly the same.
 */
const FAASBOX_RESULT_NEXT = /^\/faasbox\/v1\/invocation\/([^/]+)\/(response|error)\/next$/;

/**
 * One instance's runtime API, in both dialects: the Lambda Runtime API and SCF's
 * custom-runtime API, plus Faasbox's log channel for its own shims. Each instance
 * gets its own server (own port), so the caller is known without any token.
 */
export class RuntimeApiServer {
  private readonly server: Server;
  /** Whether each connection comes from the instance's own runtime, decided once per connection. */
  private readonly verdicts = new WeakMap<Socket, Promise<boolean>>();
  /** Connections handed over by acceptConnection (the agent's): the instance's own by construction. */
  private readonly accepted = new Set<Duplex>();
  private closed = false;

  /**
   * `callerUid`: the uid that owns the instance's runtime's sockets; every other caller (another
   * function, any local process) is refused. Undefined where no check is possible.
   */
  constructor(private readonly sink: RuntimeApiSink, private readonly callerUid?: number) {
    this.server = createServer((request, response) => this.admit(request, response));
    this.server.keepAliveTimeout = 0; // runtimes long-poll /next on kept-alive sockets
    this.server.requestTimeout = 0;
  }

  async listen(host: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, host, () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  /**
   * Serves a connection that did not come through a port of ours: a Runtime API connection the
   * instance's agent relays (emulator/agent/PROTOCOL.md), or any Duplex carrying HTTP/1.1 from a
   * client. Such a connection comes over the instance's private channel, so it is the instance's
   * own runtime by construction: the uid check of TCP callers does not apply to it. Works whether
   * or not the server listens (in agent mode it listens nowhere).
   */
  acceptConnection(connection: Duplex): void {
    if (this.closed) {
      connection.destroy(); // the instance is stopping: its runtime is served no more
      return;
    }
    addSocketShims(connection);
    this.accepted.add(connection);
    connection.once("close", () => this.accepted.delete(connection));
    this.server.emit("connection", connection);
  }

  close(): void {
    this.closed = true;
    this.server.close();
    this.server.closeAllConnections();
    // The http server tracks only the connections of a listening server: ours end here.
    for (const connection of this.accepted) connection.destroy();
    this.accepted.clear();
  }

  /** Serves the instance's own runtime; refuses anyone else, on the shared loopback, before reading a byte of the request. */
  private admit(request: IncomingMessage, response: ServerResponse): void {
    if (this.callerUid === undefined || this.accepted.has(request.socket)) return this.route(request, response);
    const socket = request.socket;
    let verdict = this.verdicts.get(socket);
    if (!verdict) {
      verdict = socketOwnerUid(socket).then((uid) => uid === undefined || uid === this.callerUid, () => false);
      this.verdicts.set(socket, verdict);
    }
    void verdict.then((admitted) => {
      if (admitted) return this.route(request, response);
      this.sink.onRefused?.(`${request.method} ${request.url} from a process that is not this instance's runtime (port ${socket.remotePort})`);
      response.setHeader("Connection", "close");
      reply(response, 403, { errorType: "Forbidden", errorMessage: "this runtime API serves only its own instance's runtime" });
    });
  }

  private route(request: IncomingMessage, response: ServerResponse): void {
    const url = request.url ?? "";
    const method = request.method ?? "GET";
    if (method === "GET" && (url === `${AWS_PREFIX}/invocation/next` || url === "/runtime/invocation/next")) {
      this.sink.onReady();
      this.sink.onNext(response);
      return;
    }
    if (method !== "POST") return reply(response, 404, { errorType: "NotFound", errorMessage: `${method} ${url} is not part of the runtime API` });
    const result = AWS_RESULT.exec(url);
    if (result?.[2] === "response" && header(request, "lambda-runtime-function-response-mode")?.toLowerCase() === "streaming") {
      return receiveStream(this.sink, request, response, result[1]);
    }
    readBody(request, (body, size) => {
      const combined = FAASBOX_RESULT_NEXT.exec(url);
      const aws = combined ?? AWS_RESULT.exec(url);
      if (aws || url === "/runtime/invocation/response" || url === "/runtime/invocation/error") {
        const requestId = aws ? decodeRequestId(aws[1]) : undefined;
        if (requestId === null) return reply(response, 400, { errorType: "InvalidRequestID", errorMessage: `${aws![1]} is not a valid request id` });
        const isError = aws ? aws[2] === "error" : url.endsWith("/error");
        const memoryKb = Number(request.headers["x-faasbox-memory-kb"]) || undefined;
        const errorType = header(request, "lambda-runtime-function-error-type");
        const outcome: RuntimeResult = body === undefined
          ? { kind: "too-large", size }
          : isError ? { kind: "error", body, errorType, memoryKb } : { kind: "response", body, memoryKb };
        if (!this.sink.onResult(requestId, outcome)) {
          return reply(response, 400, { errorType: "InvalidRequestID", errorMessage: `no invocation ${requestId ?? ""} is in flight on this instance` });
        }
        if (combined) {
          // Answered with the next invocation, like /next, whatever became of this result.
          this.sink.onNext(response);
          return;
        }
        if (outcome.kind === "too-large") {
          return reply(response, 413, { errorType: "RequestEntityTooLarge", errorMessage: `response of ${size} bytes exceeds the ${MAX_RESPONSE_BYTES} byte limit` });
        }
        return aws ? reply(response, 202, { status: "OK" }) : reply(response, 200, { status: "OK" });
      }
      if (url === `${AWS_PREFIX}/init/error` || url === "/runtime/init/error") {
        this.sink.onInitError(body ?? Buffer.alloc(0), header(request, "lambda-runtime-function-error-type"));
        return reply(response, 202, { status: "OK" });
      }
      if (url === "/runtime/init/ready") {
        this.sink.onReady();
        return reply(response, 200, { status: "OK" });
      }
      if (url === "/faasbox/v1/logs") {
        try {
          this.sink.onLogs(JSON.parse((body ?? Buffer.alloc(0)).toString("utf8")) as ShimLogLine[]);
          return reply(response, 204);
        } catch {
          return reply(response, 400, { errorType: "InvalidLogs", errorMessage: "expected a JSON array of log lines" });
        }
      }
      return reply(response, 404, { errorType: "NotFound", errorMessage: `POST ${url} is not part of the runtime API` });
    });
  }
}

/**
 * A streamed response: Lambda-Runtime-Function-Response-Mode: streaming on a chunked POST to
 * /response, an error after the first byte in the trailers Lambda-Runtime-Function-Error-Type and
 * Lambda-Runtime-Function-Error-Body (base64), and the connection closed once it is written
 * (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-custom.html#runtimes-custom-response-streaming).
 * Each chunk is passed on as it arrives; any runtime client may stream this way (curl too).
 */
function receiveStream(sink: RuntimeApiSink, request: IncomingMessage, response: ServerResponse, encodedId: string): void {
  const requestId = decodeRequestId(encodedId);
  const receiver = requestId === null ? undefined : sink.onStreamBegin(requestId, header(request, "content-type") ?? "application/octet-stream");
  if (!receiver) {
    request.resume();
    const errorMessage = requestId === null ? `${encodedId} is not a valid request id` : `no invocation ${requestId} is in flight on this instance`;
    return reply(response, 400, { errorType: "InvalidRequestID", errorMessage });
  }
  let size = 0;
  request.on("data", (chunk: Buffer) => {
    const before = size;
    size += chunk.length;
    if (size <= MAX_STREAMED_RESPONSE_BYTES) receiver.chunk(chunk);
    else if (before <= MAX_STREAMED_RESPONSE_BYTES) receiver.tooLarge(size);
  });
  request.on("end", () => {
    if (size > MAX_STREAMED_RESPONSE_BYTES) {
      return reply(response, 413, { errorType: "RequestEntityTooLarge", errorMessage: `streamed response of ${size} bytes exceeds the ${MAX_STREAMED_RESPONSE_BYTES} byte limit` });
    }
    const trailers = request.trailers;
    const errorBody = trailers["lambda-runtime-function-error-body"];
    receiver.end({
      errorType: trailers["lambda-runtime-function-error-type"],
      errorBody: errorBody === undefined ? undefined : Buffer.from(errorBody, "base64"),
      memoryKb: Number(trailers["x-faasbox-memory-kb"]) || undefined,
    });
    reply(response, 202, { status: "OK" });
  });
  // A stream cut short (the runtime died mid-response) ends nothing here: the instance's exit, or
  // the function's timeout, reports what became of the invocation.
  request.on("error", () => undefined);
}

/**
 * What Node's http server and ServerResponse may call on a connection beyond a Duplex's own
 * (they are written for net.Socket), added where missing. Harmless here: this server sets no
 * timeout (keepAliveTimeout, requestTimeout and timeout are 0: runtimes long-poll /next), and
 * Nagle and TCP keep-alive mean nothing on a relayed stream. The runtime is on its own loopback.
 */
function addSocketShims(connection: Duplex): void {
  const shims: Record<string, unknown> = {
    setTimeout(this: Duplex) {
      return this;
    },
    setNoDelay(this: Duplex) {
      return this;
    },
    setKeepAlive(this: Duplex) {
      return this;
    },
    ref(this: Duplex) {
      return this;
    },
    unref(this: Duplex) {
      return this;
    },
    // As net.Socket's: end, and destroy once everything written has gone out.
    destroySoon(this: Duplex) {
      if (this.writable) this.end();
      if (this.writableFinished) this.destroy();
      else this.once("finish", () => this.destroy());
    },
    remoteAddress: "127.0.0.1",
    remoteFamily: "IPv4",
    localAddress: "127.0.0.1",
  };
  for (const [name, value] of Object.entries(shims)) {
    if (!(name in connection)) Object.defineProperty(connection, name, { value, configurable: true, writable: true });
  }
}

/** The request id of a runtime API path, or null when its percent-encoding is broken. */
function decodeRequestId(encoded: string): string | null {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return null;
  }
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Collects a request body; `undefined` with the size when it passes the response limit. */
function readBody(request: IncomingMessage, done: (body: Buffer | undefined, size: number) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  request.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
  });
  request.on("end", () => done(size <= MAX_RESPONSE_BYTES ? Buffer.concat(chunks, size) : undefined, size));
  // An upload cut short (the runtime was killed mid-post) is no result: the instance's exit
  // reports what happened instead of an empty success.
  request.on("error", () => undefined);
}

export function reply(response: ServerResponse, status: number, body?: unknown): void {
  if (response.headersSent) return;
  if (body === undefined) {
    response.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) }).end(text);
}
