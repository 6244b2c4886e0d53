import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join } from "node:path";

const SOURCE_EXTENSIONS = new Set([".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx"]);
/** Bounds on a scan, so a huge code folder costs a launch little: files past these are not read. */
const MAX_FILES = 5_000;
const MAX_FILE_BYTES = 2 * 1024 * 1024;

/**
 * The package names matching `pattern` that the function's source files mention (an import, a
 * require, a string), outside its node_modules and dot-folders. A name only in a comment counts
 * too: installing one package too many costs less than a function that cannot start.
 */
export function mentionedPackages(codeDir: string, pattern: RegExp): Set<string> {
  const found = new Set<string>();
  let files = 0;
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return; // unreadable: the function cannot load it either
    }
    for (const name of names) {
      if (files >= MAX_FILES) return;
      if (name === "node_modules" || name.startsWith(".")) continue;
      const path = join(dir, name);
      const stats = statSync(path, { throwIfNoEntry: false });
      if (stats?.isDirectory()) walk(path);
      else if (stats?.isFile() && SOURCE_EXTENSIONS.has(extname(name)) && stats.size <= MAX_FILE_BYTES) {
        files++;
        for (const match of readFileSync(path, "utf8").matchAll(pattern)) found.add(packageName(match[0]));
      }
    }
  };
  walk(codeDir);
  return found;
}

/** "@scope/pkg/sub/path" → "@scope/pkg"; "pkg/sub" → "pkg". */
function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}
