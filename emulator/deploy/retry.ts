import type { Timing } from "./types";

/**
 * Calls `call`, retrying while `isRetryable` says the cloud only asked to slow down:
 * `timing.retries` more times, waiting `retryBaseMs` doubled each time, with jitter so
 * parallel deploys do not retry in step. Other errors, and the last one, are thrown as is.
 */
export async function withRetry<T>(
  call: () => Promise<T>,
  isRetryable: (error: unknown) => boolean,
  timing: Pick<Timing, "retries" | "retryBaseMs">,
  onRetry?: (attempt: number, delayMs: number, error: unknown) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt > timing.retries || !isRetryable(error)) throw error;
      const delayMs = Math.round(timing.retryBaseMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2));
      onRetry?.(attempt, delayMs, error);
      await sleep(delayMs);
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
