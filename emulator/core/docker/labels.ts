import { randomBytes } from "node:crypto";

/**
 * Every container Faasbox creates carries these labels, so an emulator can find what a
 * crashed one left behind, and nothing else.
 */
export const LABELS = {
  managed: "dev.faasbox.managed",
  project: "dev.faasbox.project",
  function: "dev.faasbox.function",
  instance: "dev.faasbox.instance",
  /**
   * The session of the emulator (an Engine) that owns the container: random, never a PID, so it
   * means the same on any host, in any PID namespace and on a shared or remote engine. Nothing is
   * decided by it alone: a container lives as long as its owner holds its lease (its stdin, see
   * emulator/shims/lease.sh), and a stopped one is an orphan whoever owned it.
   */
  session: "dev.faasbox.session",
  /**
   * Written by Faasbox before sessions (`<pid>-<hex>`); read only to reap those versions'
   * containers, which have no lease. Not written any more.
   */
  emulator: "dev.faasbox.emulator-pid",
} as const;

/** Random, one per process: the first part of the session ids of the emulators this process runs. */
export const PROCESS_TOKEN = randomBytes(4).toString("hex");

/** A new session id: `<process token>-<random>`; tells which process made it, without a PID. */
export function newSessionId(): string {
  return `${PROCESS_TOKEN}-${randomBytes(6).toString("hex")}`;
}
