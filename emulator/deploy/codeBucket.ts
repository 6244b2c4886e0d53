import { formatBytes } from "./limits";
import type { CodeBucketLocation, DeployTarget, PackagedFunction, ProgressReporter } from "./types";

/** What a bucket error message needs to say where and with which key it happened. */
export interface BucketErrorContext {
  action: string;
  bucket: string;
  region: string;
  key: string;
  /** The masked key, "AKID****1234 (from ...)". */
  identity: string;
  /** Values that must never appear in a message. */
  secrets: ReadonlyArray<string | undefined>;
}

/** The few object operations a deploy needs from COS or S3. */
export interface CodeStore {
  /** True when the object is known to be there; false when it is missing or cannot be told. */
  exists(key: string): Promise<boolean>;
  put(key: string, body: Buffer): Promise<void>;
}

/**
 * The bucket named for large packages: --code-bucket (or the editor's setting) first, then
 * FAASBOX_CODE_BUCKET. An empty value counts as none, so a cleared setting falls back.
 */
export function resolveCodeBucket(given: string | undefined, env: Readonly<Record<string, string | undefined>>): string | undefined {
  return given?.trim() || env.FAASBOX_CODE_BUCKET?.trim() || undefined;
}

/**
 * Content-addressed: the key changes with the zip's bytes and only with them, so an object
 * already under it is this very zip (a re-run after a failed deploy does not upload again),
 * and two functions never overwrite each other's code.
 */
export function codeLocation(target: DeployTarget, bucket: string, region: string, packaged: PackagedFunction, functionName: string): CodeBucketLocation {
  const key = `faasbox/${functionName}/${packaged.sha256}.zip`;
  return { bucket, key, region, url: `${target === "scf" ? "cos" : "s3"}://${bucket}/${key}` };
}

/**
 * Why a bucket name cannot be the one the cloud needs, or undefined when it can. COS names
 * every bucket NAME-APPID (lower-case letters, digits and hyphens; the APPID is the account's
 * number) and both parts are needed: the upload addresses the whole name, SCF the NAME part.
 */
export function codeBucketProblem(target: DeployTarget, bucket: string): string | undefined {
  if (target === "scf") {
    return /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?-\d+$/.test(bucket)
      ? undefined
      : `the code bucket "${bucket}" is not a COS bucket name: COS names buckets NAME-APPID, such as faasbox-code-1250000000 (the full name the COS console lists)`;
  }
  return /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) && !bucket.includes("..")
    ? undefined
    : `the code bucket "${bucket}" is not a valid S3 bucket name (3 to 63 lower-case letters, digits, dots and hyphens)`;
}

/** Puts the zip in the bucket unless the same key, hence the same bytes, is already there. */
export async function ensureCodeInBucket(store: CodeStore, location: CodeBucketLocation, zip: Buffer, progress: ProgressReporter): Promise<boolean> {
  if (await store.exists(location.key)) {
    progress(`code already in ${location.url}; not uploaded again`);
    return false;
  }
  progress(`uploading code to ${location.url} (${formatBytes(zip.length)})`);
  await store.put(location.key, zip);
  return true;
}
