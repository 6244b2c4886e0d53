import { randomUUID } from "node:crypto";
import type { AsyncQueue } from "./async/asyncQueue";
import { BatchWindow } from "./batchWindow";
import { batchRetry, batchVerdict } from "./events/batchItemFailures";
import { messageEvent, type QueuedMessage } from "./events/messageEvents";
import { keepMatching } from "./queueFilter";
import type { AsyncEventInfo, FunctionError } from "../protocol";
import type { FunctionSpec, TopicTrigger } from "../project/spec";

interface Subscriber {
  fn: FunctionSpec;
  trigger: TopicTrigger;
}

/**
 * Named topics and queues. A topic gives every message to every subscribed function; a
 * queue gives each message to one of its consumers in turn. Messages go out in batches
 * of the trigger's batch size, as asynchronous invocations (retried, dead-lettered).
 * A queue consumer (a Lambda SQS mapping) also drops what its filters do not match,
 * gathers messages for its batching window, and retries only the messages a partial
 * batch response names.
 */
export class TopicBroker {
  private readonly turn = new Map<string, number>();
  private readonly windows = new Map<string, BatchWindow<QueuedMessage>>();

  constructor(private readonly functions: () => FunctionSpec[], private readonly queue: AsyncQueue) {}

  names(): string[] {
    return [...new Set(this.subscribers().map((s) => s.trigger.topic))].sort();
  }

  /**
   * Resolves once every batch is queued on disk (for a consumer with a batching window,
   * once that window closed); the number of functions the messages go to.
   */
  async publish(topic: string, bodies: string[], subject?: string): Promise<number> {
    const subscribers = this.subscribers().filter((s) => s.trigger.topic === topic);
    if (subscribers.length === 0 || bodies.length === 0) return subscribers.length;
    const now = Date.now();
    const messages: QueuedMessage[] = bodies.map((body) => ({ id: randomUUID(), body, publishedAt: now, attempts: 1, subject }));
    const topicSubscribers = subscribers.filter((s) => s.trigger.source === "topic");
    const queueConsumers = subscribers.filter((s) => s.trigger.source === "queue");
    for (const subscriber of topicSubscribers) await this.deliver(subscriber, topic, messages);
    if (queueConsumers.length) {
      const size = Math.max(1, Math.min(...queueConsumers.map((s) => s.trigger.batchSize)));
      const handed: Promise<void>[] = [];
      for (let i = 0; i < messages.length; i += size) {
        const next = this.turn.get(topic) ?? 0;
        this.turn.set(topic, next + 1);
        handed.push(this.consume(queueConsumers[next % queueConsumers.length], topic, messages.slice(i, i + size)));
      }
      await Promise.all(handed);
    }
    return subscribers.length;
  }

  /** Sends what batching windows hold now, so that shutdown queues it on disk. */
  async flush(): Promise<void> {
    await Promise.all([...this.windows.values()].map((window) => window.flush()));
  }

  /**
   * For the async queue, after a successful invocation: with ReportBatchItemFailures, the
   * messages the response names go back for another attempt, the rest are done.
   */
  remainder(event: AsyncEventInfo, response: Buffer | undefined): { payload: string; error: FunctionError } | undefined {
    if (!event.source.startsWith("queue:")) return undefined;
    const topic = event.source.slice("queue:".length);
    const reports = this.subscribers().some(({ fn, trigger }) => fn.name === event.function && trigger.topic === topic && trigger.source === "queue" && trigger.reportBatchItemFailures);
    if (!reports) return undefined; // without it Lambda ignores the response: the batch succeeded
    return batchRetry(batchVerdict(event.payload, response), event.payload, (failed, total) => `${failed} of ${total} message(s) reported in batchItemFailures are retried`);
  }

  private async consume(consumer: Subscriber, topic: string, messages: QueuedMessage[]): Promise<void> {
    const kept = keepMatching(consumer.trigger.filters, messages);
    if (kept.length === 0) return;
    const windowSec = consumer.trigger.batchWindowSec ?? 0;
    if (windowSec <= 0) return this.deliver(consumer, topic, kept);
    // Keyed by the settings too: a reload that changes them starts a new window.
    const key = [consumer.fn.name, consumer.trigger.name, topic, consumer.trigger.batchSize, windowSec].join("\0");
    let window = this.windows.get(key);
    if (!window) {
      window = new BatchWindow<QueuedMessage>(consumer.trigger.batchSize, windowSec * 1000, (batch) => this.enqueue(consumer, topic, batch));
      this.windows.set(key, window);
    }
    return window.add(kept);
  }

  private async deliver(subscriber: Subscriber, topic: string, messages: QueuedMessage[]): Promise<void> {
    for (let i = 0; i < messages.length; i += subscriber.trigger.batchSize) {
      await this.enqueue(subscriber, topic, messages.slice(i, i + subscriber.trigger.batchSize));
    }
  }

  private async enqueue({ fn, trigger }: Subscriber, topic: string, batch: QueuedMessage[]): Promise<void> {
    const event = messageEvent(fn.dialect, { name: topic, kind: trigger.source, region: fn.region }, batch);
    await this.queue.enqueue(fn.name, JSON.stringify(event), `${trigger.source}:${topic}`);
  }

  private subscribers(): Subscriber[] {
    return this.functions().flatMap((fn) => fn.triggers.filter((t): t is TopicTrigger => t.kind === "topic").map((trigger) => ({ fn, trigger })));
  }
}
