import { copyFileSync, constants, lstatSync, mkdirSync, symlinkSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { collectFiles } from "../deploy/collectFiles";

/**
 * Copies a function's code into `target` (an empty folder): the files a deploy would
 * package (the ignore files, the manifest's excludes and the symlink rules of
 * collectFiles: nothing from outside the code folder, a link inside it kept as a link), less
 * the top-level folders the install recreates. Throws the PackagingError that names each
 * file that cannot be copied. Returns the warnings (e.g. `.env` files left out).
 */
export function stageCode(codeDir: string, projectRoot: string, target: string, options: { exclude?: readonly string[]; skipTopLevel?: readonly string[] } = {}): string[] {
  const collected = collectFiles(codeDir, projectRoot, options.exclude ?? []);
  const skipped = new Set(options.skipTopLevel ?? []);
  for (const entry of collected.entries) {
    if (skipped.has(entry.path.split("/")[0])) continue;
    const destination = join(target, ...entry.path.split("/"));
    if (!isInside(destination, target)) throw new Error(`${entry.path}: would be written outside the build folder; refusing to copy it`);
    mkdirSync(dirname(destination), { recursive: true });
    if (entry.linkTarget !== undefined) symlinkSync(entry.linkTarget, destination);
    else {
      // The source was checked to be a regular file when collected; one swapped for a link since is not followed.
      if (lstatSync(entry.source).isSymbolicLink()) throw new Error(`${entry.path}: became a symlink while the code was being copied; run faasbox build again`);
      copyFileSync(entry.source, destination, constants.COPYFILE_EXCL);
    }
  }
  return collected.warnings;
}

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel !== "" && !rel.startsWith(`..${sep}`) && rel !== "..";
}
