import { randomBytes } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, readlinkSync, rmdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type Docker from "dockerode";
import { pack } from "tar-fs";

/**
 * How a function's code reaches its container: bind mounts where the engine sees this
 * machine's files (a local engine), copies through the engine's archive API where it does
 * not (a remote engine, a VM whose file sharing does not include the project).
 */
export type CodeTransfer = "mount" | "copy";

/** FAASBOX_CODE_TRANSFER's choices: `auto` probes the engine (engineSeesPath) once per executor. */
export type CodeTransferChoice = CodeTransfer | "auto";
export const CODE_TRANSFER_CHOICES: readonly CodeTransferChoice[] = ["mount", "copy", "auto"];

/** FAASBOX_CODE_TRANSFER, `auto` when unset or empty; throws, naming the variable and the choices, on anything else. */
export function parseCodeTransfer(value: string | undefined): CodeTransferChoice {
  const choice = (value ?? "").trim().toLowerCase();
  if (choice === "") return "auto";
  if ((CODE_TRANSFER_CHOICES as readonly string[]).includes(choice)) return choice as CodeTransferChoice;
  throw new Error(`FAASBOX_CODE_TRANSFER=${value} is not one of ${CODE_TRANSFER_CHOICES.join(", ")}`);
}

/**
 * Whether the engine sees `dir` as this machine does: a throwaway container with `dir` bind
 * mounted looks for a marker file only this process wrote. No network, no writes by the
 * container, about one container start.
 */
export async function engineSeesPath(docker: Docker, image: string, dir: string): Promise<boolean> {
  const marker = `.faasbox-probe-${randomBytes(6).toString("hex")}`;
  const probeDir = join(dir, ".faasbox");
  // A .faasbox folder made only for the probe goes with it: nothing is left in a code folder.
  const madeProbeDir = !existsSync(probeDir);
  mkdirSync(probeDir, { recursive: true });
  writeFileSync(join(probeDir, marker), "");
  const container = await docker.createContainer({
    Image: image,
    // An image function's image may have an ENTRYPOINT of its own (its runtime client): not for the probe.
    Entrypoint: [""],
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
    if (madeProbeDir) {
      try {
        rmdirSync(probeDir);
      } catch {
        // something else wrote there meanwhile: left as it is
      }
    }
    await container.remove({ force: true }).catch(() => undefined);
  }
}

/**
 * Copies `hostPath` into a created (not yet started) container at `target`, which must be a
 * volume mount of the container (see volumeFor): the container's root file system is
 * read-only, and the archive API writes into volumes. A folder's content lands in `target`; a
 * file lands in `target` as `name` (default: its own name). Files keep their modes but lose
 * group and other write and set-id bits; they belong to root, so the runtime's unprivileged
 * user can read but not change them.
 */
export async function copyInto(container: Docker.Container, hostPath: string, target: string, name?: string): Promise<void> {
  const isFile = statSync(hostPath).isFile();
  const root = isFile ? dirname(hostPath) : hostPath;
  const archive = pack(root, {
    entries: isFile ? [basename(hostPath)] : undefined,
    map: (header) => ({
      ...header,
      name: isFile ? (name ?? basename(hostPath)) : header.name,
      mode: header.mode === undefined ? header.mode : header.mode & ~0o6022,
      uid: 0,
      gid: 0,
      uname: "root",
      gname: "root",
    }),
    // Code folders may hold sockets or FIFOs (a dev server's): only files, folders and links travel.
    // Links travel as links (never what they point to). One whose relative target leads out of the
    // copied folder stays behind: the engine refuses the whole archive for it ("invalid symlink"),
    // and under a bind mount it would point at nothing of the project's in the container either.
    ignore: (path) => {
      const stats = lstatSync(path, { throwIfNoEntry: false });
      if (!stats || !(stats.isFile() || stats.isDirectory() || stats.isSymbolicLink())) return true;
      return stats.isSymbolicLink() && !isFile && linkLeavesFolder(path, root);
    },
  });
  await container.putArchive(archive, { path: target });
}

/** Whether the symbolic link at `path` has a relative target outside `root` (absolute targets name paths in the container). */
function linkLeavesFolder(path: string, root: string): boolean {
  const target = readlinkSync(path);
  if (isAbsolute(target)) return false;
  const within = relative(root, resolve(dirname(path), target));
  return within === ".." || within.startsWith(`..${sep}`) || isAbsolute(within);
}

/**
 * An anonymous volume at `target` (no source: the engine makes one), removed with its container
 * (`remove({ v: true })`). Empty (NoCopy): what the image has at `target` stays hidden, as under a bind mount.
 */
export function volumeFor(target: string): Docker.MountSettings {
  return { Type: "volume", Source: "", Target: target, ReadOnly: false, VolumeOptions: { NoCopy: true } as Docker.MountSettings["VolumeOptions"] };
}
