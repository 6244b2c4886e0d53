import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { PriceTable, Provider } from "../protocol";
import type { RuntimeFamily } from "./runtimeFamily";

export type ImageSource = "public" | "lambda";

/** ~/.config/faasbox/config.json: per-user settings that no project should carry. */
export interface UserConfig {
  /**
   * Images by runtime family (`nodejs`), by version (`nodejs@22`, written by `npm run setup`)
   * or by runtime name (`nodejs22.x`, `Python3.9`); see config/images.ts for the order.
   */
  images?: Partial<Record<RuntimeFamily, string>> & Record<string, string>;
  /** `lambda`: AWS's base images for the versions they exist for, instead of Docker Hub's official ones. */
  imageSource?: ImageSource;
  pricing?: Partial<Record<Provider, Partial<PriceTable>>>;
}

export function userConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(homedir(), ".config");
  return join(base, "faasbox", "config.json");
}

export function readUserConfig(path: string = userConfigPath()): UserConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return {};
  }
  try {
    return JSON.parse(text) as UserConfig;
  } catch (error) {
    throw new Error(`${path}: not valid JSON (${(error as Error).message}); expected {"images": {"nodejs": "IMAGE", ...}}`);
  }
}
