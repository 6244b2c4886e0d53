import yauzl from "yauzl";

/** The files of a zip (or jar) with their unpacked sizes; folders left out. Undefined when the bytes are not a readable zip. */
export function readZipListing(zip: Buffer): Promise<{ name: string; size: number }[] | undefined> {
  return new Promise((resolve) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, file) => {
      if (error || !file) return resolve(undefined);
      const entries: { name: string; size: number }[] = [];
      file.on("entry", (entry: yauzl.Entry) => {
        if (!entry.fileName.endsWith("/")) entries.push({ name: entry.fileName, size: entry.uncompressedSize });
        file.readEntry();
      });
      file.on("end", () => resolve(entries));
      file.on("error", () => resolve(undefined));
      file.readEntry();
    });
  });
}
