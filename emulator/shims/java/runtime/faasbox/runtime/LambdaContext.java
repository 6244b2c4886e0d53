package faasbox.runtime;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;

/**
 * Lambda's context for one invocation (https://docs.aws.amazon.com/lambda/latest/dg/java-context.html).
 * Plain fields named after the getters: handlers that log the context through a reflective JSON
 * library (AWS's own Java examples log `gson.toJson(context)`) print its values, not the shim's
 * internals or the event's bytes.
 */
final class LambdaContext implements Context {
  private final String awsRequestId;
  private final String logGroupName;
  private final String logStreamName;
  private final String functionName;
  private final String functionVersion;
  private final String invokedFunctionArn;
  private final int memoryLimit;
  private final long deadlineTimeInMs;
  // Not part of what a JSON library prints: the logger is behaviour, not a value.
  private final transient LambdaLogger logger;

  LambdaContext(Invocation invocation, LambdaLogger logger) {
    this.awsRequestId = invocation.requestId;
    this.logGroupName = Env.get("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + Env.FUNCTION_NAME);
    this.logStreamName = Env.get("AWS_LAMBDA_LOG_STREAM_NAME", Env.get("FAASBOX_INSTANCE_ID", ""));
    this.functionName = Env.FUNCTION_NAME;
    this.functionVersion = Env.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
    this.invokedFunctionArn = invocation.functionArn;
    this.memoryLimit = Env.MEMORY_MB;
    this.deadlineTimeInMs = invocation.deadlineMs;
    this.logger = logger;
  }

  @Override public String getAwsRequestId() { return awsRequestId; }
  @Override public String getLogGroupName() { return logGroupName; }
  @Override public String getLogStreamName() { return logStreamName; }
  @Override public String getFunctionName() { return functionName; }
  @Override public String getFunctionVersion() { return functionVersion; }
  @Override public String getInvokedFunctionArn() { return invokedFunctionArn; }
  // Cognito identities and mobile client contexts do not reach local invocations as objects.
  @Override public CognitoIdentity getIdentity() { return null; }
  @Override public ClientContext getClientContext() { return null; }
  @Override public int getRemainingTimeInMillis() { return (int) Math.max(0, deadlineTimeInMs - System.currentTimeMillis()); }
  @Override public int getMemoryLimitInMB() { return memoryLimit; }
  @Override public LambdaLogger getLogger() { return logger; }
}
