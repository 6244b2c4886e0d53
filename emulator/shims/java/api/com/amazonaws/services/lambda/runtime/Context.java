package com.amazonaws.services.lambda.runtime;

/**
 * Lambda's context object, as aws-lambda-java-core declares it
 * (https://docs.aws.amazon.com/lambda/latest/dg/java-context.html). Faasbox's own copy, written from
 * the documented methods: a function whose jar brings aws-lambda-java-core gets this one, which has
 * the same names and signatures.
 */
public interface Context {
  String getAwsRequestId();
  String getLogGroupName();
  String getLogStreamName();
  String getFunctionName();
  String getFunctionVersion();
  String getInvokedFunctionArn();
  CognitoIdentity getIdentity();
  ClientContext getClientContext();
  int getRemainingTimeInMillis();
  int getMemoryLimitInMB();
  LambdaLogger getLogger();
}
