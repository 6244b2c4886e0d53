import { DeployError } from "./errors";
import { maskSecret } from "./mask";

/** An AWS access key, passed in by the editor (from its secret storage). */
export interface AwsCredentialInput {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export const AWS_CREDENTIALS_HOW_TO =
  "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (plus AWS_SESSION_TOKEN for temporary keys), " +
  "or add a profile to ~/.aws/credentials (`aws configure`, or `aws sso login` for SSO) and pick it with AWS_PROFILE.";

/** What the AWS SDK's credential provider gives, as much of it as Faasbox reads. */
interface ResolvedAwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/**
 * Resolves the client's credentials now, before any request, so a missing key is reported
 * as such (naming every way to give one) rather than as a failed GetFunction. Without
 * explicit credentials the SDK's default chain runs: environment, ~/.aws profiles
 * (AWS_PROFILE), SSO, credential_process, web identity, then container and EC2 roles.
 */
export async function resolveAwsCredentials(
  provider: () => Promise<ResolvedAwsCredentials>,
  explicit: AwsCredentialInput | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<{ credentials: ResolvedAwsCredentials; description: string }> {
  let credentials: ResolvedAwsCredentials;
  try {
    credentials = await provider();
  } catch (error) {
    const profile = env.AWS_PROFILE ? ` (AWS_PROFILE=${env.AWS_PROFILE})` : "";
    const reason = (error as Error).message.split("\n")[0];
    throw new DeployError("credentials", `no AWS credentials found${profile}: ${reason}. ${AWS_CREDENTIALS_HOW_TO}`);
  }
  const source = explicit
    ? "the credentials given"
    : env.AWS_ACCESS_KEY_ID
      ? "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"
      : `the AWS default credential chain, profile ${env.AWS_PROFILE || "default"}`;
  return { credentials, description: `${maskSecret(credentials.accessKeyId)} (from ${source})` };
}
