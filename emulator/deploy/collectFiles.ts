import { closeSync, constants, lstatSync, openSync, readdirSync, readlinkSync, readSync, realpathSync, statSync, type Dirent, type Stats } from "node:fs";
import { basename, dirname, isAbsolute, join, posix, relative, resolve, sep } from "node:path";
import { devOnlyPackages, type DevOnlyPackages } from "./devDependencies";
import ignore from "ignore";
import { PackagingError } from "./errors";
import { IgnoreFileError, IgnoreRules } from "./ignoreRules";

/** One entry of the zip, before it is written. */
export interface PackageEntry {
  /** Inside the zip, forward slashes. */
  path: string;
  /** Where the bytes come from: always a regular file inside the code folder. */
  source: string;
  size: number;
  executable: boolean;
  /** Set for a symlink kept as a link: the path, relative to the link's folder, of its real target inside the code folder. */
  linkTarget?: string;
}

export interface CollectedFiles {
  entries: PackageEntry[];
  warnings: string[];
  devDependencies: DevOnlyPackages;
  /** `.env` files left out because they usually hold secrets (paths relative to the code folder); also in `warnings`. */
  secretsLeftOut: string[];
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

/** Opened to check a file can be read: never through a link, and never waiting on a FIFO swapped in. */
const OPEN_TO_CHECK = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * Every file of `codeDir` that goes into the zip, sorted by path. `manifestExclude` (the
 * manifest's own patterns, relative to the code folder) has the last word: no ignore file
 * can bring back what the manifest leaves out.
 *
 * Nothing from outside the code folder goes in, whatever the folder holds (a cloned
 * repository can hold anything, such as a link to the deployer's ~/.aws/credentials):
 * - a symlink whose real target (every link on the way followed) is a file or folder inside
 *   the code folder stays a link, as `zip -y` stores it (node_modules/.bin, pnpm's layout),
 *   its target rewritten relative to the link; no bytes are read through it;
 * - a symlink that leads outside the code folder, dangles or loops, and anything that is not
 *   a regular file or folder (FIFO, socket, device), is a problem, as is a file or folder
 *   that cannot be read. Any problem stops the packaging: a PackagingError names each one.
 * What the ignore rules leave out is never looked at, so leaving a file out always works.
 *
 * Hard links cannot be detected reliably: a hard link is the file itself under another name,
 * with nothing that tells which name came first or where the other names are. One to a file
 * outside would be packaged; making it takes write access to the same file system, and git
 * does not record hard links, so a cloned repository cannot bring one.
 *
 * `.env` and `.env.*` files (outside node_modules) are left out: they hold secrets far more
 * often than code reads them in the cloud. A `!pattern` in a `.faasboxignore` naming one brings
 * it back. Those left out are in `secretsLeftOut` and in a warning.
 */
export function collectFiles(codeDir: string, projectRoot: string, manifestExclude: readonly string[] = []): CollectedFiles {
  const root = resolve(codeDir);
  // Where links really lead is compared with where the code folder really is.
  const realRoot = realpathSync(root);
  const problems: string[] = [];
  // devOnlyPackages reads these two whole: a FIFO or a device would hang it.
  for (const name of ["package.json", "package-lock.json"]) {
    const problem = notRegular(join(root, name), name);
    if (problem) problems.push(problem);
  }
  if (problems.length > 0) throw new PackagingError(root, problems);
  const excluded = ignore().add([...manifestExclude]);
  const devDependencies = devOnlyPackages(root);
  const entries: PackageEntry[] = [];
  const warnings: string[] = [];
  const secretsLeftOut: string[] = [];
  const links: KeptLink[] = [];
  const foldersWalked = new Set<string>([""]);

  const walk = (folder: string, folderRel: string, inherited: IgnoreRules, folderInNodeModules: boolean): void => {
    // Packages ship their own .gitignore at times ("dist/" in a package that publishes dist),
    // so ignore files are not read inside node_modules.
    let here: IgnoreRules;
    let dirents: Dirent[];
    try {
      here = folderInNodeModules ? inherited : inherited.withFolder(folder);
      dirents = readdirSync(folder, { withFileTypes: true });
    } catch (error) {
      if (error instanceof IgnoreFileError) problems.push(`${toRel(root, error.path)}: ${error.message}`);
      else problems.push(readProblem(folderRel === "" ? "." : `${folderRel}/`, error));
      return;
    }
    for (const dirent of dirents) {
      const path = join(folder, dirent.name);
      const rel = folderRel === "" ? dirent.name : `${folderRel}/${dirent.name}`;
      if (isAlwaysLeftOut(rel) || devDependencies.folders.has(rel)) continue;
      const inNodeModules = rel.split("/").includes("node_modules");
      let stats: Stats;
      try {
        stats = lstatSync(path);
      } catch (error) {
        problems.push(readProblem(rel, error));
        continue;
      }
      const isFolder = stats.isDirectory();
      // A link is matched as a file and as a folder: `shared/` also leaves out a link to a folder.
      const asFile = !isFolder;
      const asFolder = isFolder || stats.isSymbolicLink();
      if ((asFile && excluded.ignores(rel)) || (asFolder && excluded.ignores(`${rel}/`))) continue;
      // An ignored folder is not entered, so nothing under it can be re-included: git's rule too.
      if ((asFile && here.isIgnored(path, false, inNodeModules)) || (asFolder && here.isIgnored(path, true, inNodeModules))) continue;
      if (asFile && !inNodeModules && isEnvFile(dirent.name) && !here.isReincludedForDeploy(path, false, inNodeModules)) {
        secretsLeftOut.push(rel);
        continue;
      }
      if (stats.isSymbolicLink()) {
        const link = keptLink(realRoot, path, rel);
        if (typeof link === "string") problems.push(link);
        else {
          entries.push(link.entry);
          links.push(link);
        }
      } else if (isFolder) {
        foldersWalked.add(rel);
        walk(path, rel, here, inNodeModules);
      } else if (stats.isFile()) {
        const problem = unreadable(path, rel);
        if (problem) problems.push(problem);
        else entries.push(fileEntry(path, rel, stats));
      } else {
        problems.push(`${rel}: ${describeType(stats)}, not a regular file. Only files, folders and links to them inside the code folder can be deployed: delete it, ${leaveOutHint(rel)}`);
      }
    }
  };
  let above: IgnoreRules;
  try {
    above = IgnoreRules.aboveCodeDir(root, resolve(projectRoot));
  } catch (error) {
    if (error instanceof IgnoreFileError) throw new PackagingError(root, [`${toRel(root, error.path)}: ${error.message}`]);
    throw error;
  }
  warnings.push(...above.notes);
  walk(root, "", above, false);
  if (problems.length > 0) throw new PackagingError(root, problems);
  if (secretsLeftOut.length > 0) {
    const example = `!${basename(secretsLeftOut[0])}`;
    warnings.push(
      `left out of the zip: ${secretsLeftOut.join(", ")}: .env files usually hold secrets (keys, passwords), so they are not deployed unless asked for; to deploy one, name it with "!" in .faasboxignore (e.g. "${example}"), or better, set the values as the function's environment in the manifest`,
    );
  }
  // A link kept whose target is left out would point nowhere once unzipped.
  const packaged = new Set(entries.map((entry) => entry.path));
  for (const link of links) {
    if (link.targetIsFolder ? foldersWalked.has(link.targetRel) : packaged.has(link.targetRel)) continue;
    warnings.push(`${link.entry.path} is a symlink to ${link.targetRel || "."}, which is left out of the zip, so the link will lead nowhere in the cloud; deploy its target too, or leave the link out in .faasboxignore`);
  }
  // Byte order of the paths, not the locale's, so every machine writes the same zip.
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { entries, warnings, devDependencies, secretsLeftOut };
}

/**
 * Why writing the zip failed, file by file, for entries collected a moment before: the file
 * the error names; else the files that changed since (gone, replaced, resized); else the
 * first one that cannot be read through, since a read error such as EIO names no file.
 * Empty when no file explains the failure.
 */
export function zipReadProblems(entries: readonly PackageEntry[], error: unknown): string[] {
  const files = entries.filter((entry) => entry.linkTarget === undefined);
  const failedPath = (error as { path?: unknown } | undefined)?.path;
  const named = files.find((entry) => entry.source === failedPath);
  if (named) return [readProblem(named.path, error)];
  const problems: string[] = [];
  for (const entry of files) {
    let stats: Stats;
    try {
      stats = lstatSync(entry.source);
    } catch (statError) {
      problems.push(readProblem(entry.path, statError));
      continue;
    }
    if (!stats.isFile()) {
      problems.push(`${entry.path}: became ${describeType(stats)} while the code folder was being packaged. ${RUN_AGAIN}`);
    } else if (stats.size !== entry.size) {
      problems.push(`${entry.path}: changed while the code folder was being packaged (${entry.size} bytes, then ${stats.size}). ${RUN_AGAIN}`);
    }
  }
  if (problems.length > 0) return problems;
  for (const entry of files) {
    const problem = unreadable(entry.source, entry.path, true);
    if (problem) return [problem];
  }
  return [];
}

const RUN_AGAIN = "Run the command again once nothing is changing the code folder";

function isAlwaysLeftOut(rel: string): boolean {
  const parts = rel.split("/");
  if (parts.some((part) => ALWAYS_LEFT_OUT.has(part))) return true;
  // node_modules/.cache holds build tools' caches (babel, eslint, webpack), often large.
  return parts.some((part, index) => part === ".cache" && parts[index - 1] === "node_modules");
}

/** `.env`, `.env.local`, `.env.production`...: dotenv's files, where secrets usually are. */
function isEnvFile(name: string): boolean {
  return name === ".env" || name.startsWith(".env.");
}

function fileEntry(source: string, rel: string, stats: Stats): PackageEntry {
  return { path: rel, source, size: stats.size, executable: ALWAYS_EXECUTABLE.has(basename(rel)) || (stats.mode & 0o111) !== 0 };
}

/** A link that goes in the zip, and what it leads to (relative to the code folder, forward slashes). */
interface KeptLink {
  entry: PackageEntry;
  targetRel: string;
  targetIsFolder: boolean;
}

/** The link as it goes in the zip, or the problem with it. */
function keptLink(realRoot: string, path: string, rel: string): KeptLink | string {
  let target: string;
  let real: string;
  try {
    target = readlinkSync(path);
  } catch (error) {
    return readProblem(rel, error);
  }
  try {
    real = realpathSync(path);
  } catch (error) {
    const code = errorCode(error);
    if (code === "ELOOP") {
      return `${rel}: a symlink to ${target} that loops (following it comes back to a link already followed). Remove the link, ${leaveOutHint(rel)}`;
    }
    if (code === "ENOENT" || code === "ENOTDIR") {
      return `${rel}: a symlink to ${target}, which does not exist. Remove the link or point it at a file inside the code folder, ${leaveOutHint(rel)}`;
    }
    return `${rel}: a symlink to ${target} that cannot be followed (${messageOf(error)}). Remove the link, ${leaveOutHint(rel)}`;
  }
  const fromRoot = relative(realRoot, real);
  if (fromRoot === ".." || fromRoot.startsWith(`..${sep}`) || isAbsolute(fromRoot)) {
    const really = real === resolve(dirname(path), target) ? "" : ` (really ${real})`;
    return `${rel}: a symlink to ${target}${really}, outside the code folder. Nothing outside the code folder is deployed: copy what the function needs into the code folder and remove the link, ${leaveOutHint(rel)}`;
  }
  let stats: Stats;
  try {
    stats = statSync(real);
  } catch (error) {
    return readProblem(rel, error);
  }
  if (!stats.isFile() && !stats.isDirectory()) {
    return `${rel}: a symlink to ${target}, which is ${describeType(stats)}, not a regular file. Only files, folders and links to them can be deployed: remove the link, ${leaveOutHint(rel)}`;
  }
  const targetRel = fromRoot.split(sep).join("/");
  const stored = posix.relative(posix.dirname(rel), targetRel) || ".";
  return {
    entry: { path: rel, source: path, size: Buffer.byteLength(stored), executable: false, linkTarget: stored },
    targetRel,
    targetIsFolder: stats.isDirectory(),
  };
}

/**
 * The problem with reading a regular file, if any: opened without following a link (one
 * swapped in since is refused) and without waiting (a FIFO swapped in would block), and with
 * `readThrough` (after a failed zip) read to the end.
 */
function unreadable(path: string, rel: string, readThrough = false): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, OPEN_TO_CHECK);
    if (readThrough) {
      const buffer = Buffer.alloc(64 * 1024);
      while (readSync(fd, buffer, 0, buffer.length, null) > 0);
    }
    return undefined;
  } catch (error) {
    return readProblem(rel, error);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** When `path` exists and is not a regular file (through links), the problem with it. */
function notRegular(path: string, rel: string): string | undefined {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    const code = errorCode(error);
    return code === "ENOENT" || code === "ENOTDIR" ? undefined : readProblem(rel, error);
  }
  return stats.isFile() ? undefined : `${rel}: ${describeType(stats)}, not a regular file, so it cannot be read. Replace it with a regular file or delete it`;
}

/** What failed when reading a file or folder, and what to do. */
function readProblem(rel: string, error: unknown): string {
  switch (errorCode(error)) {
    case "EACCES":
    case "EPERM":
      return `${rel}: cannot be read (permission denied). Make it readable (chmod u+r), ${leaveOutHint(rel)}`;
    case "ENOENT":
      return `${rel}: disappeared while the code folder was being packaged. ${RUN_AGAIN}`;
    case "ELOOP":
      return `${rel}: became a symlink while the code folder was being packaged. ${RUN_AGAIN}`;
    default:
      return `${rel}: cannot be read (${messageOf(error)}). Check the file and the disk it is on, ${leaveOutHint(rel)}`;
  }
}

function leaveOutHint(rel: string): string {
  return `or leave it out with the line "${rel}" in .faasboxignore`;
}

function describeType(stats: Stats): string {
  if (stats.isDirectory()) return "a folder";
  if (stats.isSymbolicLink()) return "a symlink";
  if (stats.isFIFO()) return "a FIFO (named pipe)";
  if (stats.isSocket()) return "a socket";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isCharacterDevice()) return "a character device";
  return "a special file";
}

function toRel(root: string, path: string): string {
  return relative(root, path).split(sep).join("/");
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
