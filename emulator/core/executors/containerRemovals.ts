import type Docker from "dockerode";
import { isGone, sleep, within } from "../docker/engineCalls";

/** Removal is retried this long while the engine is unreachable or answers an error; then it is left for later. */
export const DEFAULT_REMOVE_RETRY_MS = 5_000;
export const FIRST_RETRY_MS = 50;
export const MAX_RETRY_MS = 1_000;

/** One container's removal: retried with back-off until it is gone or its time is up. */
export interface Removal {
  /** Settles after the first attempt, whatever it gave. */
  firstTry: Promise<void>;
  /** True once the container is gone; false when the time ran out first (it stays tracked). */
  done: Promise<boolean>;
}

export interface ContainerRemovalsOptions {
  /** How long one container's removal is retried while the engine does not answer or fails (default 5 s). */
  removeRetryMs?: number;
}

/**
 * The containers an executor created and has not seen removed yet, and their removals: every
 * container is tracked from the moment the engine returns its id until the engine says it is
 * gone; a removal the engine does not take is retried with back-off for a few seconds, then
 * again whenever the engine answers (retryStranded).
 */
export class ContainerRemovals {
  /** Every container we created and have not seen removed yet, with the last error removing it. */
  private readonly containers = new Map<string, { lastError?: string }>();
  private readonly removals = new Map<string, Removal>();

  constructor(private readonly docker: Docker, private readonly options: ContainerRemovalsOptions) {}

  /** Tracks a container from now on (again from scratch when it already was). */
  track(id: string): void {
    this.containers.set(id, {});
  }

  isTracked(id: string): boolean {
    return this.containers.has(id);
  }

  /** The ids of the containers still tracked. */
  get ids(): string[] {
    return [...this.containers.keys()];
  }

  get size(): number {
    return this.containers.size;
  }

  /** The last error removing each tracked container, for those that had one. */
  lastErrors(): string[] {
    return [...this.containers.values()].map((c) => c.lastError).filter((e) => e !== undefined);
  }

  /**
   * Removes a tracked container, retrying with back-off while the engine is unreachable or
   * answers an error, for at most `budgetMs`; a container still there then stays tracked, for
   * retryStranded and close(). One removal per container at a time.
   */
  remove(id: string, budgetMs = this.options.removeRetryMs ?? DEFAULT_REMOVE_RETRY_MS): Removal {
    const under = this.removals.get(id);
    if (under) return under;
    if (!this.containers.has(id)) return { firstTry: Promise.resolve(), done: Promise.resolve(true) };
    let firstTried!: () => void;
    const firstTry = new Promise<void>((resolve) => (firstTried = resolve));
    const done = (async () => {
      const deadline = performance.now() + budgetMs;
      for (let delay = FIRST_RETRY_MS; ; delay = Math.min(delay * 2, MAX_RETRY_MS)) {
        const left = Math.max(deadline - performance.now(), 1);
        const error = await within(this.docker.getContainer(id).remove({ force: true, v: true }), left, "removal").then(() => undefined, (e: unknown) => e);
        firstTried();
        if (error === undefined || isGone(error)) {
          this.containers.delete(id);
          return true;
        }
        const tracked = this.containers.get(id);
        if (tracked) tracked.lastError = (error as Error).message;
        if (performance.now() + delay >= deadline) return false;
        await sleep(delay);
      }
    })().finally(() => this.removals.delete(id));
    const removal = { firstTry, done };
    this.removals.set(id, removal);
    return removal;
  }

  /** Containers whose removal ran out of time: tried again (in the background) now that the engine answers. */
  retryStranded(): void {
    for (const [id, tracked] of this.containers) {
      if (!this.removals.has(id) && tracked.lastError !== undefined) void this.remove(id);
    }
  }
}
