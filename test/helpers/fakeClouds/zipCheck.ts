import yauzl from "yauzl";

/** Strict base64 (what both APIs take for a zip in JSON); undefined when it is not. */
export function decodeBase64(value: unknown): Buffer | undefined {
  if (typeof value !== "string" || value === "" || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  return Buffer.from(value, "base64");
}

export interface ZipEntryInfo {
  name: string;
  /** Unix mode from the external attributes. */
  mode: number;
  uncompressedSize: number;
  /** Extra fields (timestamps, Unix ids...) on the entry. */
  extraFieldCount: number;
  /** MS-DOS date and time as stored. */
  lastModFileDate: number;
  lastModFileTime: number;
}

/** The entries of a zip, or undefined when the bytes are not a readable zip (what the clouds reject). */
export function readZipEntries(zip: Buffer): Promise<ZipEntryInfo[] | undefined> {
  return new Promise((resolve) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, file) => {
      if (error || !file) return resolve(undefined);
      const entries: ZipEntryInfo[] = [];
      file.on("entry", (entry: yauzl.Entry) => {
        entries.push({
          name: entry.fileName,
          mode: entry.externalFileAttributes >>> 16,
          uncompressedSize: entry.uncompressedSize,
          extraFieldCount: entry.extraFields.length,
          lastModFileDate: entry.lastModFileDate,
          lastModFileTime: entry.lastModFileTime,
        });
        file.readEntry();
      });
      file.on("end", () => resolve(entries));
      file.on("error", () => resolve(undefined));
      file.readEntry();
    });
  });
}
