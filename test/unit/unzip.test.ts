import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { ZipFile } from "yazl";
import { unzipInto } from "../../emulator/util/unzip";

interface RawEntry {
  name: string;
  content: string;
  /** Full Unix mode, type bits included. */
  mode: number;
}

/** A zip with stored entries written by hand: yazl itself refuses the names an attacker would use. */
function rawZip(entries: RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const data = Buffer.from(entry.content);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(10, 4);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(10, 6);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE((entry.mode << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

async function yazlZip(build: (zip: ZipFile) => void): Promise<Buffer> {
  const zip = new ZipFile();
  build(zip);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function scratch(): { root: string; target: string } {
  const root = mkdtempSync(join(tmpdir(), "faasbox-unzip-"));
  const target = join(root, "target");
  mkdirSync(target);
  return { root, target };
}

test("unzipInto extracts deflated and stored files with their modes, folders and links inside the folder", async () => {
  const { root, target } = scratch();
  const zipFile = join(root, "layer.zip");
  writeFileSync(zipFile, await yazlZip((zip) => {
    zip.addBuffer(Buffer.from("x".repeat(10_000)), "python/big.py", { mode: 0o100644 });
    zip.addBuffer(Buffer.from("#!/bin/sh\necho hi\n"), "bin/tool", { mode: 0o100755, compress: false });
    zip.addEmptyDirectory("empty/");
    zip.addBuffer(Buffer.from("../python/big.py"), "bin/big-link", { mode: 0o120777 });
  }));
  writeFileSync(join(target, "kept.txt"), "from an earlier layer");
  await unzipInto(zipFile, target);
  assert.equal(readFileSync(join(target, "python/big.py"), "utf8"), "x".repeat(10_000));
  assert.equal(statSync(join(target, "bin/tool")).mode & 0o777, 0o755);
  assert.ok(statSync(join(target, "empty")).isDirectory());
  assert.ok(lstatSync(join(target, "bin/big-link")).isSymbolicLink());
  assert.equal(readlinkSync(join(target, "bin/big-link")), "../python/big.py");
  assert.equal(readFileSync(join(target, "kept.txt"), "utf8"), "from an earlier layer");
});

test("unzipInto refuses an entry that leads outside the folder (zip-slip), naming the zip", async () => {
  for (const name of ["../escaped.txt", "a/../../escaped.txt", "/tmp/escaped-abs.txt"]) {
    const { root, target } = scratch();
    const zipFile = join(root, "evil.zip");
    writeFileSync(zipFile, rawZip([{ name, content: "owned", mode: 0o100644 }]));
    await assert.rejects(unzipInto(zipFile, target), (error: Error) => error.message.startsWith(zipFile) && /outside the folder/.test(error.message), name);
    assert.equal(existsSync(join(root, "escaped.txt")), false, name);
  }
});

test("unzipInto refuses a link pointing outside the folder, and writing through one", async () => {
  for (const linkTarget of ["/etc", "../..", "sub/../../outside"]) {
    const { root, target } = scratch();
    const zipFile = join(root, "evil.zip");
    writeFileSync(zipFile, rawZip([
      { name: "link", content: linkTarget, mode: 0o120777 },
      { name: "link/passwd", content: "owned", mode: 0o100644 },
    ]));
    await assert.rejects(unzipInto(zipFile, target), /link link points to .*outside the folder/, linkTarget);
    assert.equal(existsSync(join(target, "link")), false, linkTarget);
  }
  // A link already there (an earlier layer given as a folder) does not carry a later entry out.
  const { root, target } = scratch();
  mkdirSync(join(root, "outside"));
  symlinkSync(join(root, "outside"), join(target, "out"));
  const zipFile = join(root, "through.zip");
  writeFileSync(zipFile, rawZip([{ name: "out/file.txt", content: "owned", mode: 0o100644 }]));
  await assert.rejects(unzipInto(zipFile, target), /out\/file\.txt would be written outside the folder .*through a link/);
  assert.equal(existsSync(join(root, "outside/file.txt")), false);
});

test("unzipInto says a file that is not a zip is not one", async () => {
  const { root, target } = scratch();
  const notZip = join(root, "layer.zip");
  writeFileSync(notZip, "just text");
  await assert.rejects(unzipInto(notZip, target), new RegExp(`^Error: ${notZip} is not a readable zip file`));
});
