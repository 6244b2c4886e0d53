package com.amazonaws.services.lambda.runtime;

/** https://docs.aws.amazon.com/lambda/latest/dg/java-logging.html: each call is one log record. */
public interface LambdaLogger {
  void log(String message);
  void log(byte[] message);
}
