import { lstatSync, readdirSync, readlinkSync, statSync, type Stats } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { devOnlyPackages, type DevOnlyPackages } from "./devDependencies";
import ignore from "ignore";
import { IgnoreRules } from "./ignoreRules";

/** One entry of the zip, before it is written. */
export interface PackageEntry {
  /** Inside the zip, forward slashes. */
  path: string;
  /** Where the bytes come from (a symlink outside the code folder is read through). */
  source: string;
  size: number;
  executable: boolean;
  /** Set for a symlink kept as a link (its target is inside the code folder). */
  linkTarget?: string;
}

export interface CollectedFiles {
  entries: PackageEntry[];
  warnings: string[];
  devDependencies: DevOnlyPackages;
}

/**
 * Left out whatever the ignore files say: version control, Faasbox's own state (events,
 * buckets, logs) and ignore file, and package managers' caches are never part of a function.
 */
const ALWAYS_LEFT_OUT = new Set([".git", ".faasbox", ".faasboxignore"]);

/**
 * Files the runtime executes directly. They get 0755 whatever the disk says, because a
 * checkout on Windows has no execute bits and the cloud would refuse to start them.
 */
const ALWAYS_EXECUTABLE = new Set(["bootstrap", "scf_bootstrap"]);

/**
 * Every file of `codeDir` that goes into the zip, sorted by path. `manifestExclude` (the
 * manifest's own patterns, relative to the code folder) has the last word: no ignore file
 * can bring back what the manifest leaves out.
 */
export function collectFiles(codeDir: string, projectRoot: string, manifestExclude: readonly string[] = []): CollectedFiles {
  const root = resolve(codeDir);
  const excluded = ignore().add([...manifestExclude]);
  const devDependencies = devOnlyPackages(root);
  const entries: PackageEntry[] = [];
  const warnings: string[] = [];

  const walk = (folder: string, inherited: IgnoreRules, folderInNodeModules: boolean): void => {
    // Packages ship their own .gitignore at times ("dist/" in a package that publishes dist),
    // so ignore files are not read inside node_modules.
    const here = folderInNodeModules ? inherited : inherited.withFolder(folder);
    for (const dirent of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, dirent.name);
      const rel = relative(root, path).split(sep).join("/");
      if (isAlwaysLeftOut(rel) || devDependencies.folders.has(rel)) continue;
      const inNodeModules = rel.split("/").includes("node_modules");
      const stats = lstatSync(path);
      if (excluded.ignores(stats.isDirectory() ? `${rel}/` : rel)) continue;
      if (stats.isSymbolicLink()) {
        const entry = symlinkEntry(root, path, rel, warnings);
        if (entry && !here.isIgnored(path, false, inNodeModules)) entries.push(entry);
      } else if (stats.isDirectory()) {
        // An ignored folder is not entered, so nothing under it can be re-included: git's rule too.
        if (!here.isIgnored(path, true, inNodeModules)) walk(path, here, inNodeModules);
      } else if (stats.isFile()) {
        if (!here.isIgnored(path, false, inNodeModules)) entries.push(fileEntry(path, rel, stats));
      }
    }
  };
  const above = IgnoreRules.aboveCodeDir(root, resolve(projectRoot));
  warnings.push(...above.notes);
  walk(root, above, false);
  // Byte order of the paths, not the locale's, so every machine writes the same zip.
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { entries, warnings, devDependencies };
}

function isAlwaysLeftOut(rel: string): boolean {
  const parts = rel.split("/");
  if (parts.some((part) => ALWAYS_LEFT_OUT.has(part))) return true;
  // node_modules/.cache holds build tools' caches (babel, eslint, webpack), often large.
  return parts.some((part, index) => part === ".cache" && parts[index - 1] === "node_modules");
}

function fileEntry(source: string, rel: string, stats: Stats): PackageEntry {
  return { path: rel, source, size: stats.size, executable: ALWAYS_EXECUTABLE.has(basename(rel)) || (stats.mode & 0o111) !== 0 };
}

/**
 * A link inside the code folder stays a link (node_modules/.bin, pnpm layouts), as `zip -y`
 * stores it. One pointing outside would dangle in the cloud, so a file is copied in and a
 * folder is left out, each with a warning.
 */
function symlinkEntry(root: string, path: string, rel: string, warnings: string[]): PackageEntry | undefined {
  const target = readlinkSync(path);
  const resolved = resolve(dirname(path), target);
  if (resolved.startsWith(root + sep)) {
    return { path: rel, source: path, size: Buffer.byteLength(target), executable: false, linkTarget: target };
  }
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch {
    warnings.push(`${rel} is a symlink to ${target}, which does not exist; it is left out`);
    return undefined;
  }
  if (stats.isFile()) {
    warnings.push(`${rel} is a symlink to ${resolved}, outside the code folder; its content is copied into the zip`);
    return fileEntry(resolved, rel, stats);
  }
  warnings.push(`${rel} is a symlink to the folder ${resolved}, outside the code folder; it is left out (copy it into the code folder to deploy it)`);
  return undefined;
}
