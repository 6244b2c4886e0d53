/** A Lambda error: HTTP status, x-amzn-ErrorType header and {"Type", "message"} body. */
export class LambdaApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}
