import { readFileSync, statSync } from "node:fs";
import { parse } from "dotenv";

/**
 * The variables of a .env file, or undefined when there is no such file: the root and
 * code-folder .env files are optional, and only the caller knows whether a missing one
 * (a file named in faasbox.yml) is a problem.
 */
export function readEnvFile(path: string): Record<string, string> | undefined {
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch {
    return undefined;
  }
  if (!isFile) return undefined;
  return parse(readFileSync(path, "utf8"));
}
