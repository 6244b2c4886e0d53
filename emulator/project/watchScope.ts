import { dirname, isAbsolute, join, relative, sep } from "node:path";
import type { ProjectSpec } from "./spec";

/** Never code: tools' folders and caches, inside a code folder or not. */
const ALWAYS_IGNORED = new Set(["node_modules", ".git", ".hg", ".svn", ".faasbox", "__pycache__", ".pytest_cache", ".mypy_cache", ".venv", ".idea", ".vscode"]);
/** Build and deploy output: ignored unless it is, or is inside, a function's code folder (a CodeUri of dist/ is code). */
const OUTPUT_FOLDERS = new Set(["dist", "build", "out", "target", "coverage", ".aws-sam", ".serverless", ".next"]);

/** The folders to watch so that each one is watched once: none inside another. */
export function watchRoots(project: ProjectSpec): string[] {
  const folders = [project.root, ...project.functions.map((f) => f.codeDir), ...project.manifests.map((m) => dirname(m))];
  const unique = [...new Set(folders)].sort((a, b) => a.length - b.length);
  const roots: string[] = [];
  for (const folder of unique) if (!roots.some((root) => isWithin(folder, root))) roots.push(folder);
  return roots;
}

/**
 * Whether a change at `path` can matter: not under a tool's folder, and not under build
 * output unless that output is a function's code. Also decides which folders the watcher
 * descends into, so node_modules and .git are never walked.
 */
export function isIgnoredPath(project: ProjectSpec, path: string): boolean {
  // Faasbox's own cache, even where a code folder is inside it (inline code): what is written there follows the manifest, which is watched.
  // A function's faasbox build output is its code, though: a new build must reach its instances.
  const builds = project.functions.filter((f) => f.build).map((f) => f.codeDir);
  if (isWithin(path, join(project.root, ".faasbox")) && !builds.some((dir) => isWithin(path, dir) || isWithin(dir, path))) return true;
  const codeDirs = project.functions.map((f) => f.codeDir);
  // A folder on the way to a code folder or a manifest read (.aws-sam/build/template.yaml) is walked whatever its name.
  if ([...codeDirs, ...project.manifests].some((dir) => isWithin(dir, path))) return false;
  const codeDir = codeDirs.filter((dir) => isWithin(path, dir)).sort((a, b) => b.length - a.length)[0];
  const base = codeDir ?? watchRoots(project).find((root) => isWithin(path, root));
  if (base === undefined) return false;
  const parts = relative(base, path).split(sep);
  if (parts.some((part) => ALWAYS_IGNORED.has(part))) return true;
  return codeDir === undefined && parts.some((part) => OUTPUT_FOLDERS.has(part));
}

/** `path` is `folder` or inside it. */
export function isWithin(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}
