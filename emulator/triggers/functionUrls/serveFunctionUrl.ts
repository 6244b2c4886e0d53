// One request to a function URL, from the socket to the answer: CORS preflight, the AWS_IAM
// check, the payload 2.0 event, the invocation and the response mapping.
import { headerLists, readBody, send } from "../http/httpMessage";
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { toInvokeResult, type InvocationReport } from "../../core/invoke/invocationReport";
import type { FunctionUrlTrigger, LogRecord } from "../../protocol";
import type { FunctionSpec } from "../../project/spec";
import type { GatewayRequest } from "../events/httpEvents";
import type { GatewayResponse } from "../http/gatewayResponse";
import { urlPreflight, withUrlCors } from "./functionUrlCors";
import { functionUrlEvent, type UrlCaller } from "./functionUrlEvent";
import { functionUrlResponse, jsonAnswer, MAX_URL_PAYLOAD_BYTES } from "./functionUrlResponse";
import { checkSigV4, type SigningCredentials } from "./sigv4Check";
import type { ResponseStreamListener } from "../../core/runtime/streamedResponse";
import { StreamedHttpResponse } from "../http/streamedResponse";

/** What serving a function URL needs of the emulator. */
export interface FunctionUrlTarget {
  /** Runs the function with the event's bytes (a synchronous invocation); a streamed response goes to `stream` as it arrives. */
  invoke(name: string, event: Buffer, options?: { stream?: ResponseStreamListener }): Promise<InvocationReport>;
  /** The AWS keys functions get locally: the identity an AWS_IAM URL accepts. Undefined: none. */
  credentials(): SigningCredentials | undefined;
  log?(record: LogRecord): void;
}

/**
 * Bytes read of a request body before it is refused: the event's own limit (6 MB) decides, but a
 * body is read a little past it so that the refusal names the real size.
 */
const MAX_BODY_BYTES = MAX_URL_PAYLOAD_BYTES + 1024 * 1024;

/**
 * Serves `request` as the URL of `fn`. The one place where the invoke mode decides: BUFFERED
 * answers once the function has returned; RESPONSE_STREAM writes a streamed invocation to
 * `response` as it comes (streamedResponse.ts: the prelude's status, headers and cookies, each chunk
 * flushed), https://docs.aws.amazon.com/lambda/latest/dg/config-rs-invoke-furls.html.
 */
export async function serveFunctionUrl(request: IncomingMessage, response: ServerResponse, fn: FunctionSpec, url: FunctionUrlTrigger, target: FunctionUrlTarget): Promise<void> {
  const method = (request.method ?? "GET").toUpperCase();
  try {
    const preflight = urlPreflight(url.cors, method, request.headers);
    if (preflight) return send(response, preflight);
    const body = await readBody(request, MAX_BODY_BYTES);
    if (body === undefined) return send(response, tooLarge(`the body is over ${MAX_BODY_BYTES} bytes`));
    const requestTarget = splitTarget(request.url ?? "/");
    const gatewayRequest: GatewayRequest = {
      method, path: requestTarget.path, rawQuery: requestTarget.rawQuery, headers: headerLists(request, (name) => name.toLowerCase()), headersAsSent: headerLists(request, (name) => name), body,
      sourceIp: request.socket.remoteAddress?.replace(/^::ffff:/, "") ?? "127.0.0.1", port: request.socket.localPort ?? 0,
      pathParameters: {}, requestId: randomUUID(), time: new Date(),
    };

    let caller: UrlCaller | undefined;
    if (url.authType === "AWS_IAM") {
      const headers = Object.fromEntries(Object.entries(gatewayRequest.headers).map(([name, values]) => [name, values.join(",")]));
      const outcome = await checkSigV4({ method, path: gatewayRequest.path, rawQuery: gatewayRequest.rawQuery, headers, body }, fn.region, target.credentials());
      if (!outcome.ok) {
        const refusal = { ...jsonAnswer(outcome.status, outcome.body, { "x-amzn-errortype": outcome.errorType }), diagnosis: `AWS_IAM: ${outcome.why}` };
        target.log?.({ function: fn.name, requestId: gatewayRequest.requestId, stream: "system", time: Date.now(), text: `function URL: 403 to ${method} ${gatewayRequest.path}: ${outcome.why}` });
        return send(response, refusal, method === "HEAD");
      }
      caller = { accessKey: outcome.accessKeyId };
    }

    const event = Buffer.from(JSON.stringify(functionUrlEvent(fn.name, fn.region, gatewayRequest, caller)));
    if (event.length > MAX_URL_PAYLOAD_BYTES) return send(response, tooLarge(`the event is ${event.length} bytes, over the ${MAX_URL_PAYLOAD_BYTES}-byte limit of a synchronous invocation`));
    let report: InvocationReport;
    if (url.invokeMode === "RESPONSE_STREAM") {
      let refused: string | undefined;
      const writer = new StreamedHttpResponse(response, {
        // The URL's CORS headers go on a streamed answer as on a buffered one.
        headers: withUrlCors(url.cors, method, request.headers, { status: 200, headers: {}, body: Buffer.alloc(0) }).headers,
        onInvalidPrelude: (reason) => (refused = reason),
      });
      report = await target.invoke(fn.name, event, { stream: writer });
      if (writer.finish(report)) {
        if (refused) target.log?.({ function: fn.name, requestId: report.requestId, stream: "system", time: Date.now(), text: `function URL: 502 to ${method} ${gatewayRequest.path}: invalid streamed response: ${refused}` });
        return;
      }
      // The function answered whole (no streamifyResponse): mapped as in BUFFERED mode. What a
      // RESPONSE_STREAM URL does with such an answer is not documented.
    } else {
      report = await target.invoke(fn.name, event);
    }
    const result = toInvokeResult(report);
    const mapped = withUrlCors(url.cors, method, request.headers, functionUrlResponse(result));
    mapped.headers["x-faasbox-request-id"] = result.requestId;
    if (mapped.diagnosis) target.log?.({ function: fn.name, requestId: result.requestId, stream: "system", time: Date.now(), text: `function URL: ${mapped.status} to ${method} ${gatewayRequest.path}: ${mapped.diagnosis}` });
    send(response, mapped, method === "HEAD");
  } catch (error) {
    send(response, jsonAnswer(500, { message: "Faasbox function URL error", reason: (error as Error).message }));
  }
}

/**
 * Over Lambda's 6 MB: 413. The Lambda docs do not give a function URL's answer to a request too
 * large: Lambda's RequestTooLargeException message, with why in x-faasbox-error.
 */
function tooLarge(why: string): GatewayResponse {
  return { ...jsonAnswer(413, { message: "Request must be smaller than 6291456 bytes for the InvokeFunction operation" }, { "x-amzn-errortype": "RequestTooLargeException" }), diagnosis: why };
}

function splitTarget(url: string): { path: string; rawQuery: string } {
  const queryAt = url.indexOf("?");
  return queryAt < 0 ? { path: url, rawQuery: "" } : { path: url.slice(0, queryAt), rawQuery: url.slice(queryAt + 1) };
}
