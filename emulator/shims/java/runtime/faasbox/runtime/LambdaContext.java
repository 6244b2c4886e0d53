package faasbox.runtime;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;

/** Lambda's context for one invocation (https://docs.aws.amazon.com/lambda/latest/dg/java-context.html). */
final class LambdaContext implements Context {
  private final Invocation invocation;
  private final LambdaLogger logger;

  LambdaContext(Invocation invocation, LambdaLogger logger) {
    this.invocation = invocation;
    this.logger = logger;
  }

  @Override public String getAwsRequestId() { return invocation.requestId; }
  @Override public String getLogGroupName() { return Env.get("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + Env.FUNCTION_NAME); }
  @Override public String getLogStreamName() { return Env.get("AWS_LAMBDA_LOG_STREAM_NAME", Env.get("FAASBOX_INSTANCE_ID", "")); }
  @Override public String getFunctionName() { return Env.FUNCTION_NAME; }
  @Override public String getFunctionVersion() { return Env.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"); }
  @Override public String getInvokedFunctionArn() { return invocation.functionArn; }
  // Cognito identities and mobile client contexts do not reach local invocations as objects.
  @Override public CognitoIdentity getIdentity() { return null; }
  @Override public ClientContext getClientContext() { return null; }
  @Override public int getRemainingTimeInMillis() { return invocation.remainingMillis(); }
  @Override public int getMemoryLimitInMB() { return Env.MEMORY_MB; }
  @Override public LambdaLogger getLogger() { return logger; }
}
