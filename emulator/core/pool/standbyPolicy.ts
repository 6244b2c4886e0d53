/**
 * Which functions keep a standby instance: one created, started and initialised up to its
 * runtime's first request for an event, held for the function's next call that finds no idle
 * warm instance (see FunctionPool's standby).
 *
 * A function keeps one while it was invoked within the window (15 minutes by default: three
 * times the default keep-alive of 5, so a developer who reads, edits and comes back to a
 * function after its warm instances went still meets a ready one; past that the function is
 * most likely not being worked on, and its container's memory goes back to the machine). The
 * standbys together stay within a memory budget (the functions' configured memory, what their
 * containers may take): when the recently used functions need more, the least recently used
 * ones go without.
 */
export interface StandbyPolicyOptions {
  /** A function keeps its standby this long after its last invocation. */
  windowMs: number;
  /** The most memory (MB, the functions' configured sizes) all standbys may hold together. */
  budgetMb: number;
}

export const DEFAULT_STANDBY_WINDOW_MS = 15 * 60_000;
export const DEFAULT_STANDBY_BUDGET_MB = 1024;

interface Use {
  at: number;
  memoryMb: number;
}

export class StandbyPolicy {
  private readonly uses = new Map<string, Use>();

  constructor(private readonly options: StandbyPolicyOptions) {}

  /** `name` (of `memoryMb`) was invoked at `now`. */
  used(name: string, memoryMb: number, now: number): void {
    this.uses.set(name, { at: now, memoryMb });
  }

  /** `name` now has `memoryMb` (its configuration changed); its last use stays. */
  resized(name: string, memoryMb: number): void {
    const use = this.uses.get(name);
    if (use) use.memoryMb = memoryMb;
  }

  /** `name` is gone (removed from the project): it keeps nothing. */
  forget(name: string): void {
    this.uses.delete(name);
  }

  /** The functions that keep a standby at `now`: used within the window, most recent first, while the budget lasts. */
  entitled(now: number): Set<string> {
    const recent = [...this.uses].filter(([, use]) => now - use.at < this.options.windowMs).sort(([, a], [, b]) => b.at - a.at);
    const chosen = new Set<string>();
    let spentMb = 0;
    for (const [name, use] of recent) {
      // A function larger than what is left goes without; a smaller, older one may still fit.
      if (spentMb + use.memoryMb > this.options.budgetMb) continue;
      spentMb += use.memoryMb;
      chosen.add(name);
    }
    return chosen;
  }

  /** When the next recently used function leaves the window (after `now`); undefined when none will. */
  nextExpiry(now: number): number | undefined {
    let next: number | undefined;
    for (const use of this.uses.values()) {
      const end = use.at + this.options.windowMs;
      if (end > now && (next === undefined || end < next)) next = end;
    }
    return next;
  }
}
