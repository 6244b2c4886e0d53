import { matchesAny } from "./eventPattern";
import type { QueuedMessage } from "./events/messageEvents";

/**
 * The messages a mapping's FilterCriteria let through. Lambda matches SQS filters against
 * the record, with `body` read as JSON when it is JSON ("Amazon SQS event source mappings
 * only support filtering on the body key"); a message that matches no filter is deleted
 * from the queue without invoking the function.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-sqs-filtering.html
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
 */
export function keepMatching(filters: ReadonlyArray<Record<string, unknown>> | undefined, messages: QueuedMessage[]): QueuedMessage[] {
  if (!filters) return messages;
  return messages.filter((message) => matchesAny(filters, { body: bodyValue(message.body) }));
}

function bodyValue(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body; // a plain-text body is matched as a string
  }
}
