/**
 * Lambda's REST-JSON errors. Clients find the exception class in the `x-amzn-ErrorType`
 * header (the AWS SDK v3 reads it before the body; botocore too), and the fields in
 * the body. The body's message key follows each exception's model: most have
 * `message`, a few (ResourceNotFoundException, ServiceException) have `Message`, which
 * the SDKs copy onto the exception object under that name, as Lambda itself sends it.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly fields: Record<string, string> = {},
    readonly messageKey: "message" | "Message" = "message",
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): string {
    const origin = this.status >= 500 ? "Service" : "User";
    return JSON.stringify({ ...this.fields, Type: origin, [this.messageKey]: this.message });
  }
}

/**
 * Lambda's payload limits: 6 MB synchronous, 1 MB asynchronous (it was 256 KB until 2025).
 * https://docs.aws.amazon.com/lambda/latest/dg/API_Invoke.html
 */
export const PAYLOAD_LIMITS = { RequestResponse: 6 * 1024 * 1024, Event: 1024 * 1024, DryRun: 6 * 1024 * 1024 } as const;

export const apiErrors = {
  functionNotFound(arn: string): ApiError {
    return new ApiError(404, "ResourceNotFoundException", `Function not found: ${arn}`, {}, "Message");
  },
  invalidJson(reason: string): ApiError {
    return new ApiError(400, "InvalidRequestContentException", `Could not parse request body into json: Could not parse payload into json: ${reason}`);
  },
  invalidClientContext(reason: string): ApiError {
    return new ApiError(400, "InvalidRequestContentException", `Client context must be a valid Base64-encoded JSON object: ${reason}`);
  },
  tooLarge(bytes: number, invocationType: keyof typeof PAYLOAD_LIMITS): ApiError {
    const limit = PAYLOAD_LIMITS[invocationType];
    return new ApiError(413, "RequestTooLargeException", `${bytes} byte payload is too large for the ${invocationType} invocation type (limit ${limit} bytes)`);
  },
  invalidParameter(message: string): ApiError {
    return new ApiError(400, "InvalidParameterValueException", message);
  },
  /** Reason is what Lambda says when a function's reserved concurrency is used up. */
  throttled(message: string): ApiError {
    return new ApiError(429, "TooManyRequestsException", message, { Reason: "ReservedFunctionConcurrentInvocationLimitExceeded" });
  },
  /** The platform could not run the function at all (its container did not start, shutdown). */
  service(message: string): ApiError {
    return new ApiError(500, "ServiceException", message, {}, "Message");
  },
  unknownRoute(method: string, path: string, functions: string[]): ApiError {
    const known = functions.length ? functions.join(", ") : "none";
    return new ApiError(404, "UnknownOperationException",
      `Faasbox's Invoke API serves POST /2015-03-31/functions/{FunctionName}/invocations and POST /2021-11-15/functions/{FunctionName}/response-streaming-invocations only, not ${method} ${path}. Functions: ${known}`);
  },
  methodNotAllowed(method: string): ApiError {
    return new ApiError(405, "MethodNotAllowedException", `Invoke takes POST, not ${method}`, {}, "message", { Allow: "POST" });
  },
};
