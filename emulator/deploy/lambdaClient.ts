import { LambdaClient } from "@aws-sdk/client-lambda";
import type { AwsCredentialInput } from "./awsCredentials";
import { withoutNodeVersionNotice } from "./quietSdk";
import { DeployError } from "./errors";

/**
 * The official Lambda client for one region. Its own retries are off (maxAttempts 1):
 * Faasbox retries throttled calls itself, the same way for both clouds, and reports each
 * retry as a progress line. `endpoint` (FAASBOX_LAMBDA_ENDPOINT) is for tests; requests
 * are still signed for service "lambda" in `region`, as AWS checks them.
 */
export function createLambdaClient(region: string, credentials?: AwsCredentialInput, endpoint?: string): LambdaClient {
  if (endpoint !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(endpoint);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
      throw new DeployError("config", `FAASBOX_LAMBDA_ENDPOINT must be an http:// or https:// address (it is meant for testing against a local fake), got "${endpoint}"`);
    }
  }
  return withoutNodeVersionNotice(() => new LambdaClient({ region, credentials, endpoint, maxAttempts: 1 }));
}
