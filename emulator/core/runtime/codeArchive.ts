import { existsSync, mkdirSync, rmSync } from "node:fs";
import { chmod, lstat, readdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { unzipInto } from "../../util/unzip";

/** Written last into an unpacked folder: its presence means the whole archive is there. */
export const DONE_MARKER = ".faasbox-unpacked";

/** Unpackings under way in this process, by target folder: instances starting at once share one. */
const underWay = new Map<string, Promise<void>>();

/**
 * Unpacks `archive` into `codeDir` unless it is there already: into a temporary folder first,
 * renamed into place once complete, so a crash halfway leaves nothing that looks unpacked.
 * Files become readable by every user (the runtime runs as a uid of its own). A zip entry that
 * would land outside the folder fails the unpacking (see unzipInto).
 */
export function unpackCode(archive: string, codeDir: string): Promise<void> {
  if (existsSync(join(codeDir, DONE_MARKER))) return Promise.resolve();
  let unpacking = underWay.get(codeDir);
  if (!unpacking) {
    unpacking = unpack(archive, codeDir).finally(() => underWay.delete(codeDir));
    underWay.set(codeDir, unpacking);
  }
  return unpacking;
}

async function unpack(archive: string, codeDir: string): Promise<void> {
  const partial = `${codeDir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  try {
    await unzipInto(archive, partial);
    await openForReading(partial);
    await writeFile(join(partial, DONE_MARKER), "");
    await rm(codeDir, { recursive: true, force: true });
    await rename(partial, codeDir);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw new Error(`could not unpack the code package ${archive}: ${(error as Error).message}`);
  }
}

/** a+rX on the tree: the container's unprivileged user reads the code, as Lambda's does. */
async function openForReading(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir)) {
    const path = join(dir, entry);
    const stats = await lstat(path);
    if (stats.isSymbolicLink()) continue;
    if (stats.isDirectory()) await openForReading(path);
    else await chmod(path, (stats.mode & 0o777) | 0o444 | (stats.mode & 0o100 ? 0o111 : 0));
  }
}
