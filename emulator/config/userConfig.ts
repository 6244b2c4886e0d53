import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { PriceTable, Provider } from "../protocol";
import type { RuntimeFamily } from "./runtimeFamily";

/** ~/.config/faasbox/config.json: per-user settings that no project should carry. */
export interface UserConfig {
  images?: Partial<Record<RuntimeFamily, string>>;
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
