package com.amazonaws.services.lambda.runtime;

/** The calling app, in a ClientContext (aws-lambda-java-core). */
public interface Client {
  String getInstallationId();
  String getAppTitle();
  String getAppVersionName();
  String getAppVersionCode();
  String getAppPackageName();
}
