import { ZipFile } from "yazl";
import type { PackageEntry } from "./collectFiles";

/**
 * 1980-01-01 00:00, the earliest time a zip can hold. yazl encodes DOS times in local
 * time, so a local date gives the same bytes in every time zone.
 */
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);

/** File type bits plus permissions, as unzip tools and the clouds read them. */
const MODE_FILE = 0o100644;
const MODE_EXECUTABLE = 0o100755;
const MODE_SYMLINK = 0o120777;

/**
 * Writes the entries in the order given with nothing that depends on when or where: the
 * same mtime and fixed modes for every entry, no extended-timestamp extra field
 * (`forceDosTimestamp`), no comment, no folder entries. The same files give the same bytes,
 * so the cloud's code hash tells whether the code changed.
 */
export function writeDeterministicZip(entries: readonly PackageEntry[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const zip = new ZipFile();
    const chunks: Buffer[] = [];
    zip.on("error", reject);
    zip.outputStream.on("data", (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on("error", reject);
    zip.outputStream.on("end", () => resolve(Buffer.concat(chunks)));
    for (const entry of entries) {
      const options = { mtime: FIXED_MTIME, forceDosTimestamp: true };
      if (entry.linkTarget !== undefined) {
        // A link's content is its target path, as Info-ZIP stores it.
        zip.addBuffer(Buffer.from(entry.linkTarget), entry.path, { ...options, mode: MODE_SYMLINK, compress: false });
      } else {
        zip.addFile(entry.source, entry.path, { ...options, mode: entry.executable ? MODE_EXECUTABLE : MODE_FILE });
      }
    }
    zip.end();
  });
}
