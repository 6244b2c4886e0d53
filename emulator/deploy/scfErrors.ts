import { DeployError, networkError, networkErrorCode } from "./errors";
import { CODE_BUCKET_HOW_TO } from "./limits";
import { redact } from "./mask";
import { SCF_HOST } from "./scfClient";

/** What the SDK throws: TencentCloudSDKHttpException, with the API's error code when there is one. */
interface ScfSdkError {
  code?: string;
  message?: string;
  requestId?: string;
  httpCode?: number;
}

export interface ScfErrorContext {
  action: string;
  functionName: string;
  region: string;
  namespace: string;
  /** "AKID****1234 (from ...)": names the key without showing it. */
  identity: string;
  /** Values that must never appear in a message. */
  secrets: ReadonlyArray<string | undefined>;
  retries: number;
}

export function scfErrorCode(error: unknown): string | undefined {
  const code = (error as ScfSdkError | undefined)?.code;
  return typeof code === "string" && code !== "" ? code : undefined;
}

/** SCF asks callers to slow down with RequestLimitExceeded and its sub-codes. */
export function isScfThrottle(error: unknown): boolean {
  return scfErrorCode(error)?.startsWith("RequestLimitExceeded") ?? false;
}

/** SCF's and Tencent Cloud API's documented error codes, turned into what to do about them. */
export function mapScfError(error: unknown, context: ScfErrorContext): DeployError {
  if (error instanceof DeployError) return error;
  const sdk = (error ?? {}) as ScfSdkError;
  const code = scfErrorCode(error);
  const cloudMessage = redact(sdk.message ?? String(error), context.secrets);
  const where = `${context.functionName} in ${context.region}`;
  const make = (kind: DeployError["kind"], message: string) => new DeployError(kind, redact(message, context.secrets), code, sdk.requestId);

  if (!code) {
    const network = networkErrorCode(error);
    if (network) return networkError("Tencent Cloud SCF", SCF_HOST, network);
    if (sdk.httpCode) return make("cloud", `SCF ${context.action} failed with HTTP ${sdk.httpCode} (${cloudMessage}); try again later`);
    return make("cloud", `SCF ${context.action} failed: ${cloudMessage}`);
  }
  const keys = "TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY or ~/.tencentcloud/credentials";
  if (code === "AuthFailure.UnauthorizedOperation" || code.startsWith("UnauthorizedOperation")) {
    return make(
      "permission",
      `the key ${context.identity} is not allowed to call scf:${context.action} (${code}). ` +
        "Grant it in CAM (https://console.cloud.tencent.com/cam): the QcloudSCFFullAccess policy, or one allowing scf:GetFunction, scf:CreateFunction, scf:UpdateFunctionCode, scf:UpdateFunctionConfiguration and scf:CreateTrigger.",
    );
  }
  if (code === "AuthFailure.SignatureExpire") {
    return make("credentials", "Tencent Cloud rejected the request as expired: this machine's clock is more than 5 minutes off. Set the clock right (e.g. enable NTP), then deploy again.");
  }
  if (code === "AuthFailure.TokenFailure") {
    return make("credentials", `Tencent Cloud rejected the session token of ${context.identity} (${code}): temporary keys expire. Get new ones and set TENCENTCLOUD_SESSION_TOKEN with them.`);
  }
  if (code.startsWith("AuthFailure")) {
    const why =
      code === "AuthFailure.SignatureFailure"
        ? "the SecretKey does not belong to this SecretId"
        : code === "AuthFailure.SecretIdNotFound" || code === "AuthFailure.InvalidSecretId"
          ? "this SecretId does not exist or was deleted"
          : cloudMessage;
    return make(
      "credentials",
      `Tencent Cloud credentials were rejected (${code}): ${why}. Check the key ${context.identity} at https://console.cloud.tencent.com/cam/capi and set the right pair in ${keys}.`,
    );
  }
  if (code.startsWith("RequestLimitExceeded")) {
    return make("throttled", `SCF is throttling this account (${code}) and still was after ${context.retries} retries; wait a minute and deploy again.`);
  }
  if (code === "InvalidParameterValue.Runtime") {
    return make(
      "runtime",
      `SCF does not accept the runtime of ${where} (${cloudMessage}). Set a runtime SCF offers in the manifest, such as Nodejs18.15, Python3.9 or CustomRuntime, or deploy to a region that has this one.`,
    );
  }
  if (code === "RequestSizeLimitExceeded") {
    return make("size", `the code package is too large for one SCF API request (10 MB with base64 encoding). Name a COS bucket to deploy it through (${CODE_BUCKET_HOW_TO}), or move dependencies into an SCF layer.`);
  }
  if (code.startsWith("LimitExceeded") || code === "ResourceInsufficient") {
    return make("quota", `SCF refused ${context.action} for ${where} because a quota is reached (${code}: ${cloudMessage}). Delete unused functions, versions or triggers, or raise the quota in the SCF console.`);
  }
  if (code === "ResourceNotFound.Namespace") {
    return make("config", `the SCF namespace "${context.namespace}" does not exist in ${context.region}; create it in the SCF console or set an existing namespace in the manifest.`);
  }
  if (code === "UnsupportedRegion" || code === "InvalidParameterValue.Region") {
    return make("config", `SCF is not available in region "${context.region}" (${code}); deploy with --region set to an SCF region such as ap-guangzhou.`);
  }
  if (code === "InternalError" || code === "ServiceUnavailable" || code.startsWith("InternalError")) {
    return make("cloud", `SCF had an internal error during ${context.action} (${code}, request ${sdk.requestId ?? "unknown"}); try again in a moment.`);
  }
  return make("cloud", `SCF ${context.action} failed for ${where}: ${code}: ${cloudMessage} (request ${sdk.requestId ?? "unknown"})`);
}
