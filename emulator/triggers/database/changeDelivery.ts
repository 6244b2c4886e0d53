import type { FunctionError } from "../../protocol";
import { settleBatch, type ChangeInvokeResult, type SettlementPolicy } from "./batchSettlement";
import { compareChanges } from "./changePosition";
import type { DeliveryStatus } from "./deliveryStatus";
import { recordIdentifiers } from "./reportedChangeFailures";
import type { ChangeSource, RowChange } from "./rowChange";

/**
 * Retries of a failing record before it is dead-lettered, when the trigger sets none. Lambda's
 * Kinesis default is -1, retrying until the record expires from the stream; a replication slot
 * keeps a change until it is acknowledged, so locally -1 would hold the consumer behind one bad
 * change for ever. 2 is what asynchronous invocation retries (SCF and Lambda), so one failing
 * record costs the same locally whatever brought it. An explicit -1 is honoured.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-parameters.html
 */
export const DEFAULT_MAX_RETRIES = 2;

/** Delay before the first retry, doubled for each next one up to 30 s. Lambda does not document its stream retry delays. */
const DEFAULT_RETRY_DELAY_MS = 1000;
const MAX_RETRY_DELAY_MS = 30_000;

export interface ChangeDeliveryOptions {
  /** Most changes in one event: BatchSize (Lambda's Kinesis default 100, at most 10,000). */
  batchSize: number;
  /**
   * MaximumBatchingWindowInSeconds: how long to gather changes before invoking when fewer than
   * `batchSize` wait; 0 (Lambda's default for streams) invokes with what is there. A batch goes
   * out when it is full or when the window has passed since the oldest waiting change arrived.
   * https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-parameters.html
   * https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html (batching: full batch, window expired, or 6 MB)
   */
  batchWindowSec: number;
  /**
   * StartingPosition, kept for the record: it changes nothing here, by design. Lambda applies it
   * when a mapping is created; an existing mapping resumes at its checkpoint. A replication slot
   * is that checkpoint: a new slot can only read changes committed after it was created (the WAL
   * before it is not decoded for it), so TRIM_HORIZON ("the oldest record") and LATEST ("just
   * after the most recent record") both start at the slot's creation, and an existing slot
   * resumes at its confirmed position, so changes made while the emulator was stopped are
   * delivered rather than skipped.
   * https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-parameters.html
   * https://www.postgresql.org/docs/current/logicaldecoding-explanation.html (replication slots)
   */
  startingPosition?: "TRIM_HORIZON" | "LATEST";
  /** FunctionResponseTypes: [ReportBatchItemFailures]: read `batchItemFailures` from the response. */
  reportBatchItemFailures?: boolean;
  /** BisectBatchOnFunctionError: split a batch that failed in two halves and deliver each. */
  bisectOnError?: boolean;
  /** MaximumRetryAttempts; DEFAULT_MAX_RETRIES when unset, -1 retries for as long as the emulator runs. */
  maxRetries?: number;
  /** Delay before the first retry (tests set 0). */
  retryDelayMs?: number;
  /** The shape: the event for these changes, one record per change in their order. */
  toEvent(changes: RowChange[]): unknown;
  /** The identifier of each record of an event (what a function names in batchItemFailures); recordIdentifiers by default. */
  recordIds?(event: unknown): string[];
  /**
   * Runs the function synchronously through the engine (so logs, metrics and the request log see
   * it); `json` is the event as JSON text, already made (and within the 6 MB payload limit).
   */
  invoke(event: unknown, json: string): Promise<ChangeInvokeResult>;
  /** Keeps an event whose retries are spent (the `faasbox dlq` store); `json` as for invoke. */
  deadLetter(event: unknown, error: FunctionError, json: string): Promise<void>;
  onStatus?(status: DeliveryStatus): void;
}

/**
 * One consumer's ordered delivery: the changes of a ChangeSource, in commit order, batched,
 * one batch with the function at a time, each batch settled (delivered or dead-lettered after
 * its retries) before the next goes. After each settled stretch the source is told the last
 * change in it that ends a transaction, so the slot never confirms half a transaction and never
 * a change past one that is still failing: whatever was not acknowledged comes again after a
 * restart (at least once, none skipped).
 * https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
 */
export class ChangeDelivery {
  private readonly batchSize: number;
  private readonly windowMs: number;
  private readonly maxRetries: number;
  private readonly retryDelayMs: number;
  /** Received and not yet in a batch, with when each arrived (the batch window counts from it). */
  private readonly waiting: Array<{ change: RowChange; arrivedAt: number }> = [];
  /** The batch with the function: what of it is not settled yet. */
  private unsettled: RowChange[] = [];
  private lastReceived?: RowChange;
  private stopping = false;
  /** The retry pauses under way, ended early by stop(). (Not a race with one long-lived "stopped" promise: each race would leave it a reaction for as long as the delivery lives.) */
  private readonly pauses = new Set<() => void>();
  private arrival?: () => void;
  private readonly roomWaiters: Array<() => void> = [];
  private readonly idleWaiters: Array<() => void> = [];
  private loop?: Promise<void>;
  private readonly current: DeliveryStatus = { state: "idle", waiting: 0, lagMs: 0, delivered: 0, deadLettered: 0 };

  constructor(private readonly source: ChangeSource, private readonly options: ChangeDeliveryOptions) {
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new RangeError(`batch size ${options.batchSize} is not a whole number of at least 1`);
    if (!(options.batchWindowSec >= 0)) throw new RangeError(`batch window ${options.batchWindowSec} s is not a number of seconds of at least 0`);
    this.batchSize = options.batchSize;
    this.windowMs = options.batchWindowSec * 1000;
    this.maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
  }

  /** Starts the source and the delivery loop; rejects when the source cannot start. One use: after stop(), make a new delivery. */
  async start(): Promise<void> {
    // The loop catches what a batch throws; this is the last guard, so a fault can never end the emulator.
    this.loop ??= this.run().catch((error: Error) => this.update({ state: "failing", error: `delivery stopped: ${error.message}` }));
    await this.source.start((changes) => this.receive(changes));
  }

  /**
   * Stops at once: a batch with the function is neither acknowledged nor dead-lettered, whatever
   * its invocation returns later, so the source gives it again on the next start.
   */
  async stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      for (const wake of this.pauses) wake();
      this.arrival?.();
      for (const resolve of this.roomWaiters.splice(0)) resolve();
      this.update({ state: "stopped", error: undefined });
      this.notifyIdle(); // nothing more will settle: no one waits for ever
    }
    await this.source.stop();
  }

  status(): DeliveryStatus {
    return { ...this.current, ...this.backlog() };
  }

  /** Resolves once every change received so far is settled (tests, "fire and wait"). */
  idle(): Promise<void> {
    if (this.isIdle() || this.stopping) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * The source's callback: queues the changes and returns at once while a batch's worth waits
   * at most, so a batch window can fill; past that the source waits (memory stays bounded).
   * A source that reconnects starts again from the slot's confirmed position: changes it already
   * gave are dropped here, since they are delivered or on their way.
   */
  private async receive(changes: RowChange[]): Promise<void> {
    if (this.stopping) return;
    const arrivedAt = Date.now();
    for (const change of changes) {
      if (this.lastReceived && compareChanges(change, this.lastReceived) <= 0) continue;
      this.waiting.push({ change, arrivedAt });
      this.lastReceived = change;
    }
    this.arrival?.();
    if (this.waiting.length >= this.batchSize) await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      if (this.waiting.length === 0) {
        this.update({ state: this.current.state === "failing" ? "failing" : "idle" });
        this.notifyIdle();
        await this.nextArrival();
        continue;
      }
      const windowLeft = this.waiting[0].arrivedAt + this.windowMs - Date.now();
      if (this.waiting.length < this.batchSize && windowLeft > 0) {
        await this.nextArrival(windowLeft);
        continue;
      }
      this.unsettled = this.waiting.splice(0, this.batchSize).map(({ change }) => change);
      if (this.waiting.length < this.batchSize) for (const resolve of this.roomWaiters.splice(0)) resolve();
      this.update({ state: this.current.state === "failing" ? "failing" : "delivering" });
      await this.settleUnsettled();
    }
  }

  /**
   * Settles the batch; a step that throws (the dead-letter store could not be written, the shape
   * failed on a change) is said in the status and tried again later from the first unsettled
   * change, never skipped.
   */
  private async settleUnsettled(): Promise<void> {
    for (let trouble = 1; this.unsettled.length > 0 && !this.stopping; trouble++) {
      try {
        await settleBatch(this.unsettled, this.policy());
        return;
      } catch (error) {
        this.update({ state: "failing", error: `delivery stopped at a change it could not settle: ${(error as Error).message}` });
        await this.pause(trouble);
      }
    }
  }

  private policy(): SettlementPolicy {
    return {
      toEvent: (changes) => this.options.toEvent(changes),
      recordIds: (event) => (this.options.recordIds ?? recordIdentifiers)(event),
      invoke: (event, json) => this.options.invoke(event, json),
      deadLetter: async (event, error, json) => {
        await this.options.deadLetter(event, error, json);
        this.update({ deadLettered: this.current.deadLettered + 1 });
      },
      reportBatchItemFailures: this.options.reportBatchItemFailures ?? false,
      bisectOnError: this.options.bisectOnError ?? false,
      maxRetries: this.maxRetries,
      pause: (retry) => this.pause(retry),
      stopped: () => this.stopping,
      settled: (change) => this.settled(change),
      attempted: (outcome) => {
        if (outcome.ok) this.update({ state: "delivering", error: undefined, delivered: this.current.delivered + 1 });
        else this.update({ state: "failing", error: `${outcome.error.errorType}: ${outcome.error.errorMessage}` });
      },
    };
  }

  /** Everything up to `change` is settled: acknowledge the last transaction end among it. */
  private async settled(change: RowChange): Promise<void> {
    // A new array, not splice(): the batch being settled is this array and must stay as it was.
    const through = this.unsettled.indexOf(change) + 1;
    const done = this.unsettled.slice(0, through);
    this.unsettled = this.unsettled.slice(through);
    const end = [...done].reverse().find((c) => c.lastInTransaction);
    if (!end || this.stopping) return;
    try {
      await this.source.acknowledge(end);
      this.update({ acknowledgedLsn: end.commitLsn });
    } catch (error) {
      // Delivered all the same: the next acknowledgement covers this one; until then a restart gives these changes again.
      this.update({ error: `could not confirm ${end.commitLsn} to the database: ${(error as Error).message}` });
    }
  }

  /** Waits before retry number `retry`; false when stopped meanwhile. */
  private async pause(retry: number): Promise<boolean> {
    const delay = Math.min(MAX_RETRY_DELAY_MS, this.retryDelayMs * 2 ** (retry - 1));
    if (this.stopping) return false;
    await new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.pauses.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, delay);
      this.pauses.add(wake);
    });
    return !this.stopping;
  }

  /** Resolves when changes arrive, the delivery stops, or `timeoutMs` passes. */
  private async nextArrival(timeoutMs?: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.arrival = resolve;
      if (timeoutMs !== undefined) timer = setTimeout(resolve, timeoutMs);
      if (this.stopping) resolve();
    });
    this.arrival = undefined;
    clearTimeout(timer);
  }

  private isIdle(): boolean {
    return this.waiting.length === 0 && this.unsettled.length === 0;
  }

  private notifyIdle(): void {
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private backlog(): Pick<DeliveryStatus, "waiting" | "lagMs"> {
    const oldest = this.unsettled[0] ?? this.waiting[0]?.change;
    const committed = oldest ? Date.parse(oldest.commitTime) : NaN;
    return { waiting: this.unsettled.length + this.waiting.length, lagMs: Number.isNaN(committed) ? 0 : Math.max(0, Date.now() - committed) };
  }

  private update(change: Partial<DeliveryStatus>): void {
    // After stop() the loop may still finish an attempt: the consumer stays shown as stopped.
    if (this.stopping && change.state !== "stopped") delete change.state;
    Object.assign(this.current, change);
    try {
      this.options.onStatus?.(this.status());
    } catch {
      // A listener's fault is its own: delivery goes on.
    }
  }
}
