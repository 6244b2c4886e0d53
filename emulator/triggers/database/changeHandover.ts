import { badUrlReason, maskPassword } from "./connectionErrors";
import type { Operation } from "./pgSlots";
import type { RowChange } from "./rowChange";

/**
 * What both change sources (PostgreSQL's logical replication, MySQL's binlog) do the same way between
 * reading changes and delivering them: the queue of decoded changes, pausing reading while too many
 * wait, handing them to delivery one call at a time, and reconnecting with backoff. Each source keeps
 * what is its own (the connection, the decoder, how positions compare and are confirmed) and passes it
 * in as a ChangeStream.
 */

/** What a source reports while it runs, for the trigger listing and the editor. */
export interface SourceStatus {
  state: "connecting" | "streaming" | "failing" | "stopped";
  /** Why it is failing (password masked); it keeps retrying with backoff. */
  error?: string;
}

/** What every change source is told; each adds its own (a slot and publication, or where to save its position). */
export interface ChangeSourceConfig {
  /** postgres://user:password@host:port/database, or mysql:// (mariadb://). */
  url: string;
  /** "schema.table" or "table": in schema public (PostgreSQL), in the URL's database (MySQL). */
  tables: readonly string[];
  operations: readonly Operation[];
  columns?: readonly string[];
  /** Prefixes every message: `faasbox.yml:3: databases.shop.url`. */
  label: string;
  onStatus?: (status: SourceStatus) => void;
  /**
   * Told what is no failure but changes what arrives: PostgreSQL, once per table, that a column filter
   * cannot be checked (no old row: REPLICA IDENTITY FULL needed); MySQL, that the saved position was
   * purged from the server and reading starts at its current position.
   */
  onWarning?: (message: string) => void;
}

/** A source's own parts, as the handover needs them. */
export interface ChangeStream {
  /** Said when a connection ends without an error while the source runs: "the binlog stream ended". */
  endedMessage: string;
  /** One connection's life: calls onStreaming once changes flow, settles when the connection ends. */
  streamOnce(onStreaming: () => void): Promise<void>;
  /** An error met while connecting or streaming, in words a user can act on (password masked). */
  describeError(error: unknown): string;
  /** A connection ended: the decoder forgets the transaction it was reading (it comes again). */
  connectionEnded(): void;
  /** Orders two changes' commit positions (RowChange.commitLsn) as a comparator does. */
  compareCommits(a: string, b: string): number;
  /** Whether the changes pending are to wait for the rest of their transaction before they are handed. */
  holdBack?(): boolean;
  /** Told the last change of each batch handed to delivery. */
  handing?(last: RowChange): void;
  /** Too many changes wait: stop reading (the server keeps the rest). */
  pauseReading?(): void;
  /** Few enough wait again: read on. */
  resumeReading?(): void;
  /** Delivery failed to settle a batch: end the connection, so that reading starts again at the confirmed position. */
  restart(): void;
}

/** Most changes handed to delivery in one onChanges call. */
const MAX_HANDED = 1000;
/** Decoded changes waiting for delivery above which reading pauses (the server keeps the rest), and below which it resumes. */
const PAUSE_AT = 5000;
const RESUME_AT = 1000;
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;

export class ChangeHandover {
  private onChanges?: (changes: RowChange[]) => Promise<void>;
  private pending: RowChange[] = [];
  private inFlight = false;
  private paused = false;
  private resumeWaiters: Array<() => void> = [];
  /** The last change handed to delivery: after a reconnect, what the server sends again up to it is skipped. */
  private handed?: RowChange;
  private halted = false;
  private loop?: Promise<void>;
  private sleepTimer?: { timer: NodeJS.Timeout; wake: () => void };
  status: SourceStatus = { state: "connecting" };

  /** `source`: its URL is checked at start and masked in every message, its label prefixes them. */
  constructor(private readonly source: Pick<ChangeSourceConfig, "url" | "label" | "onStatus">, private readonly stream: ChangeStream) {}

  /**
   * Starts the connect-stream-retry loop. Resolves after the first attempt: a database that cannot be
   * used leaves the source failing (status.error says why) and retrying with backoff. A malformed URL
   * rejects: no retry can fix it.
   */
  async start(onChanges: (changes: RowChange[]) => Promise<void>): Promise<void> {
    const bad = badUrlReason(this.source.url);
    if (bad) throw new Error(`${this.source.label}: ${bad}`);
    this.onChanges = onChanges;
    let firstAttempt!: () => void;
    const attempted = new Promise<void>((resolve) => (firstAttempt = resolve));
    this.loop = this.run(firstAttempt);
    await attempted;
  }

  /**
   * Ends the loop: `end` closes the source's connection; `settle`, once the loop has ended, waits for
   * what the source still writes. The last failure stays readable: a source stopped while failing still says why.
   */
  async stop(end: () => unknown, settle?: () => Promise<unknown>): Promise<void> {
    this.halted = true;
    this.sleepTimer?.wake();
    this.wakeResumeWaiters();
    await end();
    await this.loop;
    await settle?.();
    this.setStatus({ state: "stopped", error: this.status.error });
  }

  /** The loop has started (start() was called with a good URL). */
  get running(): boolean {
    return this.loop !== undefined;
  }

  get stopped(): boolean {
    return this.halted;
  }

  /** Changes decoded and not yet handed to delivery: bounded, the server keeps the rest while reading is paused. */
  get buffered(): number {
    return this.pending.length;
  }

  /** Nothing waits for delivery and nothing is being delivered. */
  get idle(): boolean {
    return !this.inFlight && this.pending.length === 0;
  }

  get readingPaused(): boolean {
    return this.paused;
  }

  /** Decoded changes (in commit order): queued, except those handed before a reconnect; reading pauses when too many wait. */
  add(changes: readonly RowChange[]): void {
    const handed = this.handed;
    for (const change of changes) {
      const order = handed ? this.stream.compareCommits(change.commitLsn, handed.commitLsn) : 1;
      if (order < 0 || (order === 0 && change.indexInTransaction <= handed!.indexInTransaction)) continue;
      this.pending.push(change);
    }
    this.pump();
    if (this.pending.length >= PAUSE_AT && !this.paused) {
      this.paused = true;
      this.stream.pauseReading?.();
    }
  }

  /** Resolves once reading may go on (at once unless paused), or the source stops or reconnects. */
  async resumed(): Promise<void> {
    while (this.paused && !this.halted) {
      await new Promise<void>((resolve) => this.resumeWaiters.push(resolve));
    }
  }

  setStatus(status: SourceStatus): void {
    if (status.state === this.status.state && status.error === this.status.error) return;
    this.status = status;
    this.source.onStatus?.(status);
  }

  private async run(firstAttempt: () => void): Promise<void> {
    let delay = FIRST_RETRY_MS;
    while (!this.halted) {
      let streamed = false;
      try {
        // A failing source stays failing (with why) while it retries, until it streams again.
        if (this.status.state !== "failing") this.setStatus({ state: "connecting" });
        await this.stream.streamOnce(() => {
          streamed = true;
          delay = FIRST_RETRY_MS;
          firstAttempt();
        });
        if (!this.halted) throw new Error(this.stream.endedMessage);
      } catch (error) {
        if (this.halted) break;
        this.setStatus({ state: "failing", error: `${this.source.label}: ${this.stream.describeError(error)}` });
      } finally {
        this.stream.connectionEnded();
        // What was decoded but not handed comes again from the confirmed position.
        this.pending = [];
        this.paused = false;
        this.wakeResumeWaiters();
      }
      firstAttempt();
      if (this.halted) break;
      await this.sleep(streamed ? FIRST_RETRY_MS : delay);
      if (!streamed) delay = Math.min(delay * 2, MAX_RETRY_MS);
    }
  }

  private pump(): void {
    if (this.inFlight || this.halted || !this.onChanges || this.pending.length === 0) return;
    // A transaction larger than one handover goes in parts.
    if (this.stream.holdBack?.() && this.pending.length < MAX_HANDED) return;
    const changes = this.pending.splice(0, MAX_HANDED);
    const last = changes[changes.length - 1];
    this.handed = last;
    this.stream.handing?.(last);
    this.inFlight = true;
    if (this.paused && this.pending.length < RESUME_AT) {
      this.paused = false;
      this.wakeResumeWaiters();
      this.stream.resumeReading?.();
    }
    this.onChanges(changes).then(
      () => undefined,
      (error: Error) => {
        // Delivery failed to settle these (it should dead-letter instead): read them again from the confirmed position.
        this.setStatus({ state: "failing", error: `${this.source.label}: delivery failed: ${maskPassword(error.message, this.source.url)}` });
        this.handed = undefined;
        this.stream.restart();
      },
    ).finally(() => {
      this.inFlight = false;
      this.pump();
    });
  }

  private wakeResumeWaiters(): void {
    const waiters = this.resumeWaiters;
    this.resumeWaiters = [];
    for (const wake of waiters) wake();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepTimer = undefined;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepTimer = { timer, wake };
    });
  }
}
