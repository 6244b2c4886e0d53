import { randomBytes } from "node:crypto";
import { lstatSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type Docker from "dockerode";
import { pack } from "tar-fs";

/**
 * How a function's code reaches its container: bind mounts where the engine sees this
 * machine's files (a local engine), copies through the engine's archive API where it does
 * not (a remote engine, a VM whose file sharing does not include the project).
 */
export type CodeTransfer = "mount" | "copy";

/**
 * Whether the engine sees `dir` as this machine does: a throwaway container with `dir` bind
 * mounted looks for a marker file only this process wrote. No network, no writes by the
 * container, about one container start.
 */
export async function engineSeesPath(docker: Docker, image: string, dir: string): Promise<boolean> {
  const marker = `.faasbox-probe-${randomBytes(6).toString("hex")}`;
  const probeDir = join(dir, ".faasbox");
  mkdirSync(probeDir, { recursive: true });
  writeFileSync(join(probeDir, marker), "");
  const container = await docker.createContainer({
    Image: image,
    Cmd: ["/bin/sh", "-c", `test -e /probe/${marker}`],
    User: "65534:65534",
    HostConfig: { Binds: [`${probeDir}:/probe:ro`], NetworkMode: "none", AutoRemove: false },
  });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    return StatusCode === 0;
  } catch {
    // A remote engine may refuse to mount a path it does not have at all.
    return false;
  } finally {
    rmSync(join(probeDir, marker), { force: true });
    await container.remove({ force: true }).catch(() => undefined);
  }
}

/**
 * Copies `hostDir` into a created (not yet started) container at `target`, which must be a
 * volume mount of the container (see volumeFor): the container's root file system is
 * read-only, and the archive API writes into volumes. Files keep their modes; they belong
 * to root, so the runtime's unprivileged user can read but not change them.
 */
export async function copyInto(container: Docker.Container, hostDir: string, target: string): Promise<void> {
  const archive = pack(hostDir, {
    map: (header) => ({ ...header, uid: 0, gid: 0, uname: "root", gname: "root" }),
    // Code folders may hold sockets or FIFOs (a dev server's): only files, folders and links travel.
    ignore: (path) => {
      const stats = lstatSync(path, { throwIfNoEntry: false });
      return !stats || !(stats.isFile() || stats.isDirectory() || stats.isSymbolicLink());
    },
  });
  await container.putArchive(archive, { path: target });
}

/** An anonymous volume at `target` (no source: the engine makes one), removed with its container (`remove({ v: true })`). */
export function volumeFor(target: string): Docker.MountSettings {
  return { Type: "volume", Source: "", Target: target, ReadOnly: false };
}
