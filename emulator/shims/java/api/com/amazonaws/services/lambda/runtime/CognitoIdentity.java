package com.amazonaws.services.lambda.runtime;

/** https://docs.aws.amazon.com/lambda/latest/dg/java-context.html (getIdentity). */
public interface CognitoIdentity {
  String getIdentityId();
  String getIdentityPoolId();
}
