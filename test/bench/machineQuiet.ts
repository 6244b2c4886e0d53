import { readFileSync } from "node:fs";

/** Busy and total CPU time of the whole machine so far, from /proc/stat (Linux); undefined elsewhere. */
function cpuTimes(): { busy: number; total: number } | undefined {
  try {
    const fields = readFileSync("/proc/stat", "latin1").split("\n", 1)[0].trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((sum, value) => sum + value, 0);
    const idle = fields[3] + (fields[4] ?? 0); // idle + iowait
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/**
 * Waits until the machine is quiet (under `busyShare` of its CPUs busy over a `windowMs` window),
 * at most `limitMs`. A burst of container starts right after another burst's removals met an
 * engine and kernel still tearing down (cgroups, mounts, shims): the burst after idle that users
 * meet starts on a quiet machine, so each burst round, and each round of its floor, waits for one.
 */
export async function machineQuiet(busyShare = 0.2, windowMs = 250, limitMs = 5_000): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (performance.now() < deadline) {
    const before = cpuTimes();
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const after = cpuTimes();
    if (!before || !after) return;
    const total = after.total - before.total;
    if (total > 0 && (after.busy - before.busy) / total < busyShare) return;
  }
}
