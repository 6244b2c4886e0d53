import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type Docker from "dockerode";
import { copyInto } from "../docker/codeTransfer";
import { LABELS } from "../docker/labels";
import type { BundledSdk } from "./bundledSdks";

/** Marks a named volume holding a runtime's bundled SDK (shared by every function; `docker volume prune` may take it). */
export const RUNTIME_SDK_LABEL = "dev.faasbox.runtime-sdk";
const COMPLETE = ".faasbox-complete";
const FILL_TARGET = "/fill";

/** Volumes known complete (or being filled) on an engine, by name: asked once per process. */
const filled = new WeakMap<Docker, Map<string, Promise<string>>>();

/**
 * A named volume on the engine holding `sdk`'s folder, for an engine that does not see this
 * machine's files: filled once per engine and content (the name carries a fingerprint of the
 * folder), then mounted read-only by every instance, so a cold start copies nothing.
 */
export function sdkVolume(docker: Docker, image: string, sdk: BundledSdk, say?: (line: string) => void): Promise<string> {
  const name = `faasbox-runtime-sdk-${fingerprint(sdk.hostDir)}`;
  let known = filled.get(docker);
  if (!known) filled.set(docker, (known = new Map()));
  let volume = known.get(name);
  if (!volume) {
    volume = fill(docker, image, sdk, name, say);
    volume.catch(() => known.delete(name));
    known.set(name, volume);
  }
  return volume;
}

/** The folder's path and the stamp npm (its lock file) or the setup script (its marker) changes with each install. */
function fingerprint(dir: string): string {
  const stamp = [join(dir, ".package-lock.json"), join(dir, COMPLETE), dir].map((path) => statSync(path, { throwIfNoEntry: false })).find(Boolean);
  return createHash("sha256").update(`${dir}\0${stamp?.size}\0${stamp?.mtimeMs}`).digest("hex").slice(0, 20);
}

async function fill(docker: Docker, image: string, sdk: BundledSdk, name: string, say?: (line: string) => void): Promise<string> {
  await docker.createVolume({ Name: name, Labels: { [LABELS.managed]: "true", [RUNTIME_SDK_LABEL]: sdk.title } });
  // A container that never starts: the archive API writes into its volume.
  const filler = await docker.createContainer({
    Image: image,
    Entrypoint: [""],
    Cmd: ["true"],
    Labels: { [LABELS.managed]: "true" },
    HostConfig: { NetworkMode: "none", Mounts: [{ Type: "volume", Source: name, Target: FILL_TARGET }] },
  });
  try {
    // The marker's archive is read to its end: a stream left unread holds its connection to the engine open.
    const complete = await filler.getArchive({ path: `${FILL_TARGET}/${COMPLETE}` }).then(
      (archive) => new Promise<boolean>((resolve) => archive.on("end", () => resolve(true)).on("error", () => resolve(false)).resume()),
      () => false,
    );
    if (!complete) {
      say?.(`copying ${sdk.title} into the volume ${name} on the engine (once per engine and version)`);
      await copyInto(filler, sdk.hostDir, FILL_TARGET);
      // Last: a volume with the marker is whole (a fill cut short is completed by the next one).
      const marker = emptyFile();
      try {
        await copyInto(filler, marker, FILL_TARGET);
      } finally {
        rmSync(dirname(marker), { recursive: true, force: true });
      }
    }
  } finally {
    await filler.remove({ force: true }).catch(() => undefined);
  }
  return name;
}

/** An empty host file, readable by all, to copy in as the marker. */
function emptyFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "faasbox-sdk-"));
  const file = join(dir, COMPLETE);
  writeFileSync(file, "", { mode: 0o444 });
  return file;
}
