import type { AsyncQueue } from "./async/asyncQueue";
import { matchesPattern } from "./eventPattern";
import { eventBridgeEvent, type PutEventsEntry } from "./events/eventBridgeEvents";
import { targetPayload } from "./events/ruleTarget";
import type { EventRuleTrigger, FunctionSpec } from "../project/spec";
import { randomUUID } from "node:crypto";

/**
 * Local EventBridge buses: an event put on a bus goes to every enabled rule of that bus
 * whose pattern matches it, and each matching rule invokes its function asynchronously
 * (EventBridge invokes Lambda targets asynchronously), through the durable queue with
 * its retries and dead letters.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rules.html
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 */
export class EventBus {
  constructor(private readonly functions: () => FunctionSpec[], private readonly queue: AsyncQueue) {}

  /** The buses some rule listens on. */
  names(): string[] {
    return [...new Set(this.rules().map((r) => r.trigger.bus))].sort();
  }

  /** Resolves once every matching rule's event is queued on disk; the names of the rules that matched ("function/rule"). */
  async put(entry: PutEventsEntry): Promise<string[]> {
    const id = randomUUID(); // one event, one id, whichever rules it reaches
    const time = entry.time ?? new Date();
    const matched: string[] = [];
    for (const { fn, trigger } of this.rules()) {
      if (trigger.bus !== entry.bus || !trigger.enabled) continue;
      // The region is the function's: a template's functions and its bus share one.
      const event = eventBridgeEvent({ ...entry, time }, fn.region, id);
      if (!matchesPattern(trigger.pattern, event)) continue;
      await this.queue.enqueue(fn.name, JSON.stringify(targetPayload(trigger, event)), `events:${entry.bus}`);
      matched.push(`${fn.name}/${trigger.name}`);
    }
    return matched;
  }

  private rules(): Array<{ fn: FunctionSpec; trigger: EventRuleTrigger }> {
    return this.functions().flatMap((fn) => fn.triggers.filter((t): t is EventRuleTrigger => t.kind === "eventRule").map((trigger) => ({ fn, trigger })));
  }
}
