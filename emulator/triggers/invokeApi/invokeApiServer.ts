import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { listenWithFallback } from "../../util/listen";
import { crossSiteRefusal, hostRefusal } from "../../util/requestGuard";
import { ApiError, apiErrors, PAYLOAD_LIMITS } from "./apiError";
import type { InvokeApiTarget } from "./invokeApiTarget";
import { parseInvokeRequest } from "./invokeRequest";
import { errorResponse, resultResponse, type ApiResponse } from "./invokeResponse";
import { readBody } from "./readBody";
import { StreamingAnswer } from "./streamingAnswer";

export type { InvokeApiTarget } from "./invokeApiTarget";

export interface InvokeApiServerOptions {
  /** Default 127.0.0.1: requests are not authenticated, so keep it off other interfaces. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** When `port` is busy, take a free one (a default port, not the user's choice). */
  portFallback?: boolean;
  /** Host names accepted besides loopback ones (`--allowed-host`); see util/requestGuard. */
  allowedHosts?: readonly string[];
}

/**
 * Lambda's Invoke operation (POST /2015-03-31/functions/{FunctionName}/invocations),
 * so the AWS CLI and SDKs pointed at --endpoint-url invoke local functions.
 * Requests are SigV4-signed by those clients; there are no real credentials to check
 * them against, so the Authorization header is accepted whatever it holds, or absent.
 */
export class InvokeApiServer {
  private readonly server: Server;
  url = "";

  constructor(private readonly target: InvokeApiTarget, private readonly options: InvokeApiServerOptions) {
    this.server = createServer((request, response) => void this.handle(request, response));
  }

  async listen(): Promise<string> {
    const host = this.options.host ?? "127.0.0.1";
    const { port, busyPort } = await listenWithFallback(this.server, this.options.port, host, this.options.portFallback ?? false, "Lambda Invoke API", "--invoke-port (the faasbox.invokePort setting in VS Code)");
    this.busyPort = busyPort;
    this.url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
    return this.url;
  }

  /** The wanted port, when it was busy and another was taken. */
  busyPort?: number;

  /** Stops accepting requests; invocations in flight still get their answers. */
  async close(): Promise<void> {
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let reply: ApiResponse | undefined;
    try {
      reply = await this.serve(request, response);
      if (!reply) return; // answered as a stream
    } catch (error) {
      const apiError = error instanceof ApiError ? error : apiErrors.service(`Faasbox could not invoke the function: ${(error as Error).message}`);
      reply = errorResponse(apiError, randomUUID());
    }
    if (response.destroyed || response.headersSent) return; // the client went away
    const headers: Record<string, string | number> = { ...reply.headers };
    if (reply.status !== 204) headers["Content-Length"] = Buffer.byteLength(reply.body);
    try {
      response.writeHead(reply.status, headers).end(reply.body);
    } catch {
      // A header Node refuses (a request id with odd characters) must not take the emulator down.
      response.destroy();
    }
  }

  /** The answer to send, or undefined once an InvokeWithResponseStream request has been answered on `response`. */
  private async serve(request: IncomingMessage, response: ServerResponse): Promise<ApiResponse | undefined> {
    // Before anything is parsed or run: a page open in the user's browser may neither
    // reach this API through a rebound DNS name nor send it a cross-site request (a
    // no-cors fetch or a form runs the function even though the page cannot read the
    // answer). The AWS CLI, the SDKs and curl send no Origin or Sec-Fetch-Site.
    const refusal = hostRefusal(request.headers.host, { bindHost: this.options.host, allowedHosts: this.options.allowedHosts }) ??
      crossSiteRefusal(request.headers, { name: "the Lambda Invoke API", effect: "run your functions" });
    // Lambda's shape, so the CLI prints "An error occurred (AccessDeniedException) …: <why>".
    if (refusal) throw new ApiError(refusal.status, "AccessDeniedException", refusal.message);
    const invoke = parseInvokeRequest(request.method ?? "GET", request.url ?? "/", request.headers, () => this.target.functionNames());
    if (!this.target.hasFunction(invoke.name)) throw apiErrors.functionNotFound(invoke.arn);
    const read = await readBody(request, PAYLOAD_LIMITS[invoke.invocationType]);
    if ("tooLarge" in read) throw apiErrors.tooLarge(read.tooLarge, invoke.invocationType);
    // DryRun only checks that the function exists and may be invoked.
    if (invoke.invocationType === "DryRun") return { status: 204, headers: { "x-amzn-RequestId": randomUUID() }, body: "" };

    const text = read.body.toString("utf8");
    // Without a payload Lambda invokes the function with an empty object.
    const payload = text.trim() === "" ? "{}" : text;
    try {
      JSON.parse(payload);
    } catch (error) {
      throw apiErrors.invalidJson((error as Error).message);
    }

    if (invoke.invocationType === "Event") {
      const { id } = await this.target.enqueue(invoke.name, payload, "invoke-api");
      return { status: 202, headers: { "x-amzn-RequestId": id }, body: "" };
    }
    const body = payload === text ? read.body : Buffer.from(payload);
    if (invoke.streaming) {
      const requestId = randomUUID();
      const answer = await StreamingAnswer.create(response, requestId);
      const report = await this.target.invoke(invoke.name, body, { clientContext: invoke.clientContext, keepLogs: invoke.tail, requestId, stream: answer });
      answer.finish(report, invoke.tail);
      return undefined;
    }
    const report = await this.target.invoke(invoke.name, body, { clientContext: invoke.clientContext, keepLogs: invoke.tail });
    return resultResponse(report, invoke.tail, this.target.familyOf(invoke.name));
  }
}
