import { randomUUID } from "node:crypto";
import type { AsyncQueue } from "./async/asyncQueue";
import { messageEvent, type QueuedMessage } from "./events/messageEvents";
import type { FunctionSpec, TopicTrigger } from "../project/spec";

interface Subscriber {
  fn: FunctionSpec;
  trigger: TopicTrigger;
}

/**
 * Named topics and queues. A topic gives every message to every subscribed function; a
 * queue gives each message to one of its consumers in turn. Messages go out in batches
 * of the trigger's batch size, as asynchronous invocations (retried, dead-lettered).
 */
export class TopicBroker {
  private readonly turn = new Map<string, number>();

  constructor(private readonly functions: () => FunctionSpec[], private readonly queue: AsyncQueue) {}

  names(): string[] {
    return [...new Set(this.subscribers().map((s) => s.trigger.topic))].sort();
  }

  /** Resolves once every batch is queued on disk; the number of functions the messages go to. */
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
      for (let i = 0; i < messages.length; i += size) {
        const next = this.turn.get(topic) ?? 0;
        this.turn.set(topic, next + 1);
        await this.deliver(queueConsumers[next % queueConsumers.length], topic, messages.slice(i, i + size));
      }
    }
    return subscribers.length;
  }

  private async deliver({ fn, trigger }: Subscriber, topic: string, messages: QueuedMessage[]): Promise<void> {
    for (let i = 0; i < messages.length; i += trigger.batchSize) {
      const batch = messages.slice(i, i + trigger.batchSize);
      const event = messageEvent(fn.dialect, { name: topic, kind: trigger.source, region: fn.region }, batch);
      await this.queue.enqueue(fn.name, JSON.stringify(event), `${trigger.source}:${topic}`);
    }
  }

  private subscribers(): Subscriber[] {
    return this.functions().flatMap((fn) => fn.triggers.filter((t): t is TopicTrigger => t.kind === "topic").map((trigger) => ({ fn, trigger })));
  }
}
