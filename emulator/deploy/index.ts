import type { AwsCredentialInput } from "./awsCredentials";
import { createLambdaProvider } from "./lambda";
import { createScfProvider } from "./scf";
import type { ScfCredentialInput } from "./scfCredentials";
import type { DeployProvider, DeployTarget, Timing } from "./types";

export { defaultTarget } from "./defaultTarget";
export { packageFunction, type PackageOptions } from "./package";
export { checkSizeLimits, formatBytes, SIZE_LIMITS, type LimitCheck, type LimitOptions, type SizeLimits } from "./limits";
export { createScfProvider, type ScfProviderOptions } from "./scf";
export { createLambdaProvider, type LambdaProviderOptions } from "./lambda";
export { DeployError, type DeployErrorKind } from "./errors";
export { maskSecret, redact } from "./mask";
export type { AwsCredentialInput } from "./awsCredentials";
export type { ScfCredentialInput } from "./scfCredentials";
export * from "./types";

/** What either provider takes; each reads the fields that concern it. */
export interface DeployOptions {
  region?: string;
  /** Lambda: execution role for new functions. */
  role?: string;
  /**
   * A bucket for zips too large to send in the deploy request: COS (NAME-APPID) for SCF,
   * S3 for Lambda, in the function's region. FAASBOX_CODE_BUCKET otherwise.
   */
  codeBucket?: string;
  scfCredentials?: ScfCredentialInput;
  awsCredentials?: AwsCredentialInput;
  /** Tests: the fake cloud's address; FAASBOX_SCF_ENDPOINT / FAASBOX_LAMBDA_ENDPOINT otherwise. */
  endpoint?: string;
  /** Tests: the fake COS or S3's address; FAASBOX_COS_ENDPOINT / FAASBOX_S3_ENDPOINT otherwise. */
  bucketEndpoint?: string;
  env?: Readonly<Record<string, string | undefined>>;
  homeDir?: string;
  timing?: Partial<Timing>;
}

export function createDeployProvider(target: DeployTarget, options: DeployOptions = {}): DeployProvider {
  const common = { region: options.region, endpoint: options.endpoint, codeBucket: options.codeBucket, env: options.env, timing: options.timing };
  return target === "scf"
    ? createScfProvider({ ...common, credentials: options.scfCredentials, homeDir: options.homeDir, cosEndpoint: options.bucketEndpoint })
    : createLambdaProvider({ ...common, credentials: options.awsCredentials, role: options.role, s3Endpoint: options.bucketEndpoint });
}
