import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { DeployError } from "./errors";
import { readIniSection } from "./iniFile";
import { maskSecret } from "./mask";

/** A Tencent Cloud API key, passed in by the editor (from its secret storage) or found here. */
export interface ScfCredentialInput {
  secretId: string;
  secretKey: string;
  /** For temporary keys (STS). */
  token?: string;
}

export interface ScfCredentials extends ScfCredentialInput {
  /** Where they came from, for the plan: "TENCENTCLOUD_SECRET_ID", "~/.tencentcloud/credentials"... */
  source: string;
}

export interface ScfCredentialOptions {
  credentials?: ScfCredentialInput;
  env?: Readonly<Record<string, string | undefined>>;
  /** Where ~/.tencentcloud lives; the user's home by default. */
  homeDir?: string;
}

const HOW_TO =
  "Set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY (plus TENCENTCLOUD_SESSION_TOKEN for temporary keys), " +
  "or write them to ~/.tencentcloud/credentials as\n  [default]\n  secret_id = AKID...\n  secret_key = ...\n" +
  "Create an API key at https://console.cloud.tencent.com/cam/capi.";

/**
 * Credentials given directly win, then the environment, then the [default] profile of
 * ~/.tencentcloud/credentials: the order of Tencent's own SDK and CLI, without their CVM
 * role lookups, which would stall for seconds on a laptop.
 */
export function resolveScfCredentials(options: ScfCredentialOptions = {}): ScfCredentials {
  if (options.credentials) {
    const { secretId, secretKey } = options.credentials;
    if (!secretId || !secretKey) {
      throw new DeployError("credentials", `the Tencent Cloud credentials given lack ${!secretId ? "the SecretId" : "the SecretKey"}. ${HOW_TO}`);
    }
    return { ...options.credentials, source: "the credentials given" };
  }
  const env = options.env ?? process.env;
  const envId = env.TENCENTCLOUD_SECRET_ID;
  const envKey = env.TENCENTCLOUD_SECRET_KEY;
  if (envId || envKey) {
    if (!envId || !envKey) {
      const missing = envId ? "TENCENTCLOUD_SECRET_KEY" : "TENCENTCLOUD_SECRET_ID";
      const present = envId ? "TENCENTCLOUD_SECRET_ID" : "TENCENTCLOUD_SECRET_KEY";
      throw new DeployError("credentials", `${present} is set but ${missing} is not; set both. ${HOW_TO}`);
    }
    return { secretId: envId, secretKey: envKey, token: env.TENCENTCLOUD_SESSION_TOKEN || undefined, source: "TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY" };
  }
  const file = join(options.homeDir ?? homedir(), ".tencentcloud", "credentials");
  let text: string | undefined;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    text = undefined;
  }
  if (text === undefined) {
    throw new DeployError("credentials", `no Tencent Cloud credentials: TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY are not set and ${file} does not exist. ${HOW_TO}`);
  }
  const profile = readIniSection(text, "default");
  if (!profile?.secret_id || !profile.secret_key) {
    const lacks = !profile ? "has no [default] section" : !profile.secret_id ? "has no secret_id in [default]" : "has no secret_key in [default]";
    throw new DeployError("credentials", `no usable Tencent Cloud credentials: ${file} ${lacks}. ${HOW_TO}`);
  }
  return { secretId: profile.secret_id, secretKey: profile.secret_key, token: profile.token || undefined, source: file };
}

/** "AKID****1234 (from ...)", what the plan shows of the key. */
export function describeScfCredentials(credentials: ScfCredentials): string {
  return `${maskSecret(credentials.secretId)} (from ${credentials.source})`;
}
