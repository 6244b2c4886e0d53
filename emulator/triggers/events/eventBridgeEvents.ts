import { randomUUID } from "node:crypto";
import { LOCAL_ACCOUNT_ID } from "../../project/localAccount";

/** Lambda's documentation account id, as in every other ARN and event Faasbox makes. */

/** One entry of a PutEvents call, as `faasbox publish --event-bus` gives it. */
export interface PutEventsEntry {
  bus: string;
  source: string;
  detailType: string;
  /** Already parsed: EventBridge requires Detail to be a JSON object. */
  detail: unknown;
  resources?: string[];
  time?: Date;
}

/**
 * The envelope EventBridge wraps every event in, as a rule's target receives it: version
 * "0", a v4 UUID id, detail-type, source, the 12-digit account, the time (ISO 8601 to the
 * second, as AWS services write it), the region, resources and detail.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsRequestEntry.html
 */
export function eventBridgeEvent(entry: PutEventsEntry, region: string, id = randomUUID()): Record<string, unknown> {
  return {
    version: "0",
    id,
    "detail-type": entry.detailType,
    source: entry.source,
    account: LOCAL_ACCOUNT_ID,
    time: (entry.time ?? new Date()).toISOString().replace(/\.\d{3}Z$/, "Z"),
    region,
    resources: entry.resources ?? [],
    detail: entry.detail,
  };
}
