import { randomInt } from "node:crypto";
import { statSync } from "node:fs";

/**
 * The user a container's runtime runs as: never root, and a uid of its own per instance.
 *
 * With host networking every container shares the host's loopback, so the runtime API of one
 * instance can be reached by any function or local process. The uid is how the runtime API
 * tells its own runtime from them: the kernel records the owner of every TCP socket
 * (/proc/net/tcp), and no other process has this uid. Third-party runtime clients need no
 * change. The range is far above any real user's or user-namespace mapping's.
 */
export interface RuntimeUser {
  uid: number;
  gid: number;
}

const UID_MIN = 1_000_000_000;
const UID_MAX = 2_000_000_000;
const NOGROUP = 65534;

/**
 * A fresh uid; the group is nogroup when Faasbox runs as root (the clouds run code as an
 * unprivileged user that only reads what others may read), or the user's own group
 * otherwise, so code the user's group may read stays readable.
 */
export function newRuntimeUser(hostUid = process.getuid?.() ?? 0, hostGid = process.getgid?.() ?? 0): RuntimeUser {
  return { uid: randomInt(UID_MIN, UID_MAX), gid: hostUid === 0 ? NOGROUP : hostGid };
}

/** Lambda requires deployed files to be readable by others; say so before a confusing import error. */
export function checkReadable(codeDir: string, user: RuntimeUser, hostGid = process.getgid?.() ?? 0): void {
  const { mode, gid } = statSync(codeDir);
  const readable = (mode & 0o005) === 0o005 || (user.gid === gid && user.gid === hostGid && (mode & 0o050) === 0o050);
  if (!readable) {
    throw new Error(`${codeDir} cannot be read by the container's unprivileged user (mode ${(mode & 0o777).toString(8)}); run: chmod -R o+rX ${codeDir}`);
  }
}
