package com.amazonaws.services.lambda.runtime;

/** https://docs.aws.amazon.com/lambda/latest/dg/java-handler.html: input and output as JSON, mapped to I and O. */
public interface RequestHandler<I, O> {
  O handleRequest(I input, Context context);
}
