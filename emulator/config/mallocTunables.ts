/**
 * The allocator setting the emulator daemon is started with on Linux (glibc; other C libraries and
 * systems ignore the variable).
 *
 * glibc serves a block of 128 KiB or more with its own mmap and unmaps it when freed, but the first
 * time such a block is freed it raises that threshold to the block's size (up to 32 MiB) and the
 * trim threshold to twice that. Loading the engine's bundle frees blocks of megabytes (the file
 * read, the compiler's working memory), so from then on large blocks come from the main heap, and
 * what they leave behind stays resident between longer-lived small ones: an idle emulator held
 * 17 MB of freed heap (21.2 MB of `[heap]` in /proc/PID/smaps, 3.6 MB with the threshold fixed;
 * RSS 76 → 59 MB; test/bench/idleMemoryBench.ts measures both). Fixing the threshold at glibc's
 * own default turns that growth off: mallopt(3) on M_MMAP_THRESHOLD describes the dynamic
 * threshold and that setting the parameter disables it; the tunable is the same parameter set from
 * the environment (https://sourceware.org/glibc/manual/latest/html_node/Memory-Allocation-Tunables.html).
 * The cost is an mmap and munmap per large block, which the emulator's small messages do not meet.
 *
 * The variable is read when a process starts, so it is given to the daemon the extension spawns;
 * `faasbox start` run from a shell gets it when the shell sets it (README, "Benchmarks").
 */
export const MALLOC_TUNABLE = "glibc.malloc.mmap_threshold=131072";

/** `env` with MALLOC_TUNABLE added to GLIBC_TUNABLES (kept beside any the user set; theirs wins). */
export function withMallocTunables(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): NodeJS.ProcessEnv {
  if (platform !== "linux") return env;
  const current = env.GLIBC_TUNABLES ?? "";
  if (current.split(":").some((setting) => setting.startsWith("glibc.malloc.mmap_threshold="))) return env;
  return { ...env, GLIBC_TUNABLES: current ? `${MALLOC_TUNABLE}:${current}` : MALLOC_TUNABLE };
}
