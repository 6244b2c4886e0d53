import { randomUUID } from "node:crypto";
import type { Duplex } from "node:stream";
import type { Failure } from "../invoke/functionError";
import type { LogRecord } from "../../protocol";
import type { StreamedFacts } from "./runtimeApiServer";
import type { ResponseStreamListener } from "./streamedResponse";

export interface InvocationOutcome {
  requestId: string;
  instanceId?: string;
  /** The runtime's response body, when it succeeded. */
  payload?: Buffer;
  failure?: Failure;
  cold: boolean;
  initMs?: number;
  durationMs: number;
  /** Time spent waiting for an instance. */
  queuedMs: number;
  maxUsedMb?: number;
  logs: LogRecord[];
  /** Set when the runtime streamed its response (Lambda's streaming response mode). */
  streamed?: StreamedFacts;
}

/**
 * A web function's request (an HTTP request or a WebSocket), passed through to its server as
 * it was sent: no event, no answer payload. The instance runs it once its server listens.
 */
export interface WebExchange {
  /**
   * Proxies the request to the server, `connect()` opening a connection to its port 9000 inside
   * the instance; resolves when the response (or the WebSocket) has ended, rejects when the
   * server broke the exchange (it reset the connection, sent no valid HTTP).
   */
  run(connect: () => Promise<Duplex>, requestId: string): Promise<void>;
  /** The instance gave up on it (timeout, exit): what is still in progress is cut. */
  abort(failure: Failure): void;
}

/** One request for a function to run, from the moment it is asked until it settles. */
export class Invocation {
  readonly requestId: string;
  readonly enqueuedAt = performance.now();
  private settled = false;
  readonly done: Promise<InvocationOutcome>;
  private resolveDone!: (outcome: InvocationOutcome) => void;

  readonly clientContext?: string;
  /** Keep the request's log lines for its outcome; off where nobody reads them (the HTTP gateway, the queue). */
  readonly keepLogs: boolean;
  /** Who takes a streamed response as it arrives; without one, a streamed response is kept whole, as Invoke returns it. */
  readonly stream?: ResponseStreamListener;

  /** Set for a web function's request (see WebExchange); its payload is then empty. */
  readonly web?: WebExchange;

  constructor(readonly payload: Buffer, options: { requestId?: string; clientContext?: string; keepLogs?: boolean; stream?: ResponseStreamListener; web?: WebExchange } = {}) {
    this.requestId = options.requestId ?? randomUUID();
    this.web = options.web;
    this.clientContext = options.clientContext;
    this.keepLogs = options.keepLogs ?? false;
    this.stream = options.stream;
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  settle(outcome: InvocationOutcome): void {
    if (this.settled) return;
    this.settled = true;
    this.resolveDone(outcome);
  }
}
