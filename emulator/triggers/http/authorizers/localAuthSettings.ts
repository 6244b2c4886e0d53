import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { createLocalJWKSet, createRemoteJWKSet, type JWTVerifyGetKey } from "jose";
import { API_KEYS_VARIABLE, JWKS_VARIABLE } from "../../../project/samApiAuth";

/**
 * What the cloud holds and a local run cannot know, set by the user in the emulator's
 * environment (the same variables the SAM reader warns about at the template's line):
 * FAASBOX_JWKS: the keys that sign the tokens JWT and Cognito authorizers accept, a JWKS JSON
 *   file (absolute, or relative to the emulator's working folder) or an http(s) URL on
 *   loopback (a local identity provider). Unset: signatures are not verified, claims still are.
 * FAASBOX_API_KEYS: the API keys REST APIs accept, comma-separated. Unset: none, so every
 *   request to a key-protected route is refused, as the cloud refuses a key it does not know.
 */
export interface LocalAuthSettings {
  jwks?: string;
  apiKeys: string[];
}

export function localAuthSettings(env: Readonly<Record<string, string | undefined>> = process.env): LocalAuthSettings {
  const keys = (env[API_KEYS_VARIABLE] ?? "").split(",").map((key) => key.trim()).filter(Boolean);
  return { jwks: env[JWKS_VARIABLE] || undefined, apiKeys: keys };
}

/**
 * The key set named by FAASBOX_JWKS. A URL must be on loopback: the emulator works offline and
 * sends nothing of the user's tokens elsewhere; a file is re-read when it changes.
 */
export class JwksKeys {
  private remote?: JWTVerifyGetKey;
  private file?: { text: string; keys: JWTVerifyGetKey };

  constructor(private readonly source: string) {}

  /** The key lookup, or why there is none. */
  lookup(): JWTVerifyGetKey | string {
    if (/^https?:\/\//i.test(this.source)) {
      const url = new URL(this.source);
      if (!["localhost", "127.0.0.1", "[::1]"].includes(url.hostname) && !url.hostname.startsWith("127.")) {
        return `${JWKS_VARIABLE} must be a file or a URL on loopback (localhost, 127.0.0.1, [::1]); got ${url.hostname}`;
      }
      this.remote ??= createRemoteJWKSet(url, { cooldownDuration: 0 });
      return this.remote;
    }
    let text: string;
    try {
      text = readFileSync(resolve(this.source), "utf8");
    } catch (error) {
      return `${JWKS_VARIABLE} names ${resolve(this.source)}, which cannot be read: ${(error as Error).message}`;
    }
    if (this.file?.text !== text) {
      try {
        this.file = { text, keys: createLocalJWKSet(JSON.parse(text)) };
      } catch (error) {
        return `${JWKS_VARIABLE} names ${resolve(this.source)}, which is not a JWKS ({"keys": [...]}): ${(error as Error).message}`;
      }
    }
    return this.file.keys;
  }
}
