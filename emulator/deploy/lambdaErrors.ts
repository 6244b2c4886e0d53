import { DeployError, networkError, networkErrorCode } from "./errors";
import { CODE_BUCKET_HOW_TO } from "./limits";
import { redact } from "./mask";

/** What the AWS SDK throws: the error code as `name`, HTTP status and request id in `$metadata`. */
interface AwsSdkError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

export interface LambdaErrorContext {
  action: string;
  functionName: string;
  region: string;
  identity: string;
  role?: string;
  secrets: ReadonlyArray<string | undefined>;
  retries: number;
}

const THROTTLES = new Set(["TooManyRequestsException", "ThrottlingException", "Throttling", "RequestLimitExceeded"]);
const BAD_CREDENTIALS = new Set(["UnrecognizedClientException", "InvalidSignatureException", "IncompleteSignatureException", "InvalidClientTokenId", "ExpiredTokenException", "MissingAuthenticationTokenException"]);
const NO_PERMISSION = new Set(["AccessDeniedException", "AccessDenied", "UnauthorizedOperation", "KMSAccessDeniedException"]);

export function awsErrorName(error: unknown): string | undefined {
  const name = (error as AwsSdkError | undefined)?.name;
  return typeof name === "string" && name !== "Error" ? name : undefined;
}

export function isLambdaThrottle(error: unknown): boolean {
  const name = awsErrorName(error);
  return (name !== undefined && THROTTLES.has(name)) || (error as AwsSdkError | undefined)?.$metadata?.httpStatusCode === 429;
}

/** A role created moments ago is not yet assumable: Lambda says so, and trying again a little later works. */
export function isRoleNotReady(error: unknown): boolean {
  return awsErrorName(error) === "InvalidParameterValueException" && /cannot be assumed/i.test((error as AwsSdkError).message ?? "");
}

export function mapLambdaError(error: unknown, context: LambdaErrorContext): DeployError {
  if (error instanceof DeployError) return error;
  const sdk = (error ?? {}) as AwsSdkError;
  const name = awsErrorName(error);
  const status = sdk.$metadata?.httpStatusCode;
  const cloudMessage = redact(sdk.message ?? String(error), context.secrets);
  const requestId = sdk.$metadata?.requestId;
  const make = (kind: DeployError["kind"], message: string) => new DeployError(kind, redact(message, context.secrets), name, requestId);
  const where = `${context.functionName} in ${context.region}`;

  if (!status) {
    const network = networkErrorCode(error);
    if (network) return networkError("AWS Lambda", `lambda.${context.region}.amazonaws.com`, network);
  }
  if (name === "InvalidSignatureException" && /expired/i.test(cloudMessage)) {
    return make("credentials", "AWS rejected the request as expired: this machine's clock is more than 5 minutes off. Set the clock right (e.g. enable NTP), then deploy again.");
  }
  if (name && BAD_CREDENTIALS.has(name)) {
    const why = name === "InvalidSignatureException" ? "the secret access key does not match the access key ID" : name === "ExpiredTokenException" ? "the session token has expired" : "the access key ID is unknown to AWS";
    return make(
      "credentials",
      `AWS credentials were rejected (${name}): ${why}. Check the key ${context.identity} and set the right one in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the ~/.aws/credentials profile you use (AWS_PROFILE).`,
    );
  }
  if (name && NO_PERMISSION.has(name)) {
    return make(
      "permission",
      `${context.identity} is not allowed to call lambda:${context.action} (${name}: ${cloudMessage}). Attach the AWSLambda_FullAccess policy, or one allowing lambda:GetFunction, lambda:CreateFunction, ` +
        "lambda:UpdateFunctionCode, lambda:UpdateFunctionConfiguration, lambda:GetFunctionUrlConfig, lambda:CreateFunctionUrlConfig and lambda:AddPermission, plus iam:PassRole on the execution role.",
    );
  }
  if (isLambdaThrottle(error)) {
    return make("throttled", `Lambda is throttling this account (${name ?? "HTTP 429"}) and still was after ${context.retries} retries; wait a minute and deploy again.`);
  }
  if ((name === "InvalidParameterValueException" || name === "ValidationException") && /runtime/i.test(cloudMessage)) {
    return make("runtime", `Lambda does not accept the runtime of ${where}: ${cloudMessage}. Set a runtime Lambda supports for new functions, such as nodejs22.x or python3.12, in the template.`);
  }
  if (isRoleNotReady(error) || ((name === "InvalidParameterValueException" || name === "ValidationException") && /role/i.test(cloudMessage))) {
    return make(
      "config",
      `Lambda cannot use the execution role ${context.role ?? "given"} (${cloudMessage}). Check that the ARN is right and that the role's trust policy lets lambda.amazonaws.com assume it; a role created moments ago can take a few seconds to work.`,
    );
  }
  if (name === "CodeStorageExceededException") {
    return make("quota", "the account's Lambda code storage is full (75 GB per region by default). Delete old function versions and unused layers, or ask AWS for a higher quota.");
  }
  if (name === "RequestEntityTooLargeException") {
    return make("size", `the zip is too large for a direct upload to Lambda. Name an S3 bucket to deploy it through (${CODE_BUCKET_HOW_TO}), or move dependencies into a layer.`);
  }
  if (name === "ResourceConflictException") {
    return make("conflict", `another change to ${where} is in progress (${cloudMessage}); wait for it to finish and deploy again.`);
  }
  if (name === "ServiceException" || (status !== undefined && status >= 500)) {
    return make("cloud", `Lambda had an internal error during ${context.action} (${name ?? status}, request ${requestId ?? "unknown"}); try again in a moment.`);
  }
  return make("cloud", `Lambda ${context.action} failed for ${where}: ${name ?? "error"}: ${cloudMessage}${requestId ? ` (request ${requestId})` : ""}`);
}
