import type { Dialect } from "../project/spec";

/**
 * Billed duration as each provider rounds it: Lambda bills in 1 ms steps (since
 * December 2020); SCF also meters execution time in 1 ms steps. Kept per dialect so a
 * provider's rule can change on its own.
 */
export function billedDurationMs(dialect: Dialect, durationMs: number): number {
  const step = dialect === "aws" ? 1 : 1;
  return Math.max(step, Math.ceil(durationMs / step) * step);
}
