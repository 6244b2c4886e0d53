/**
 * The runtime command under Faasbox's lease (emulator/shims/lease.sh): the runtime lives only
 * while the emulator holds the other end of its standard input, so an emulator that dies, even
 * by SIGKILL, leaves no runtime running. `shimRoot` is where the runtime sees the shims.
 */
export function leasedCommand(shimRoot: string, command: readonly string[]): string[] {
  return ["/bin/sh", `${shimRoot}/lease.sh`, ...command];
}

/** Windows has no POSIX sh: there a local process runs without the lease. */
export const HOST_HAS_SH = process.platform !== "win32";
