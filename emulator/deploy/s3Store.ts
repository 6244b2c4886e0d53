import { HeadObjectCommand, PutObjectCommand, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import type { BucketErrorContext, CodeStore } from "./codeBucket";
import { withoutNodeVersionNotice } from "./quietSdk";
import { DeployError, networkError, networkErrorCode } from "./errors";
import { redact } from "./mask";

export interface S3StoreOptions {
  /** The provider the Lambda client resolved, so both clients deploy as the same identity. */
  credentials: S3ClientConfig["credentials"];
  bucket: string;
  region: string;
  identity: string;
  secrets: ReadonlyArray<string | undefined>;
  /** For tests (FAASBOX_S3_ENDPOINT): an http(s):// address answering S3's API with path-style addresses. */
  endpoint?: string;
}

/** What the AWS SDK throws: the error code as `name`, HTTP status and request id in `$metadata`. */
interface S3SdkError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

/**
 * The code bucket on S3, through the official client. Requests are signed for "s3" in the
 * function's region, which must be the bucket's: Lambda only takes code from a bucket there.
 * The SDK's own retries stay on for uploads (a dropped connection mid-upload is worth a retry).
 */
export function createS3Store(options: S3StoreOptions): CodeStore {
  const { bucket, region } = options;
  if (options.endpoint !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(options.endpoint);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
      throw new DeployError("config", `FAASBOX_S3_ENDPOINT must be an http:// or https:// address (it is meant for testing against a local fake), got "${options.endpoint}"`);
    }
  }
  // A local fake has no per-bucket host names, hence path-style addresses there.
  const client = withoutNodeVersionNotice(() => new S3Client({ region, credentials: options.credentials, endpoint: options.endpoint, forcePathStyle: options.endpoint !== undefined }));
  const fail = (action: string, key: string, error: unknown) => mapS3Error(error as S3SdkError, { action, bucket, region, key, identity: options.identity, secrets: options.secrets });
  return {
    async exists(key) {
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (error) {
        // S3 answers 403 rather than 404 for a missing object when s3:ListBucket is not
        // granted, and a HEAD answer has no body to tell a wrong key or region from that:
        // the upload that follows gets S3's error code and says what is wrong.
        const status = (error as S3SdkError).$metadata?.httpStatusCode;
        if (status !== undefined && status < 500) return false;
        throw fail("HeadObject", key, error);
      }
    },
    async put(key, body) {
      try {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: "application/zip" }));
      } catch (error) {
        throw fail("PutObject", key, error);
      }
    },
  };
}

export function mapS3Error(error: S3SdkError, context: BucketErrorContext): DeployError {
  if (error instanceof DeployError) return error;
  const name = error.name && error.name !== "Error" ? error.name : undefined;
  const status = error.$metadata?.httpStatusCode;
  const requestId = error.$metadata?.requestId;
  const cloudMessage = redact(error.message ?? String(error), context.secrets);
  const url = `s3://${context.bucket}/${context.key}`;
  const make = (kind: DeployError["kind"], message: string) => new DeployError(kind, redact(message, context.secrets), name, requestId);

  if (!status) {
    const network = networkErrorCode(error);
    if (network) return networkError("Amazon S3", `${context.bucket}.s3.${context.region}.amazonaws.com`, network);
  }
  if (name === "RequestTimeTooSkewed") {
    return make("credentials", "S3 rejected the request as expired: this machine's clock is more than 15 minutes off. Set the clock right (e.g. enable NTP), then deploy again.");
  }
  if (name === "SignatureDoesNotMatch" || name === "InvalidAccessKeyId" || name === "ExpiredToken" || name === "InvalidToken") {
    const why =
      name === "SignatureDoesNotMatch" ? "the secret access key does not match the access key ID" : name === "InvalidAccessKeyId" ? "the access key ID is unknown to AWS" : "the session token has expired or is not valid";
    return make(
      "credentials",
      `S3 rejected the AWS credentials while uploading the code to ${url} (${name}): ${why}. Check the key ${context.identity} and set the right one in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the ~/.aws/credentials profile you use (AWS_PROFILE).`,
    );
  }
  if (name === "AccessDenied") {
    return make("permission", `${context.identity} may not write to the S3 bucket ${context.bucket} (AccessDenied on ${context.action}). Allow it s3:PutObject and s3:GetObject on arn:aws:s3:::${context.bucket}/faasbox/*, or name a bucket it may write to.`);
  }
  if (name === "NoSuchBucket") {
    return make("config", `the S3 bucket ${context.bucket} does not exist. Create it in ${context.region} (Lambda takes code from a bucket in the function's region) or name another with --code-bucket.`);
  }
  if (name === "PermanentRedirect" || name === "AuthorizationHeaderMalformed" || name === "IllegalLocationConstraintException") {
    return make("config", `the S3 bucket ${context.bucket} is not in ${context.region} (${name}); Lambda takes code only from a bucket in the function's region. Name a bucket there with --code-bucket.`);
  }
  if ((status ?? 0) >= 500) {
    return make("cloud", `S3 had an internal error during ${context.action} of ${url} (${name ?? status}, request ${requestId ?? "unknown"}); try again in a moment.`);
  }
  return make("cloud", `S3 ${context.action} of ${url} failed: ${name ?? `HTTP ${status ?? "error"}`}: ${cloudMessage}${requestId ? ` (request ${requestId})` : ""}`);
}
