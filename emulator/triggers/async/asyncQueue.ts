import { randomUUID } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { AsyncEventInfo, FunctionError } from "../../protocol";

export interface AsyncQueueOptions {
  /** Retries after the first attempt (SCF's and Lambda's default: 2). */
  retries?: number;
  /** Delay before each retry, doubled each time. */
  retryDelayMs?: number;
  /** Attempts in flight at once, across functions (the pools still throttle per function). */
  parallel?: number;
  /**
   * Looks at a successful attempt's response: what is left to retry (an SQS partial batch
   * response naming failed messages), as the event to retry and why, or undefined when done.
   */
  remainder?: (event: AsyncEventInfo, response: Buffer | undefined) => { payload: string; error: FunctionError } | undefined;
  /** A function's own settings (Lambda's EventInvokeConfig), asked at each attempt so a reload applies at once. */
  policy?: (functionName: string) => AsyncPolicy;
}

/** Per function; what is left out falls back to the queue's options. */
export interface AsyncPolicy {
  /** Retries after the first attempt (Lambda: 0 to 2). */
  retries?: number;
  /** An event older than this is dead-lettered instead of attempted (Lambda's MaximumEventAgeInSeconds). */
  maxEventAgeMs?: number;
}

/** Runs one attempt; `requestId` is the event's id, so every attempt's log lines carry the id the caller was given. */
type Invoke = (functionName: string, payload: Buffer, requestId: string) => Promise<{ ok: boolean; error?: FunctionError; payload?: Buffer }>;

/**
 * Asynchronous invocation with at-least-once delivery. Each event is written to disk
 * (fsync, then an atomic rename) before enqueue() resolves, and removed only once an
 * attempt succeeded or it was dead-lettered, so an emulator killed with SIGKILL loses
 * nothing: a restart delivers whatever was pending. Failed attempts are retried, then
 * the event goes to the dead-letter queue, from which it can be replayed.
 */
export class AsyncQueue {
  private readonly pendingDir: string;
  private readonly deadDir: string;
  private readonly retries: number;
  private readonly retryDelayMs: number;
  private readonly parallel: number;
  private readonly remainder: AsyncQueueOptions["remainder"];
  private readonly policy: (functionName: string) => AsyncPolicy;
  private readonly ready: AsyncEventInfo[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private inFlight = 0;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  private readonly listeners = new Set<(event: AsyncEventInfo, outcome: "delivered" | "retry" | "dead") => void>();

  constructor(dir: string, private readonly invoke: Invoke, options: AsyncQueueOptions = {}) {
    this.pendingDir = join(dir, "pending");
    this.deadDir = join(dir, "dead");
    mkdirSync(this.pendingDir, { recursive: true, mode: 0o700 });
    mkdirSync(this.deadDir, { recursive: true, mode: 0o700 });
    this.retries = options.retries ?? 2;
    this.retryDelayMs = options.retryDelayMs ?? 1000;
    this.parallel = options.parallel ?? 8;
    this.remainder = options.remainder;
    this.policy = options.policy ?? (() => ({}));
  }

  /** Delivers what an earlier run left pending (the emulator crashed or was killed). */
  start(): number {
    const pending = readEvents(this.pendingDir).sort((a, b) => a.enqueuedAt - b.enqueuedAt);
    for (const event of pending) this.ready.push(event);
    this.pump();
    return pending.length;
  }

  async enqueue(functionName: string, payload: string, source: string): Promise<AsyncEventInfo> {
    const event: AsyncEventInfo = { id: randomUUID(), function: functionName, payload, source, enqueuedAt: Date.now(), attempts: 0 };
    await writeDurably(this.pendingDir, event);
    this.ready.push(event);
    this.pump();
    return event;
  }

  onOutcome(listener: (event: AsyncEventInfo, outcome: "delivered" | "retry" | "dead") => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  pending(functionName?: string): AsyncEventInfo[] {
    return readEvents(this.pendingDir).filter((e) => !functionName || e.function === functionName);
  }

  deadLetters(functionName?: string): AsyncEventInfo[] {
    return readEvents(this.deadDir).filter((e) => !functionName || e.function === functionName).sort((a, b) => (a.deadAt ?? 0) - (b.deadAt ?? 0));
  }

  /**
   * Keeps an event that failed every attempt elsewhere (a database trigger's batch, delivered in
   * order by its own loop) among the dead letters, so `faasbox dlq` lists it and can replay it.
   */
  async addDeadLetter(functionName: string, payload: string, source: string, error: FunctionError, attempts: number): Promise<AsyncEventInfo> {
    const event: AsyncEventInfo = { id: randomUUID(), function: functionName, payload, source, enqueuedAt: Date.now(), attempts, lastError: error };
    await this.deadLetter(event);
    return event;
  }

  /** Puts a dead-lettered event back in the queue with fresh attempts. */
  async replay(id: string): Promise<AsyncEventInfo | undefined> {
    const event = this.deadLetters().find((e) => e.id === id);
    if (!event) return undefined;
    const fresh: AsyncEventInfo = { ...event, attempts: 0, deadAt: undefined, lastError: undefined };
    await writeDurably(this.pendingDir, fresh);
    await rm(join(this.deadDir, `${id}.json`), { force: true });
    this.ready.push(fresh);
    this.pump();
    return fresh;
  }

  /** Resolves when nothing is ready, waiting or in flight (for tests and shutdown). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private isIdle(): boolean {
    return this.ready.length === 0 && this.inFlight === 0 && this.timers.size === 0;
  }

  private pump(): void {
    while (!this.stopped && this.inFlight < this.parallel && this.ready.length > 0) {
      const event = this.ready.shift()!;
      this.inFlight++;
      void this.attempt(event)
        .catch((error: Error) => this.onDiskError(event, error))
        .finally(() => {
          this.inFlight--;
          this.pump();
          if (this.isIdle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
        });
    }
  }

  private async attempt(event: AsyncEventInfo): Promise<void> {
    const policy = this.policy(event.function);
    // Lambda discards (or dead-letters) an event older than the maximum age instead of trying it again:
    // https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
    if (policy.maxEventAgeMs !== undefined && Date.now() - event.enqueuedAt > policy.maxEventAgeMs) {
      event.lastError = {
        errorType: "Faasbox.EventTooOld",
        errorMessage: `not attempted again: the event is older than the function's MaximumEventAgeInSeconds (${policy.maxEventAgeMs / 1000} s)`,
      };
      return this.deadLetter(event);
    }
    event.attempts++;
    let result: { ok: boolean; error?: FunctionError; payload?: Buffer } | undefined;
    try {
      result = await this.invoke(event.function, Buffer.from(event.payload), event.id);
    } catch (error) {
      event.lastError = { errorType: "Faasbox.InvokeFailed", errorMessage: (error as Error).message };
    }
    if (this.stopped) return; // still pending on disk: the next start delivers it
    const left = result?.ok ? this.remainder?.(event, result.payload) : undefined;
    if (left) {
      event.payload = left.payload;
      result = { ok: false, error: left.error };
    }
    if (result?.ok) {
      await rm(join(this.pendingDir, `${event.id}.json`), { force: true });
      this.emit(event, "delivered");
      return;
    }
    if (result?.error) event.lastError = result.error;
    if (event.attempts <= (policy.retries ?? this.retries)) {
      await writeDurably(this.pendingDir, event);
      this.emit(event, "retry");
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.ready.push(event);
        this.pump();
      }, this.retryDelayMs * 2 ** (event.attempts - 1));
      this.timers.add(timer);
      return;
    }
    await this.deadLetter(event);
  }

  private async deadLetter(event: AsyncEventInfo): Promise<void> {
    event.deadAt = Date.now();
    await writeDurably(this.deadDir, event);
    await rm(join(this.pendingDir, `${event.id}.json`), { force: true });
    this.emit(event, "dead");
  }

  /**
   * The state folder could not be written (disk full, folder removed): the event stays in
   * memory and is tried again later, rather than lost or left to crash the emulator.
   */
  private onDiskError(event: AsyncEventInfo, error: Error): void {
    process.stderr.write(`faasbox: the asynchronous queue could not record event ${event.id} of ${event.function} (${error.message}); it is tried again later\n`);
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.ready.push(event);
      this.pump();
    }, Math.min(60_000, this.retryDelayMs * 2 ** Math.max(0, event.attempts - 1)));
    this.timers.add(timer);
  }

  private emit(event: AsyncEventInfo, outcome: "delivered" | "retry" | "dead"): void {
    for (const listener of this.listeners) listener(event, outcome);
  }
}

/** Write to a temporary name, fsync, rename: after a crash the file is whole or absent. */
async function writeDurably(dir: string, event: AsyncEventInfo): Promise<void> {
  const file = join(dir, `${event.id}.json`);
  const temporary = `${file}.${process.pid}.tmp`;
  const handle = await open(temporary, "w", 0o600);
  try {
    await handle.writeFile(JSON.stringify(event));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
}

function readEvents(dir: string): AsyncEventInfo[] {
  const events: AsyncEventInfo[] = [];
  for (const file of readdirSync(dir)) {
    if (!file.endsWith(".json")) continue; // .tmp files are writes a crash cut short
    try {
      events.push(JSON.parse(readFileSync(join(dir, file), "utf8")) as AsyncEventInfo);
    } catch {
      // unreadable: leave it for a person to look at
    }
  }
  return events;
}
