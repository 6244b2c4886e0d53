import type { FunctionSpec } from "../project/spec";
import type { AwsCredentialInput } from "./awsCredentials";
import { createLambdaProvider } from "./lambda";
import { createScfProvider } from "./scf";
import type { ScfCredentialInput } from "./scfCredentials";
import type { DeployProvider, DeployTarget, Timing } from "./types";

export { packageFunction, type PackageOptions } from "./package";
export { checkSizeLimits, formatBytes, SIZE_LIMITS, type LimitCheck, type SizeLimits } from "./limits";
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
  scfCredentials?: ScfCredentialInput;
  awsCredentials?: AwsCredentialInput;
  /** Tests: the fake cloud's address; FAASBOX_SCF_ENDPOINT / FAASBOX_LAMBDA_ENDPOINT otherwise. */
  endpoint?: string;
  env?: Readonly<Record<string, string | undefined>>;
  homeDir?: string;
  timing?: Partial<Timing>;
}

export function createDeployProvider(target: DeployTarget, options: DeployOptions = {}): DeployProvider {
  const common = { region: options.region, endpoint: options.endpoint, env: options.env, timing: options.timing };
  return target === "scf"
    ? createScfProvider({ ...common, credentials: options.scfCredentials, homeDir: options.homeDir })
    : createLambdaProvider({ ...common, credentials: options.awsCredentials, role: options.role });
}

/** A function goes to the cloud its manifest was written for unless told otherwise. */
export function defaultTarget(spec: Pick<FunctionSpec, "dialect">): DeployTarget {
  return spec.dialect === "scf" ? "scf" : "lambda";
}
