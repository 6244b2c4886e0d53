package com.amazonaws.services.lambda.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** https://docs.aws.amazon.com/lambda/latest/dg/java-handler.html: the event's bytes in, the response's bytes out. */
public interface RequestStreamHandler {
  void handleRequest(InputStream input, OutputStream output, Context context) throws IOException;
}
