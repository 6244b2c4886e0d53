import { existsSync, readFileSync } from "node:fs";
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
      const path = join(folder, file);
      if (!existsSync(path)) continue;
      added.push({ base: folder, file, matcher: ignore().add(readFileSync(path, "utf8")) });
    }
    return added.length === 0 ? this : new IgnoreRules([...this.layers, ...added], this.notes);
  }

  /** Whether a file or folder (absolute path) is left out; `inNodeModules` exempts it from .gitignore. */
  isIgnored(path: string, isFolder: boolean, inNodeModules: boolean): boolean {
    let verdict = false;
    for (const layer of this.layers) {
      if (inNodeModules && layer.file === ".gitignore") continue;
      const rel = relative(layer.base, path);
      if (rel === "" || rel.startsWith("..")) continue;
      const result = layer.matcher.test(rel.split(sep).join("/") + (isFolder ? "/" : ""));
      if (result.ignored) verdict = true;
      else if (result.unignored) verdict = false;
    }
    return verdict;
  }
}
