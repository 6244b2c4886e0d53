/** A launch step the engine has not answered within this long fails, so nothing waits on a hung engine forever. */
export const LAUNCH_STEP_TIMEOUT_MS = 30_000;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The engine says the container does not exist (any more): as good as removed. */
export function isGone(error: unknown): boolean {
  return (error as { statusCode?: number }).statusCode === 404;
}

/** The engine did not answer in time (it may be hung, or very slow). */
export class NoAnswer extends Error {}

/** A promise that rejects (NoAnswer) after `ms` when `promise` has not settled by then; `ms` of 0 or less: no bound. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  if (ms <= 0 || !Number.isFinite(ms)) return promise;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NoAnswer(`${what}: no answer within ${(ms / 1000).toFixed(1)} s`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
