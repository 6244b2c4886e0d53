import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface DevOnlyPackages {
  /** Folders to leave out, relative to the code folder: "node_modules/mocha", "node_modules/@types/node". */
  folders: Set<string>;
  /** Which file decided, for the package summary. */
  source: "package-lock.json" | "package.json" | "none";
}

/**
 * The installed packages only development needs, so the zip carries what runs in the cloud.
 *
 * With an npm lockfile (version 2 or 3) the answer is exact: npm marks every package that
 * only dev dependencies pull in with `"dev": true`, transitive ones included. Without one
 * the rule is the simple one: `node_modules/NAME` for each `devDependencies` entry that is
 * not also in `dependencies` or `optionalDependencies`; what those packages pull in stays.
 */
export function devOnlyPackages(codeDir: string): DevOnlyPackages {
  const lock = readJson(join(codeDir, "package-lock.json"));
  const packages = lock?.packages;
  if (typeof lock?.lockfileVersion === "number" && lock.lockfileVersion >= 2 && isMap(packages)) {
    const folders = new Set<string>();
    for (const [path, entry] of Object.entries(packages)) {
      if (path.startsWith("node_modules/") && isMap(entry) && entry.dev === true) folders.add(path);
    }
    return { folders, source: "package-lock.json" };
  }
  const manifest = readJson(join(codeDir, "package.json"));
  if (!manifest) return { folders: new Set(), source: "none" };
  const runtime = new Set([...keys(manifest.dependencies), ...keys(manifest.optionalDependencies)]);
  const folders = new Set(keys(manifest.devDependencies).filter((name) => !runtime.has(name)).map((name) => `node_modules/${name}`));
  return { folders, source: "package.json" };
}

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(path, "utf8"));
    return isMap(value) ? value : undefined;
  } catch {
    // No file, or one npm itself could not use: nothing is left out on its account.
    return undefined;
  }
}

function keys(value: unknown): string[] {
  return isMap(value) ? Object.keys(value) : [];
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
