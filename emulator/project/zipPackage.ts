import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The folder a zip package's code is unpacked into (at the first launch: see
 * core/runtime/codeArchive.ts): `cacheDir/zip/<sha256 of the zip>`, so an unchanged package
 * is unpacked once, across restarts too, and a changed one gets a new folder (the function's
 * spec changes, which restarts its instances).
 */
export function zipPackageCodeDir(cacheDir: string, archive: string): string {
  const digest = createHash("sha256").update(readFileSync(archive)).digest("hex").slice(0, 32);
  return join(cacheDir, "zip", digest);
}
