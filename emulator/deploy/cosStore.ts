import COS from "cos-nodejs-sdk-v5";
import type { BucketErrorContext, CodeStore } from "./codeBucket";
import { DeployError, networkError, networkErrorCode } from "./errors";
import { redact } from "./mask";
import type { ScfCredentialInput } from "./scfCredentials";

export interface CosStoreOptions {
  credentials: ScfCredentialInput;
  /** NAME-APPID, as COS addresses it. */
  bucket: string;
  region: string;
  /** "AKID****1234 (from ...)", for messages. */
  identity: string;
  /** For tests (FAASBOX_COS_ENDPOINT): an http:// address that answers as COS would. */
  endpoint?: string;
}

/** What the COS SDK rejects with: the XML error's Code (or the bare HTTP status) and the response's headers. */
interface CosSdkError {
  code?: string;
  statusCode?: number;
  message?: string;
  headers?: Record<string, string | undefined>;
  error?: { Code?: string; Message?: string; RequestId?: string } | string;
}

const KEYS = "TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY or ~/.tencentcloud/credentials";

/**
 * The code bucket on COS, through the official SDK (cos-nodejs-sdk-v5), with the key the
 * SCF deploy uses. With an endpoint the SDK's `Ip` option sends each request there while it
 * stays addressed, and signed, for BUCKET.cos.REGION.myqcloud.com: the fake then reads
 * bucket and region from the Host header, as COS does.
 */
export function createCosStore(options: CosStoreOptions): CodeStore {
  const { bucket, region } = options;
  const connection: Partial<COS.COSOptions> = {};
  if (options.endpoint) {
    let url: URL | undefined;
    try {
      url = new URL(options.endpoint);
    } catch {
      url = undefined;
    }
    if (!url || url.protocol !== "http:" || !url.hostname) {
      throw new DeployError("config", `FAASBOX_COS_ENDPOINT must be an http:// address such as http://127.0.0.1:9000 (it is meant for testing against a local fake), got "${options.endpoint}"`);
    }
    // No switch to COS's backup domain on errors: the fake is the only place to go.
    Object.assign(connection, { Protocol: "http:", Ip: url.host, AutoSwitchHost: false });
  }
  const cos = new COS({
    SecretId: options.credentials.secretId,
    SecretKey: options.credentials.secretKey,
    SecurityToken: options.credentials.token,
    ...connection,
  });
  const secrets = [options.credentials.secretKey, options.credentials.token];
  const fail = (action: string, key: string, error: unknown) => mapCosError(error as CosSdkError, { action, bucket, region, key, identity: options.identity, secrets });
  return {
    async exists(key) {
      try {
        await cos.headObject({ Bucket: bucket, Region: region, Key: key });
        return true;
      } catch (error) {
        // A HEAD answer carries no body, so a 403 cannot tell a wrong key from a missing
        // permission, nor a 404 a missing object from a missing bucket: the upload that
        // follows gets COS's error code and says what is wrong.
        const status = (error as CosSdkError).statusCode;
        if (status !== undefined && status < 500) return false;
        throw fail("HeadObject", key, error);
      }
    },
    async put(key, body) {
      try {
        await cos.putObject({ Bucket: bucket, Region: region, Key: key, Body: body, ContentLength: body.length });
      } catch (error) {
        throw fail("PutObject", key, error);
      }
    },
  };
}

/** COS's documented error codes (https://cloud.tencent.com/document/product/436/7730), turned into what to do. */
export function mapCosError(error: CosSdkError, context: BucketErrorContext): DeployError {
  if (error instanceof DeployError) return error;
  const detail = typeof error.error === "object" ? error.error : undefined;
  const code = detail?.Code ?? (error.code && !/^\d+$/.test(error.code) ? error.code : undefined);
  const requestId = detail?.RequestId ?? error.headers?.["x-cos-request-id"];
  const cloudMessage = redact(detail?.Message ?? error.message ?? String(error), context.secrets);
  const url = `cos://${context.bucket}/${context.key}`;
  const make = (kind: DeployError["kind"], message: string) => new DeployError(kind, redact(message, context.secrets), code, requestId);

  if (!error.statusCode) {
    const network = networkErrorCode(error);
    if (network) return networkError("Tencent Cloud COS", `${context.bucket}.cos.${context.region}.myqcloud.com`, network);
  }
  if (code === "RequestTimeTooSkewed" || (code === "AccessDenied" && /expired/i.test(cloudMessage))) {
    return make("credentials", "COS rejected the request as expired: this machine's clock is off. Set the clock right (e.g. enable NTP), then deploy again.");
  }
  if (code === "SignatureDoesNotMatch" || code === "InvalidAccessKeyId") {
    const why = code === "SignatureDoesNotMatch" ? "the SecretKey does not belong to this SecretId" : "this SecretId does not exist or was deleted";
    return make(
      "credentials",
      `COS rejected the Tencent Cloud credentials while uploading the code to ${url} (${code}): ${why}. Check the key ${context.identity} at https://console.cloud.tencent.com/cam/capi and set the right pair in ${KEYS}.`,
    );
  }
  if (code === "ExpiredToken" || code === "InvalidToken") {
    return make("credentials", `COS rejected the session token of ${context.identity} (${code}): temporary keys expire. Get new ones and set TENCENTCLOUD_SESSION_TOKEN with them.`);
  }
  if (code === "AccessDenied") {
    return make(
      "permission",
      `the key ${context.identity} may not write to the COS bucket ${context.bucket} (AccessDenied on ${context.action}). ` +
        "Grant it cos:PutObject and cos:HeadObject on that bucket in CAM (https://console.cloud.tencent.com/cam), e.g. with the QcloudCOSDataFullControl policy, or name a bucket it may write to.",
    );
  }
  if (code === "NoSuchBucket") {
    return make(
      "config",
      `the COS bucket ${context.bucket} does not exist in ${context.region}. Create it there (SCF takes code from a bucket in the function's region) or name another with --code-bucket.`,
    );
  }
  if ((error.statusCode ?? 0) >= 500) {
    return make("cloud", `COS had an internal error during ${context.action} of ${url} (${code ?? error.statusCode}, request ${requestId ?? "unknown"}); try again in a moment.`);
  }
  return make("cloud", `COS ${context.action} of ${url} failed: ${code ?? `HTTP ${error.statusCode ?? "error"}`}: ${cloudMessage}${requestId ? ` (request ${requestId})` : ""}`);
}
