import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, normalize, sep } from "node:path";
import { inflateRawSync } from "node:zlib";

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/**
 * Extracts a .zip file into `target`, overwriting what is there (a later layer over an earlier
 * one). Stored and deflated entries, as `zip` and every cloud tool write them; Unix modes and
 * links are kept. An entry that would land outside `target` (`../x`, `/x`) fails the whole
 * file, as does ZIP64 (archives over 4 GB, which no function layer reaches).
 */
export function unzipInto(zipFile: string, target: string): void {
  const data = readFileSync(zipFile);
  const end = findEndOfDirectory(data, zipFile);
  const count = data.readUInt16LE(end + 10);
  let at = data.readUInt32LE(end + 16);
  if (count === 0xffff || at === 0xffffffff) throw new Error(`${zipFile}: ZIP64 archives are not supported; expected a zip under 4 GB`);
  for (let i = 0; i < count; i++) {
    if (data.readUInt32LE(at) !== DIRECTORY_ENTRY) throw new Error(`${zipFile}: damaged zip (central directory entry ${i})`);
    const method = data.readUInt16LE(at + 10);
    const compressedSize = data.readUInt32LE(at + 20);
    const nameLength = data.readUInt16LE(at + 28);
    const extraLength = data.readUInt16LE(at + 30);
    const commentLength = data.readUInt16LE(at + 32);
    const madeBy = data.readUInt16LE(at + 4) >> 8;
    const externalAttributes = data.readUInt32LE(at + 38);
    const localOffset = data.readUInt32LE(at + 42);
    const name = data.toString("utf8", at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;

    const path = safePath(target, name, zipFile);
    // Made on Unix (3): the high 16 bits are the file's mode.
    const mode = madeBy === 3 ? externalAttributes >>> 16 : 0;
    if (name.endsWith("/")) {
      mkdirSync(path, { recursive: true });
      continue;
    }
    if (data.readUInt32LE(localOffset) !== LOCAL_HEADER) throw new Error(`${zipFile}: damaged zip (entry ${name})`);
    const start = localOffset + 30 + data.readUInt16LE(localOffset + 26) + data.readUInt16LE(localOffset + 28);
    const raw = data.subarray(start, start + compressedSize);
    let content: Buffer;
    if (method === 0) content = raw;
    else if (method === 8) content = inflateRawSync(raw);
    else throw new Error(`${zipFile}: entry ${name} uses compression method ${method}; expected stored or deflated`);
    mkdirSync(dirname(path), { recursive: true });
    rmSync(path, { force: true, recursive: true });
    if ((mode & S_IFMT) === S_IFLNK) symlinkSync(content.toString("utf8"), path);
    else writeFileSync(path, content, { mode: (mode & 0o777) || 0o644 });
  }
}

function findEndOfDirectory(data: Buffer, zipFile: string): number {
  // The record is 22 bytes plus a comment of at most 65535.
  for (let at = data.length - 22; at >= Math.max(0, data.length - 22 - 0xffff); at--) {
    if (data.readUInt32LE(at) === END_OF_DIRECTORY) return at;
  }
  throw new Error(`${zipFile} is not a zip file`);
}

function safePath(target: string, name: string, zipFile: string): string {
  const relative = normalize(name);
  if (isAbsolute(relative) || relative === ".." || relative.startsWith(`..${sep}`)) {
    throw new Error(`${zipFile}: entry ${name} would be written outside the folder it is extracted into`);
  }
  return join(target, relative);
}
