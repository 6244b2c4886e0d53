import type { StreamsPutParams } from "../protocol";
import { UsageError } from "./args";

// What `faasbox publish` sends besides topic messages: an EventBridge event, Kinesis
// records, or a DynamoDB item change. Parsing only; the command talks to the emulator.

export const PUBLISH_EVENT_USAGE = "faasbox publish [--event-bus NAME] --source S --detail-type T --detail JSON [--resource ARN…] [--project DIR]";
export const PUBLISH_STREAM_USAGE = "faasbox publish --stream NAME --data TEXT [--data TEXT…] [--partition-key K] [--project DIR]";
export const PUBLISH_DYNAMODB_USAGE =
  "faasbox publish --dynamodb-stream TABLE --event-name INSERT|MODIFY|REMOVE [--new-image JSON] [--old-image JSON] [--key ATTR…] [--project DIR]";

export interface SourceOptions {
  "event-bus"?: string;
  source?: string;
  "detail-type"?: string;
  detail?: string;
  resource?: string[];
  stream?: string;
  data?: string[];
  "partition-key"?: string;
  "dynamodb-stream"?: string;
  "event-name"?: string;
  "new-image"?: string;
  "old-image"?: string;
  key?: string[];
}

export const SOURCE_OPTIONS = {
  "event-bus": { type: "string" },
  source: { type: "string" },
  "detail-type": { type: "string" },
  detail: { type: "string" },
  resource: { type: "string", multiple: true },
  stream: { type: "string" },
  data: { type: "string", multiple: true },
  "partition-key": { type: "string" },
  "dynamodb-stream": { type: "string" },
  "event-name": { type: "string" },
  "new-image": { type: "string" },
  "old-image": { type: "string" },
  key: { type: "string", multiple: true },
} as const;

export type PublishTarget =
  | { kind: "event"; bus: string; source: string; detailType: string; detail: string; resources?: string[] }
  | { kind: "stream"; params: StreamsPutParams; note?: string };

/** Which kind of publish the options ask for; undefined for a plain topic message. */
export function publishTarget(values: SourceOptions): PublishTarget | undefined {
  if (values["event-bus"] !== undefined || values.source !== undefined || values["detail-type"] !== undefined || values.detail !== undefined) return eventTarget(values);
  if (values.stream !== undefined) return kinesisTarget(values);
  if (values["dynamodb-stream"] !== undefined) return dynamodbTarget(values);
  return undefined;
}

function eventTarget(values: SourceOptions): PublishTarget {
  const { source, "detail-type": detailType, detail } = values;
  if (!source || !detailType || detail === undefined) throw new UsageError(`faasbox publish: an EventBridge event needs --source, --detail-type and --detail. Usage: ${PUBLISH_EVENT_USAGE}`);
  // PutEvents' Detail is a JSON object: said here rather than by the emulator.
  if (!isJsonObject(detail)) throw new UsageError(`faasbox publish: --detail must be a JSON object such as '{"orderId": "1"}', got ${JSON.stringify(detail)}`);
  return { kind: "event", bus: values["event-bus"] ?? "default", source, detailType, detail, resources: values.resource };
}

function kinesisTarget(values: SourceOptions): PublishTarget {
  if (!values.stream || !values.data?.length) throw new UsageError(`faasbox publish: a Kinesis stream and at least one --data are required. Usage: ${PUBLISH_STREAM_USAGE}`);
  const records = values.data.map((data) => ({ data, partitionKey: values["partition-key"] }));
  return { kind: "stream", params: { kind: "kinesis", stream: values.stream, records } };
}

/**
 * An item change in plain JSON. INSERT and MODIFY need the new image, REMOVE the old one;
 * the Keys are the --key attributes of that image (by default its first attribute, said).
 */
function dynamodbTarget(values: SourceOptions): PublishTarget {
  const table = values["dynamodb-stream"];
  const eventName = values["event-name"];
  if (!table || (eventName !== "INSERT" && eventName !== "MODIFY" && eventName !== "REMOVE")) {
    throw new UsageError(`faasbox publish: a table and --event-name INSERT, MODIFY or REMOVE are required. Usage: ${PUBLISH_DYNAMODB_USAGE}`);
  }
  const newImage = image(values["new-image"], "--new-image");
  const oldImage = image(values["old-image"], "--old-image");
  const identifying = eventName === "REMOVE" ? oldImage : newImage;
  if (!identifying) throw new UsageError(`faasbox publish: ${eventName} needs ${eventName === "REMOVE" ? "--old-image" : "--new-image"} (the item as JSON). Usage: ${PUBLISH_DYNAMODB_USAGE}`);
  const keyNames = values.key?.length ? values.key : Object.keys(identifying).slice(0, 1);
  const missing = keyNames.filter((k) => !(k in identifying));
  if (keyNames.length === 0 || missing.length) throw new UsageError(`faasbox publish: the key attribute(s) ${missing.join(", ") || "(none)"} are not in the item; name them with --key ATTR`);
  const keys = Object.fromEntries(keyNames.map((k) => [k, identifying[k]]));
  const note = values.key?.length ? undefined : `the record's Keys are {${keyNames[0]}} (the item's first attribute); name the table's keys with --key ATTR`;
  return { kind: "stream", params: { kind: "dynamodb", stream: table, records: [{ eventName, keys, newImage, oldImage }] }, note };
}

function image(text: string | undefined, option: string): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  if (!isJsonObject(text)) throw new UsageError(`faasbox publish: ${option} must be a JSON object (the item in plain JSON, such as '{"id": "1", "total": 5}'), got ${JSON.stringify(text)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

function isJsonObject(text: string): boolean {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === "object" && !Array.isArray(value);
  } catch {
    return false;
  }
}
