package com.amazonaws.services.lambda.runtime;

import java.util.Map;

/** https://docs.aws.amazon.com/lambda/latest/dg/java-context.html (getClientContext): set by mobile SDK callers. */
public interface ClientContext {
  Client getClient();
  Map<String, String> getCustom();
  Map<String, String> getEnvironment();
}
