import { createWriteStream } from "node:fs";
import { mkdir, realpath, rm, symlink } from "node:fs/promises";
import { dirname, isAbsolute, join, normalize, relative, resolve, sep } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import yauzl, { type Entry, type ZipFile } from "yauzl";

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
/** Made on Unix: the high 16 bits of the external attributes are the file's mode. */
const MADE_BY_UNIX = 3;

/**
 * Extracts a .zip file into `target`, overwriting what is there (a later layer over an earlier
 * one), with yauzl reading the archive (stored, deflated, ZIP64). Unix modes and links are kept.
 * An entry that would land outside `target` (`../x`, `/x`, or written through a link that leads
 * out), and a link entry pointing outside `target` (absolute, or `..` past its root), fail the
 * whole file: a zip from elsewhere must not write, or later let the runtime read, host files.
 */
export async function unzipInto(zipFile: string, target: string): Promise<void> {
  const zip = await openZip(zipFile);
  try {
    const root = await realpath(target);
    for (let entry = await nextEntry(zip, zipFile); entry; entry = await nextEntry(zip, zipFile)) {
      await extractEntry(zip, entry, root, zipFile);
    }
  } finally {
    zip.close();
  }
}

async function extractEntry(zip: ZipFile, entry: Entry, root: string, zipFile: string): Promise<void> {
  const name = entry.fileName;
  const path = safePath(root, name, zipFile);
  if (name.endsWith("/")) {
    await mkdir(path, { recursive: true });
    await refuseOutside(root, await realpath(path), name, zipFile);
    return;
  }
  const mode = entry.versionMadeBy >> 8 === MADE_BY_UNIX ? entry.externalFileAttributes >>> 16 : 0;
  await mkdir(dirname(path), { recursive: true });
  // A link made by an earlier entry (or layer) must not carry this one out of the folder.
  await refuseOutside(root, await realpath(dirname(path)), name, zipFile);
  await rm(path, { force: true, recursive: true });
  const content = await openEntry(zip, entry, zipFile);
  if ((mode & S_IFMT) === S_IFLNK) {
    const linkTarget = (await readAll(content)).toString("utf8");
    if (isAbsolute(linkTarget) || !isInside(root, resolve(dirname(path), linkTarget))) {
      throw new Error(`${zipFile}: link ${name} points to ${linkTarget}, outside the folder it is extracted into`);
    }
    await symlink(linkTarget, path);
  } else {
    await pipeline(content, createWriteStream(path, { mode: (mode & 0o777) || 0o644 }));
  }
}

function safePath(root: string, name: string, zipFile: string): string {
  const relativeName = normalize(name);
  if (isAbsolute(relativeName) || relativeName === ".." || relativeName.startsWith(`..${sep}`)) {
    throw new Error(`${zipFile}: entry ${name} would be written outside the folder it is extracted into`);
  }
  return join(root, relativeName);
}

async function refuseOutside(root: string, realDir: string, name: string, zipFile: string): Promise<void> {
  if (!isInside(root, realDir)) throw new Error(`${zipFile}: entry ${name} would be written outside the folder it is extracted into (through a link)`);
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!isAbsolute(rel) && rel !== ".." && !rel.startsWith(`..${sep}`));
}

function openZip(zipFile: string): Promise<ZipFile> {
  return new Promise((resolveZip, reject) => {
    // lazyEntries: one entry at a time, each written before the next is read.
    yauzl.open(zipFile, { lazyEntries: true, autoClose: false, strictFileNames: false, validateEntrySizes: true }, (error, zip) => {
      if (error) reject(new Error(`${zipFile} is not a readable zip file: ${error.message}`));
      else resolveZip(zip);
    });
  });
}

/** The next entry, or undefined at the end of the central directory. */
function nextEntry(zip: ZipFile, zipFile: string): Promise<Entry | undefined> {
  return new Promise((resolveEntry, reject) => {
    const cleanup = () => {
      zip.off("entry", onEntry);
      zip.off("end", onEnd);
      zip.off("error", onError);
    };
    const onEntry = (entry: Entry) => (cleanup(), resolveEntry(entry));
    const onEnd = () => (cleanup(), resolveEntry(undefined));
    // yauzl checks each name itself and refuses `/x` and `../x` ("invalid relative path").
    const onError = (error: Error) => (cleanup(), reject(new Error(/relative path|absolute path/.test(error.message)
      ? `${zipFile}: ${error.message}: an entry would be written outside the folder it is extracted into`
      : `${zipFile}: damaged zip: ${error.message}`)));
    zip.on("entry", onEntry).on("end", onEnd).on("error", onError);
    zip.readEntry();
  });
}

function openEntry(zip: ZipFile, entry: Entry, zipFile: string): Promise<Readable> {
  return new Promise((resolveStream, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error) reject(new Error(`${zipFile}: entry ${entry.fileName} cannot be read: ${error.message}`));
      else resolveStream(stream);
    });
  });
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
