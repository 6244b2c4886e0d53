import { readFileSync, statSync } from "node:fs";
import { parse } from "dotenv";
import { ManifestError } from "./errors";

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
  try {
    return parse(readFileSync(path, "utf8"));
  } catch (error) {
    // The file system's refusal (EACCES, EISDIR...) is the user's to fix; anything else is ours.
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code !== "string") throw error;
    throw new ManifestError(path, 1, "(file)", `cannot be read (${code}); make it readable or remove it`);
  }
}
