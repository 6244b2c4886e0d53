package faasbox.runtime;

/** One event as the runtime API handed it over. */
final class Invocation {
  final String requestId;
  final byte[] payload;
  final long deadlineMs;
  final int timeLimitMs;
  final String functionArn;

  Invocation(RuntimeApi.Reply next) {
    String lambdaId = next.header("Lambda-Runtime-Aws-Request-Id");
    this.requestId = lambdaId != null ? lambdaId : next.header("request_id");
    this.payload = next.body;
    String limit = next.header("time_limit_in_ms");
    this.timeLimitMs = limit != null ? Integer.parseInt(limit.trim()) : Env.TIMEOUT_SEC * 1000;
    String deadline = next.header("Lambda-Runtime-Deadline-Ms");
    this.deadlineMs = deadline != null ? Long.parseLong(deadline.trim()) : System.currentTimeMillis() + timeLimitMs;
    String arn = next.header("Lambda-Runtime-Invoked-Function-Arn");
    // 123456789012 is LOCAL_ACCOUNT_ID (emulator/project/localAccount.ts).
    this.functionArn = arn != null ? arn : "arn:aws:lambda:" + Env.get("AWS_REGION", "us-east-1") + ":123456789012:function:" + Env.FUNCTION_NAME;
  }
}
