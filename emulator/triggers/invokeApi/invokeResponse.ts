import type { RuntimeFamily } from "../../config/runtimeFamily";
import type { InvocationReport } from "../../core/invoke/invocationReport";
import { apiErrors, type ApiError } from "./apiError";
import { tailLog } from "./tailLog";

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

export function errorResponse(error: ApiError, requestId: string): ApiResponse {
  return {
    status: error.status,
    headers: { ...error.headers, "Content-Type": "application/json", "x-amzn-ErrorType": error.type, "x-amzn-RequestId": requestId },
    body: error.body(),
  };
}

/**
 * A synchronous invocation's answer. As in Lambda, a function that failed (its own
 * error, or an init error, timeout, out-of-memory kill or exit) is still a 200 with
 * X-Amz-Function-Error and the error as the payload; only invocations that never ran
 * are API errors: throttled (429), or the platform failed to run them (500).
 */
export function resultResponse(result: InvocationReport, tail: boolean, family: RuntimeFamily): ApiResponse {
  if (result.errorKind === "throttle") throw apiErrors.throttled(result.error?.errorMessage ?? "Rate Exceeded.");
  if (result.errorKind === "platform") throw apiErrors.service(result.error?.errorMessage ?? "the function could not be run");
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "X-Amz-Executed-Version": "$LATEST",
    "x-amzn-RequestId": result.requestId,
  };
  if (tail) headers["X-Amz-Log-Result"] = tailLog(result.logs);
  // Lambda returns the bytes the runtime posted, unparsed: text stays text, and JSON keeps
  // its integers beyond 2^53 and its formatting.
  if (result.ok) return { status: 200, headers, body: result.payload ?? Buffer.alloc(0) };
  headers["X-Amz-Function-Error"] = "Unhandled";
  const error = result.error ?? { errorType: "Unknown", errorMessage: "the function failed without saying why" };
  // Lambda passes the runtime's error through: Node.js runtimes call the stack `trace`;
  // Python's runtime client calls it `stackTrace` and adds the request id.
  const body =
    family === "nodejs"
      ? { errorType: error.errorType, errorMessage: error.errorMessage, ...(error.stackTrace ? { trace: error.stackTrace } : {}) }
      : family === "python"
        ? { errorMessage: error.errorMessage, errorType: error.errorType, requestId: result.requestId, stackTrace: error.stackTrace ?? [] }
        : { errorMessage: error.errorMessage, errorType: error.errorType, ...(error.stackTrace ? { stackTrace: error.stackTrace } : {}) };
  return { status: 200, headers, body: JSON.stringify(body) };
}
