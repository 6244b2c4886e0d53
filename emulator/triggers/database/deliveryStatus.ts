/**
 * How one consumer (function × database trigger) is doing, for the editor's tree and the CLI:
 * idle (caught up), delivering (a batch is with the function), failing (the last attempt
 * failed, `error` says why; it stays so, through retries and a dead letter, until an event is
 * delivered), stopped.
 */
export interface DeliveryStatus {
  state: "idle" | "delivering" | "failing" | "stopped";
  /** The last failure's message while failing. */
  error?: string;
  /** Changes received and not yet settled (delivered, or dead-lettered after their retries). */
  waiting: number;
  /** How long ago the oldest of them was committed, in milliseconds; 0 when none waits. */
  lagMs: number;
  /** Events the function took (each part of a split batch counts) and events dead-lettered, since start. */
  delivered: number;
  deadLettered: number;
  /** The commit LSN of the last change acknowledged to the source. */
  acknowledgedLsn?: string;
}
