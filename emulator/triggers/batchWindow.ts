/**
 * Gathers messages into batches as Lambda's SQS poller does with a batching window: a
 * batch goes out when it holds `size` messages or when `windowMs` has passed since the
 * first message waiting, whichever comes first.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html (MaximumBatchingWindowInSeconds)
 * The docs do not say when the window of the messages left over after a full batch
 * starts: here it starts when the first of them arrived, so none waits longer than the window.
 */
export class BatchWindow<T> {
  private waiting: T[] = [];
  /** Messages added and sent so far, to tell each add() when all of its messages are out. */
  private added = 0;
  private sent = 0;
  private readonly callers: Array<{ upTo: number; resolve(): void; reject(error: Error): void }> = [];
  private timer?: NodeJS.Timeout;
  private sending: Promise<void> = Promise.resolve();

  constructor(private readonly size: number, private readonly windowMs: number, private readonly send: (batch: T[]) => Promise<void>) {}

  /** Resolves once every one of `items` has been sent (in a full batch, or when the window closed). */
  add(items: T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    this.waiting.push(...items);
    this.added += items.length;
    const done = new Promise<void>((resolve, reject) => this.callers.push({ upTo: this.added, resolve, reject }));
    if (this.waiting.length >= this.size) this.schedule(Math.floor(this.waiting.length / this.size) * this.size);
    if (this.waiting.length > 0 && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.schedule(this.waiting.length);
      }, this.windowMs);
    }
    return done;
  }

  /** Sends whatever waits now (shutdown: it is then queued on disk rather than lost). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.schedule(this.waiting.length);
    return this.sending;
  }

  private schedule(count: number): void {
    const out = this.waiting.splice(0, count);
    if (out.length === 0) return;
    // One send at a time, in order: batches reach the queue in the order they were made.
    this.sending = this.sending.then(async () => {
      try {
        for (let i = 0; i < out.length; i += this.size) await this.send(out.slice(i, i + this.size));
        this.sent += out.length;
        this.settle((caller) => caller.upTo <= this.sent, (caller) => caller.resolve());
      } catch (error) {
        this.sent += out.length;
        this.settle((caller) => caller.upTo <= this.sent, (caller) => caller.reject(error as Error));
      }
    });
  }

  private settle(ready: (caller: BatchWindow<T>["callers"][number]) => boolean, finish: (caller: BatchWindow<T>["callers"][number]) => void): void {
    while (this.callers.length > 0 && ready(this.callers[0])) finish(this.callers.shift()!);
  }
}
