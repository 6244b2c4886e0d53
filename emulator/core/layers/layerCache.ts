import { createHash, randomBytes } from "node:crypto";
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { unzipInto } from "../../util/unzip";

/** Paths inside /opt that the container mounts over the layers (Faasbox's shims, agent): made in the merged folder. */
export interface MountPoints {
  dirs: string[];
  files: string[];
}

const COMPLETE = ".faasbox-layers-complete";

/**
 * One folder holding a function's layers merged in order into what the function sees as /opt.
 * Lambda "merges the layer content into the execution environment" in the order the layers were
 * added (https://docs.aws.amazon.com/lambda/latest/dg/adding-layers.html); that a later layer's
 * file replaces an earlier one's of the same path is how a merge into one folder goes, the docs
 * say no more. SCF decompresses layers into /opt too
 * (https://www.tencentcloud.com/document/product/583/37039). Cached under
 * `cacheRoot` by a fingerprint of each layer (a folder's names, sizes, modes and modification
 * times; a zip's bytes), so a changed layer gives a new folder and an unchanged one is merged once.
 * Everything in it is readable by any user: the runtime runs as an unprivileged user of its own.
 */
export async function mergedLayers(layers: readonly string[], cacheRoot: string, mountPoints: MountPoints): Promise<string> {
  const key = createHash("sha256");
  for (const layer of layers) key.update(layerFingerprint(layer)).update("\0");
  key.update(JSON.stringify(mountPoints));
  const dir = join(cacheRoot, key.digest("hex").slice(0, 24));
  if (existsSync(join(dir, COMPLETE))) return dir;

  mkdirSync(cacheRoot, { recursive: true });
  const building = `${dir}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    mkdirSync(building, { recursive: true });
    for (const layer of layers) {
      if (statSync(layer).isDirectory()) cpSync(layer, building, { recursive: true, force: true, verbatimSymlinks: true });
      else await unzipInto(layer, building);
    }
    for (const mountDir of mountPoints.dirs) mkdirSync(join(building, mountDir), { recursive: true });
    for (const file of mountPoints.files) {
      mkdirSync(join(building, file, ".."), { recursive: true });
      if (!existsSync(join(building, file))) writeFileSync(join(building, file), "");
    }
    makeReadable(building);
    writeFileSync(join(building, COMPLETE), "");
    try {
      renameSync(building, dir);
    } catch (error) {
      // Another launch merged the same layers meanwhile: theirs is as good.
      if (!existsSync(join(dir, COMPLETE))) throw error;
    }
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return dir;
}

function layerFingerprint(layer: string): string {
  const hash = createHash("sha256");
  if (!statSync(layer).isDirectory()) return hash.update("zip\0").update(readFileSync(layer)).digest("hex");
  hash.update("dir\0");
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const stats = lstatSync(path);
      const link = stats.isSymbolicLink() ? readlinkSync(path) : "";
      hash.update(`${relative(layer, path)}\0${stats.mode}\0${stats.size}\0${stats.mtimeMs}\0${link}\n`);
      if (stats.isDirectory()) walk(path);
    }
  };
  walk(layer);
  return hash.digest("hex");
}

/** a+r on files, a+rx on folders (and on files any user could already run). */
function makeReadable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stats = lstatSync(path);
    if (stats.isSymbolicLink()) continue;
    if (stats.isDirectory()) makeReadable(path);
    else chmodSync(path, (stats.mode & 0o777) | 0o444 | (stats.mode & 0o100 ? 0o111 : 0));
  }
}
