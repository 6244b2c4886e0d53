import type { SigningCredentials } from "./sigv4Check";

/**
 * The keys an AWS_IAM function URL accepts: those every Lambda function gets locally
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN; credentials/functionCredentials.ts).
 * Undefined when functions get none.
 */
export function awsSigningCredentials(env: Readonly<Record<string, string>>): SigningCredentials | undefined {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = env;
  if (!accessKeyId || !secretAccessKey) return undefined;
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}
