import type { FunctionSpec } from "../project/spec";

/** Where a function goes: Tencent Cloud SCF or AWS Lambda. */
export type DeployTarget = "scf" | "lambda";

export const DEPLOY_TARGETS: readonly DeployTarget[] = ["scf", "lambda"];

/** A function's code folder as one zip, the same bytes for the same files. */
export interface PackagedFunction {
  zip: Buffer;
  /** Hex SHA-256 of `zip`. */
  sha256: string;
  /** Paths inside the zip, sorted, with forward slashes. */
  files: string[];
  /** Bytes of `zip`. */
  size: number;
  /** Bytes of the files before compression, what the clouds' "unzipped" limits count. */
  unzippedSize: number;
  /** Things the user should know, such as a symlink that points outside the code folder. */
  warnings: string[];
}

/** Where a zip too large to send inline is put, content-addressed so the same code is uploaded once. */
export interface CodeBucketLocation {
  /** As the storage names it: "NAME-APPID" for COS, the bucket name for S3. */
  bucket: string;
  /** "faasbox/FUNCTION/SHA256.zip", without a leading slash. */
  key: string;
  /** The bucket's region: always the function's, which both clouds require. */
  region: string;
  /** "cos://bucket/key" or "s3://bucket/key", for messages. */
  url: string;
}

/** One field whose value in the cloud differs from the manifest. */
export interface ConfigChange {
  field: string;
  /** As shown to the user: environment values are never shown, only whether they are set. */
  from: string;
  to: string;
}

export type TriggerAction = "create" | "update" | "unchanged" | "skip";

/** What will happen to one trigger of the manifest in the cloud. */
export interface TriggerPlan {
  /** The cloud's trigger type: "timer", "http" (SCF function URL), "function-url" (Lambda)... */
  type: string;
  name: string;
  action: TriggerAction;
  /** The schedule, the URL settings... as the cloud will hold them. */
  detail: string;
  /** Why a trigger is skipped, or what to check. */
  note?: string;
}

/** What `apply` would do, read from the cloud's current state; nothing has changed yet. */
export interface DeployPlan {
  provider: DeployTarget;
  functionName: string;
  region: string;
  /** SCF namespace; "" for Lambda. */
  namespace: string;
  action: "create" | "update" | "unchanged";
  configChanges: ConfigChange[];
  codeChanged: boolean;
  /**
   * Set when the zip is too large to send in the deploy request and a code bucket is named:
   * apply puts it there (unless that key is already there) and points the cloud at it.
   * Absent when the zip goes inline, as it does whenever it fits.
   */
  codeBucket?: CodeBucketLocation;
  triggers: TriggerPlan[];
  /** Worth reading before applying (cross-cloud deploy, defaults picked...). */
  warnings: string[];
  /** Reasons `apply` would refuse; empty when the plan can be applied. */
  blockers: string[];
  /** Who is deploying, masked: "AKID****1234 (from TENCENTCLOUD_SECRET_ID)". */
  identity: string;
  consoleUrl: string;
  /** What `apply` needs; not for display. */
  spec: FunctionSpec;
  packaged: PackagedFunction;
}

export interface DeployResult {
  provider: DeployTarget;
  functionName: string;
  region: string;
  action: DeployPlan["action"];
  codeUploaded: boolean;
  consoleUrl: string;
  /** Public HTTP address, when one was created or found (Lambda function URL). */
  url?: string;
}

/** Progress lines while applying, such as "uploading code (1.2 MB)" or "uploading code to cos://bucket/key (9.0 MB)". */
export type ProgressReporter = (message: string) => void;

export interface DeployProvider {
  readonly target: DeployTarget;
  plan(spec: FunctionSpec, packaged: PackagedFunction): Promise<DeployPlan>;
  apply(plan: DeployPlan, progress?: ProgressReporter): Promise<DeployResult>;
}

/** Delays of polling and retrying, shortened by tests. */
export interface Timing {
  /** Retries of a throttled call before giving up. */
  retries: number;
  /** First retry delay, doubled each time (with jitter). */
  retryBaseMs: number;
  /** How long to wait for a function to become ready. */
  waitTimeoutMs: number;
  /** Delay between two state polls. */
  pollMs: number;
}

export const DEFAULT_TIMING: Timing = { retries: 4, retryBaseMs: 500, waitTimeoutMs: 5 * 60_000, pollMs: 1000 };
