import { readdirSync, statSync, type Dirent } from "node:fs";
import { join } from "node:path";

/** Folders that hold dependencies, build output or tool state, never a project's manifests. */
const SKIPPED_FOLDERS = new Set(["node_modules", "dist"]);
/** Deep enough for monorepos (services/x/functions/y), shallow enough to stay quick on a big tree. */
const MAX_DEPTH = 5;
const MANIFEST_NAMES = new Set(["serverless.yml", "serverless.yaml", "template.yaml", "template.yml"]);
const FAASBOX_NAMES = ["faasbox.yml", "faasbox.yaml"];

export interface FoundManifests {
  /** serverless.* and template.* files, absolute, in a stable order (files of a folder before its subfolders). */
  manifests: string[];
  /** faasbox.yml/.yaml at the root; more than one is the user's mistake to be told about. */
  faasbox: string[];
}

export function findManifests(root: string): FoundManifests {
  const manifests: string[] = [];
  walk(root, 0, manifests);
  return { manifests, faasbox: findFaasboxYml(root) };
}

/** Only faasbox.yml at the root, with the one template the user named (`--template`) instead of a walk. */
export function findFaasboxYml(root: string): string[] {
  return FAASBOX_NAMES.map((name) => join(root, name)).filter(isFile);
}

function walk(folder: string, depth: number, found: string[]): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    // An unreadable folder (permissions, removed meanwhile) holds nothing we can load.
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (MANIFEST_NAMES.has(entry.name) && (entry.isFile() || (entry.isSymbolicLink() && isFile(path)))) found.push(path);
  }
  if (depth >= MAX_DEPTH) return;
  for (const entry of entries) {
    // Symlinked folders are not followed: they can loop, and they usually point outside the project.
    if (!entry.isDirectory() || entry.name.startsWith(".") || SKIPPED_FOLDERS.has(entry.name)) continue;
    walk(join(folder, entry.name), depth + 1, found);
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
