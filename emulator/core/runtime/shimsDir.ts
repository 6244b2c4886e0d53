import { existsSync } from "node:fs";
import { join } from "node:path";

/**
 * The runtime shims on the host: next to the bundle in dist/ (dist/shims), or in the
 * source tree when running from sources (emulator/shims).
 */
export function hostShimsDir(): string {
  for (const candidate of [join(__dirname, "shims"), join(__dirname, "..", "..", "shims")]) {
    if (existsSync(join(candidate, "node", "bootstrap.js"))) return candidate;
  }
  throw new Error(`runtime shims not found next to ${__dirname}; rebuild Faasbox (npm run build)`);
}
