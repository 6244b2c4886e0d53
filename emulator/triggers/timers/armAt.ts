/** setTimeout's limit: a longer delay is taken as 1 ms, so a far target is reached in several waits. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * Calls `onDue` once `now()` reaches `at`, with one timer at a time (no polling). Each wake-up
 * checks the clock again, which covers delays beyond setTimeout's limit and a clock that moved.
 * The timer is unref()ed so that a pending schedule never keeps the process alive.
 * Returns a function that cancels it.
 */
export function armAt(at: Date, now: () => Date, onDue: () => void): () => void {
  let handle: NodeJS.Timeout | undefined;
  const wait = (): void => {
    const delay = at.getTime() - now().getTime();
    if (delay <= 0 && handle !== undefined) {
      handle = undefined;
      onDue();
      return;
    }
    // Even an overdue target waits for the next turn of the event loop, so that onDue never
    // runs inside the caller that armed it.
    handle = setTimeout(wait, Math.min(Math.max(delay, 0), MAX_DELAY_MS));
    handle.unref();
  };
  wait();
  return () => {
    clearTimeout(handle);
    handle = undefined;
  };
}
