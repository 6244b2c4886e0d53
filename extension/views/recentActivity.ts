// Invocations and failures of the last minute, for the status bar. Free of `vscode`, so
// the unit tests load it directly.

export const ACTIVITY_WINDOW_MS = 60_000;

export interface ActivityCounts {
  invocations: number;
  errors: number;
}

/** Finished invocations (of every function, from every source) within the last minute. */
export class RecentActivity {
  private finished: { time: number; ok: boolean }[] = [];

  record(ok: boolean, now: number): void {
    this.finished.push({ time: now, ok });
  }

  counts(now: number): ActivityCounts {
    this.finished = this.finished.filter((entry) => now - entry.time < ACTIVITY_WINDOW_MS);
    return { invocations: this.finished.length, errors: this.finished.filter((entry) => !entry.ok).length };
  }

  /** When the oldest counted invocation leaves the window (the counts change then), if any is counted. */
  nextChange(now: number): number | undefined {
    const oldest = this.finished.find((entry) => now - entry.time < ACTIVITY_WINDOW_MS);
    return oldest && oldest.time + ACTIVITY_WINDOW_MS;
  }
}

/** "3/min", "3/min · 1 failed", or nothing at all without activity. */
export function activityText(counts: ActivityCounts): string | undefined {
  if (counts.invocations === 0) return undefined;
  return counts.errors > 0 ? `$(pulse) ${counts.invocations}/min · $(error) ${counts.errors} failed` : `$(pulse) ${counts.invocations}/min`;
}
