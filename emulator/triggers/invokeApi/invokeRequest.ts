import type { IncomingHttpHeaders } from "node:http";
import { apiErrors } from "./apiError";
import { parseFunctionName, signedRegion } from "./functionName";

export type InvocationType = "RequestResponse" | "Event" | "DryRun";

/** What an Invoke request asks for, before its body is read. */
export interface InvokeRequest {
  name: string;
  /** The function's ARN as the caller named it, for error messages. */
  arn: string;
  invocationType: InvocationType;
  tail: boolean;
  /** The client context as JSON text (decoded from base64). */
  clientContext?: string;
  /** InvokeWithResponseStream rather than Invoke. */
  streaming: boolean;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;
/** InvokeWithResponseStream (https://docs.aws.amazon.com/lambda/latest/api/API_InvokeWithResponseStream.html). */
const STREAM_PATH = /^\/2021-11-15\/functions\/([^/]+)\/response-streaming-invocations\/?$/;
/** InvokeWithResponseStream takes RequestResponse and DryRun only (same page). */
const STREAM_INVOCATION_TYPES: readonly string[] = ["RequestResponse", "DryRun"];
const INVOCATION_TYPES: readonly string[] = ["RequestResponse", "Event", "DryRun"];
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Reads the route, the X-Amz-* headers and the qualifier of an Invoke request; throws
 * an ApiError for anything Lambda would refuse before looking at the function.
 */
export function parseInvokeRequest(method: string, url: string, headers: IncomingHttpHeaders, functionNames: () => string[]): InvokeRequest {
  // Split by hand: `new URL` would read a path starting with "//" as a host.
  const queryAt = url.indexOf("?");
  const path = queryAt < 0 ? url : url.slice(0, queryAt);
  const query = new URLSearchParams(queryAt < 0 ? "" : url.slice(queryAt + 1));
  const streamRoute = STREAM_PATH.exec(path);
  const route = streamRoute ?? INVOKE_PATH.exec(path);
  if (!route) throw apiErrors.unknownRoute(method, path.slice(0, 200), functionNames());
  const streaming = streamRoute !== null;
  if (method !== "POST") throw apiErrors.methodNotAllowed(method);

  let functionName: string;
  try {
    functionName = decodeURIComponent(route[1]);
  } catch {
    throw apiErrors.invalidParameter(`FunctionName is not properly URL-encoded: ${route[1]}`);
  }
  const ref = parseFunctionName(functionName, signedRegion(headers.authorization));
  if (!ref) throw apiErrors.invalidParameter(`${JSON.stringify(functionName)} is not a function name, a partial ARN or a function ARN`);

  const queryQualifier = query.get("Qualifier") ?? undefined;
  if (ref.qualifier && queryQualifier && ref.qualifier !== queryQualifier) {
    throw apiErrors.invalidParameter("The derived qualifier from the function name does not match the specified qualifier.");
  }
  const qualifier = ref.qualifier ?? queryQualifier;
  // Functions here have no published versions or aliases: only the unpublished one exists.
  if (qualifier && qualifier !== "$LATEST") throw apiErrors.functionNotFound(`${ref.arn}:${qualifier}`);

  const invocationType = header(headers, "x-amz-invocation-type") ?? "RequestResponse";
  if (streaming && !STREAM_INVOCATION_TYPES.includes(invocationType)) {
    throw apiErrors.invalidParameter(`Unsupported invocation type ${invocationType} for InvokeWithResponseStream: use RequestResponse or DryRun`);
  }
  if (!INVOCATION_TYPES.includes(invocationType)) {
    throw apiErrors.invalidParameter(`Unsupported invocation type ${invocationType}: use RequestResponse, Event or DryRun`);
  }
  const logType = header(headers, "x-amz-log-type") ?? "None";
  if (logType !== "None" && logType !== "Tail") throw apiErrors.invalidParameter(`Unsupported log type ${logType}: use None or Tail`);

  return {
    name: ref.name,
    arn: qualifier ? `${ref.arn}:${qualifier}` : ref.arn,
    invocationType: invocationType as InvocationType,
    // Lambda only returns a log tail for synchronous invocations.
    tail: logType === "Tail" && invocationType === "RequestResponse",
    clientContext: decodeClientContext(header(headers, "x-amz-client-context")),
    streaming,
  };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  return text ? text : undefined;
}

/** X-Amz-Client-Context is base64 of a JSON object; the function receives the JSON. */
function decodeClientContext(encoded: string | undefined): string | undefined {
  if (encoded === undefined) return undefined;
  if (!BASE64.test(encoded)) throw apiErrors.invalidClientContext("the header is not Base64");
  const json = Buffer.from(encoded, "base64").toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw apiErrors.invalidClientContext((error as Error).message);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw apiErrors.invalidClientContext("it is JSON but not an object");
  return json;
}
