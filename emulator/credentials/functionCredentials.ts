import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { resolveScfCredentials } from "../deploy/scfCredentials";
import { maskSecret } from "../deploy/mask";
import type { Dialect } from "../project/spec";

/**
 * The user's own cloud credentials, handed to every function of their cloud as the cloud
 * hands an execution role's (Lambda) or a run role's (SCF) temporary keys, so SDK calls
 * from a function work locally as in `sam local`. Resolved once, when the emulator starts.
 */
export interface FunctionCredentials {
  /** The variables each function of a dialect gets (none when there are no credentials). */
  env: Record<Dialect, Record<string, string>>;
  /** One line per cloud for `faasbox start`: where the keys came from, never their values. */
  summary: string[];
  /** Every secret value, so anything printed can be redacted. */
  secrets: string[];
}

export interface CredentialOptions {
  /** `--no-credentials` / the faasbox.credentials.enabled setting: functions get no keys. */
  disabled?: boolean;
  /** `--profile NAME` / faasbox.aws.profile: the AWS profile, over AWS_PROFILE and the environment's keys. */
  profile?: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** Where ~/.aws and ~/.tencentcloud live; the user's home by default. */
  homeDir?: string;
}

/** An asked-for profile that gives no credentials: start stops, naming it and why. */
export class CredentialError extends Error {}

export const NO_CREDENTIALS: FunctionCredentials = { env: { aws: {}, scf: {} }, summary: [], secrets: [] };

export async function resolveFunctionCredentials(options: CredentialOptions = {}): Promise<FunctionCredentials> {
  if (options.disabled) {
    return { ...NO_CREDENTIALS, summary: ["credentials: none given to functions (--no-credentials)"] };
  }
  const env = options.env ?? process.env;
  const home = options.homeDir ?? homedir();
  const aws = await awsCredentials(options.profile, env, home);
  const scf = scfCredentials(env, home);
  return {
    env: { aws: aws.env, scf: scf.env },
    summary: [aws.line, scf.line],
    secrets: [...Object.values(aws.env), ...Object.values(scf.env)],
  };
}

interface OneCloud {
  env: Record<string, string>;
  line: string;
}

const HOW_TO_GIVE = "export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (for SSO: `eval \"$(aws configure export-credentials --profile NAME --format env)\"`)";

/**
 * Lambda's execution-role keys: AWS_ACCESS_KEY, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
 * AWS_SESSION_TOKEN are reserved variables holding "the access keys obtained from the
 * function's execution role"
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
 * Locally they are the user's own, found as the AWS CLI finds them: an explicit profile
 * first, then the environment's keys, then AWS_PROFILE or [default] in ~/.aws/credentials
 * and ~/.aws/config (with the SDK's own support for session tokens, assume-role,
 * credential_process and SSO caches). Instance metadata (EC2/ECS roles) is not asked:
 * on a laptop it would stall for seconds.
 */
async function awsCredentials(profile: string | undefined, env: Readonly<Record<string, string | undefined>>, home: string): Promise<OneCloud> {
  const fromEnv = env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY;
  if (!profile && fromEnv) {
    return awsResult(env.AWS_ACCESS_KEY_ID!, env.AWS_SECRET_ACCESS_KEY!, env.AWS_SESSION_TOKEN || undefined, "the environment (AWS_ACCESS_KEY_ID)");
  }
  const name = profile ?? env.AWS_PROFILE ?? "default";
  const filepath = env.AWS_SHARED_CREDENTIALS_FILE || join(home, ".aws", "credentials");
  const configFilepath = env.AWS_CONFIG_FILE || join(home, ".aws", "config");
  // Without a profile asked for and without either file there is nothing to read: the SDK's
  // provider (about 350 modules an emulator would then hold while idle) is not loaded.
  if (!profile && !existsSync(filepath) && !existsSync(configFilepath)) {
    return { env: {}, line: `AWS credentials: none found (no ${filepath} or ${configFilepath}); AWS functions get none. To give them some, ${HOW_TO_GIVE}, or pick a profile with --profile` };
  }
  try {
    const { fromIni } = await import("@aws-sdk/credential-provider-ini");
    const found = await fromIni({ profile: name, filepath, configFilepath, ignoreCache: true })();
    return awsResult(found.accessKeyId, found.secretAccessKey, found.sessionToken, `profile ${name} (${filepath}, ${configFilepath})`);
  } catch (error) {
    const reason = (error as Error).message.split("\n")[0];
    if (profile) throw new CredentialError(`AWS profile "${profile}" gives no credentials: ${reason}. Fix the profile, or ${HOW_TO_GIVE}`);
    return { env: {}, line: `AWS credentials: none found (profile ${name}: ${reason}); AWS functions get none. To give them some, ${HOW_TO_GIVE}, or pick a profile with --profile` };
  }
}

function awsResult(accessKeyId: string, secretAccessKey: string, sessionToken: string | undefined, source: string): OneCloud {
  const env: Record<string, string> = {
    AWS_ACCESS_KEY_ID: accessKeyId,
    // The older name Lambda still sets beside AWS_ACCESS_KEY_ID (same page as above).
    AWS_ACCESS_KEY: accessKeyId,
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
    ...(sessionToken ? { AWS_SESSION_TOKEN: sessionToken } : {}),
  };
  return { env, line: `AWS credentials: ${maskSecret(accessKeyId)} from ${source}, given to AWS functions` };
}

/**
 * SCF's run-role keys: TENCENTCLOUD_SECRETID, TENCENTCLOUD_SECRETKEY and
 * TENCENTCLOUD_SESSIONTOKEN, the temporary keys of the function's role
 * (https://www.tencentcloud.com/zh/document/product/583/32748, the built-in variables table).
 * Locally they are the user's own, found as `faasbox deploy` finds them
 * (deploy/scfCredentials.ts: TENCENTCLOUD_SECRET_ID... then ~/.tencentcloud/credentials).
 * A long-lived key has no token: the variable is then left out rather than set empty.
 */
function scfCredentials(env: Readonly<Record<string, string | undefined>>, home: string): OneCloud {
  const hasEnv = env.TENCENTCLOUD_SECRET_ID || env.TENCENTCLOUD_SECRET_KEY;
  let found;
  try {
    found = resolveScfCredentials({ env, homeDir: home });
  } catch (error) {
    const reason = hasEnv ? (error as Error).message.split(". ")[0] : "TENCENTCLOUD_SECRET_ID is not set and ~/.tencentcloud/credentials has no [default] key";
    return { env: {}, line: `Tencent Cloud credentials: none (${reason}); SCF functions get none` };
  }
  const result: Record<string, string> = { TENCENTCLOUD_SECRETID: found.secretId, TENCENTCLOUD_SECRETKEY: found.secretKey };
  if (found.token) result.TENCENTCLOUD_SESSIONTOKEN = found.token;
  return { env: result, line: `Tencent Cloud credentials: ${maskSecret(found.secretId)} from ${found.source}, given to SCF functions` };
}
