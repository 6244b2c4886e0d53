import { statSync } from "node:fs";

/** Whether `path` is a regular file (following links); false when it is missing or unreadable. */
export function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

/** Whether `path` is a folder (following links); false when it is missing or unreadable. */
export function isFolder(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}
