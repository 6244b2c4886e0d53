import { readFileSync, statSync, type Stats } from "node:fs";
import { isAbsolute, join, relative, sep } from "node:path";
import ignore, { type Ignore } from "ignore";

/** `.gitignore` says what not to commit; `.faasboxignore` says what not to deploy, and wins. */
export const IGNORE_FILES = [".gitignore", ".faasboxignore"] as const;
type IgnoreFile = (typeof IGNORE_FILES)[number];

interface Layer {
  /** The folder the file is in: its patterns are relative to it. */
  base: string;
  file: IgnoreFile;
  matcher: Ignore;
}

/**
 * The ignore files that apply to one folder of the walk, evaluated the way git does: every
 * file from the outermost folder in, each pattern relative to its own folder, and the last
 * file with a verdict (ignored, or re-included with `!`) wins. In one folder
 * `.faasboxignore` comes after `.gitignore`, so it can re-include what git ignores.
 *
 * One exception: `.gitignore` never leaves out anything under `node_modules`. Projects list
 * `node_modules/` there because it can be reinstalled, not because the function can run
 * without it; `.faasboxignore` can still leave it out.
 */
export class IgnoreRules {
  private constructor(
    private readonly layers: readonly Layer[],
    /** Ignore files set aside, and why, for the package's warnings. */
    readonly notes: readonly string[] = [],
  ) {}

  /**
   * The ignore files of the folders above `codeDir`, from `projectRoot` down; the walk adds
   * `codeDir`'s own and its subfolders'. None when the code folder is outside the project.
   *
   * A file that ignores the code folder itself is set aside: the folder a function deploys
   * is often a build output git is told to ignore (`dist/`), and deploying it is the point.
   */
  static aboveCodeDir(codeDir: string, projectRoot: string): IgnoreRules {
    const rel = relative(projectRoot, codeDir);
    const folders: string[] = [];
    if (rel !== "" && !rel.startsWith("..") && !isAbsolute(rel)) {
      let current = projectRoot;
      folders.push(current);
      for (const part of rel.split(sep).slice(0, -1)) folders.push((current = join(current, part)));
    }
    const all = folders.reduce((rules, folder) => rules.withFolder(folder), new IgnoreRules([]));
    const kept = all.layers.filter((layer) => !new IgnoreRules([layer]).isIgnored(codeDir, true, false));
    const notes = all.layers
      .filter((layer) => !kept.includes(layer))
      .map((layer) => `${join(layer.base, layer.file)} ignores the code folder itself, so its rules are not applied to the package`);
    return new IgnoreRules(kept, notes);
  }

  /** These rules plus the ignore files found in `folder` (a subfolder being walked). */
  withFolder(folder: string): IgnoreRules {
    const added: Layer[] = [];
    for (const file of IGNORE_FILES) {
      const text = readIgnoreFile(join(folder, file));
      if (text !== undefined) added.push({ base: folder, file, matcher: ignore().add(text) });
    }
    return added.length === 0 ? this : new IgnoreRules([...this.layers, ...added], this.notes);
  }

  /** Whether a file or folder (absolute path) is left out; `inNodeModules` exempts it from .gitignore. */
  isIgnored(path: string, isFolder: boolean, inNodeModules: boolean): boolean {
    return this.verdict(path, isFolder, inNodeModules)?.ignored ?? false;
  }

  /**
   * Whether the last word on a path is a `!pattern` of a `.faasboxignore`: the user asked
   * for it to be deployed. What is left out by default (`.env` files) needs this; a
   * `!pattern` in a `.gitignore` says what to commit, not what to deploy, so it does not count.
   */
  isReincludedForDeploy(path: string, isFolder: boolean, inNodeModules: boolean): boolean {
    const verdict = this.verdict(path, isFolder, inNodeModules);
    return verdict !== undefined && !verdict.ignored && verdict.file === ".faasboxignore";
  }

  /** The last ignore file with a verdict on the path, and that verdict; undefined when none has one. */
  private verdict(path: string, isFolder: boolean, inNodeModules: boolean): { ignored: boolean; file: IgnoreFile } | undefined {
    let verdict: { ignored: boolean; file: IgnoreFile } | undefined;
    for (const layer of this.layers) {
      if (inNodeModules && layer.file === ".gitignore") continue;
      const rel = relative(layer.base, path);
      if (rel === "" || rel.startsWith("..")) continue;
      const result = layer.matcher.test(rel.split(sep).join("/") + (isFolder ? "/" : ""));
      if (result.ignored) verdict = { ignored: true, file: layer.file };
      else if (result.unignored) verdict = { ignored: false, file: layer.file };
    }
    return verdict;
  }
}

/** An ignore file that cannot be read; `path` is absolute. */
export class IgnoreFileError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = "IgnoreFileError";
  }
}

/**
 * An ignore file's text, or undefined when there is none. Only a regular file is read (a
 * link to one is followed: its text only decides what is left out, it never goes in the
 * zip): a FIFO would block the read forever and a device such as /dev/zero never ends.
 */
function readIgnoreFile(path: string): string | undefined {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw new IgnoreFileError(path, `cannot be read (${(error as Error).message}); fix it or delete it, since what it leaves out cannot be known without it`);
  }
  if (!stats.isFile()) {
    throw new IgnoreFileError(path, "is not a regular file (or a link to one), so it cannot be read as an ignore file; replace it with a text file or delete it");
  }
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new IgnoreFileError(path, `cannot be read (${(error as Error).message}); make it readable (chmod u+r) or delete it, since what it leaves out cannot be known without it`);
  }
}
