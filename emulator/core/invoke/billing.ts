import type { Dialect } from "../../project/spec";

/**
 * Billed duration as each provider rounds it: Lambda bills in 1 ms steps (since
 * December 2020); SCF also meters execution time in 1 ms steps. Kept per dialect so a
 * provider's rule can change on its own.
 */
const BILLING_STEP_MS: Readonly<Record<Dialect, number>> = { aws: 1, scf: 1 };

export function billedDurationMs(dialect: Dialect, durationMs: number): number {
  const step = BILLING_STEP_MS[dialect];
  return Math.max(step, Math.ceil(durationMs / step) * step);
}
