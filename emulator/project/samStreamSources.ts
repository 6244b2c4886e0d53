// Kinesis and DynamoDB stream event sources: SAM's `Kinesis` and `DynamoDB` event types,
// and AWS::Lambda::EventSourceMapping resources reading a stream (same properties).
// https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-kinesis.html
// https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-dynamodb.html
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-eventsourcemapping.html
import { compact, type ReadContext } from "./manifestFunction";
import { readFilterCriteria, readResponseTypes } from "./samEventSources";
import { resourceName, type TemplateScope } from "./samIntrinsics";
import type { StreamTrigger } from "./spec";
import { warnUnread } from "./unreadProperties";
import { isPlainMap, type YamlField } from "./yamlSource";
import { intrinsicName } from "./intrinsicTags";

/** What each mapping property means locally, for those read but not emulated. */
export const STREAM_NOT_EMULATED: Record<string, string> = {
  // The next three are honoured for a stream a faasbox.yml `databases:` source feeds (triggers/database), not for records put by hand.
  BisectBatchOnFunctionError: "a failed batch is retried whole (or from the sequence number reported), never split in two (except on a stream a faasbox.yml databases: source feeds)",
  DestinationConfig: "no on-failure destination receives discarded batches; they go to Faasbox's dead letters (faasbox dlq)",
  MaximumRetryAttempts: "the local asynchronous queue retries a failed batch twice, then dead-letters it (faasbox dlq), except on a stream a faasbox.yml databases: source feeds",
  MaximumRecordAgeInSeconds: "records never expire locally",
  MaximumBatchingWindowInSeconds: "each publish is delivered at once, in batches of BatchSize (except on a stream a faasbox.yml databases: source feeds)",
  ParallelizationFactor: "one local shard: batches are not spread over concurrent readers",
  TumblingWindowInSeconds: "no tumbling windows: the event carries no window or state fields",
  StartingPositionTimestamp: "locally a stream holds only what was published while the emulator runs",
  KmsKeyArn: "filter criteria are kept in plain text locally",
  MetricsConfig: "no CloudWatch metrics are published locally",
  ProvisionedPollerConfig: "one local poller delivers every record",
  ConsumerArn: "records are read directly, not through an enhanced fan-out consumer",
  ScalingConfig: "the function's own concurrency (faasbox.yml maxConcurrency) limits how many batches run at once",
};
export const STARTING_POSITIONS = ["TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"];
const VIEW_TYPES = ["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"] as const;

/**
 * SAM `Type: Kinesis` / `Type: DynamoDB`; `sourceKey` is where the stream is named
 * (SAM's `Stream`, a mapping resource's `EventSourceArn`), `alsoRead` the resource's other
 * keys. Undefined for a mapping with Enabled: false (nothing is delivered, as in the cloud).
 */
export function readStreamEvent(
  eventName: string,
  properties: YamlField,
  source: "kinesis" | "dynamodb",
  scope: TemplateScope,
  warn: ReadContext["warn"],
  sourceKey = "Stream",
  alsoRead: readonly string[] = [],
): StreamTrigger | undefined {
  if (properties.child("Enabled").boolean() === false) return undefined;
  const read = [sourceKey, ...alsoRead, "BatchSize", "Enabled", "FilterCriteria", "FunctionResponseTypes", "StartingPosition"];
  warnUnread(properties, read, warn, STREAM_NOT_EMULATED);
  // Lambda's default BatchSize is 100 for both. https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
  // https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-params.html
  return streamTrigger(
    {
      stream: properties.child(sourceKey),
      batchSize: properties.child("BatchSize"),
      defaultBatchSize: 100,
      startingPosition: properties.child("StartingPosition"),
      filters: readFilterCriteria(properties.child("FilterCriteria")),
      reportBatchItemFailures: readResponseTypes(properties.child("FunctionResponseTypes")),
      batchWindow: properties.child("MaximumBatchingWindowInSeconds"),
      bisect: properties.child("BisectBatchOnFunctionError"),
      retries: properties.child("MaximumRetryAttempts"),
    },
    source,
    scope,
    eventName,
  );
}

/** A stream event source mapping's settings, each the field it is written in, whatever the manifest calls it. */
export interface StreamMapping {
  /** The Kinesis stream or the table's stream: an ARN, !Ref or !GetAtt. */
  stream: YamlField;
  batchSize: YamlField;
  /** What an unset BatchSize means in this manifest's format. */
  defaultBatchSize: number;
  /** Required unless `defaultStartingPosition` says what the format sets. */
  startingPosition: YamlField;
  defaultStartingPosition?: string;
  filters: Array<Record<string, unknown>> | undefined;
  reportBatchItemFailures: boolean;
  /** MaximumBatchingWindowInSeconds, BisectBatchOnFunctionError, MaximumRetryAttempts, where the format has them. */
  batchWindow?: YamlField;
  bisect?: YamlField;
  retries?: YamlField;
}

/** The trigger for a Kinesis or DynamoDB stream mapping, checked as Lambda checks it; named `name`, else after its stream. */
export function streamTrigger(mapping: StreamMapping, source: "kinesis" | "dynamodb", scope: TemplateScope, name?: string): StreamTrigger {
  // Lambda: BatchSize 1-10,000 for both.
  const { batchSize: batchSizeField, startingPosition: position } = mapping;
  const batchSize = batchSizeField.integer("a whole number from 1 to 10000", 1) ?? mapping.defaultBatchSize;
  if (batchSize > 10_000) throw batchSizeField.wrongType("a whole number from 1 to 10000");
  // Locally each position reads what is published while the emulator runs.
  const startingPosition = mapping.defaultStartingPosition !== undefined && !position.isSet
    ? mapping.defaultStartingPosition
    : position.requireString(STARTING_POSITIONS.join(", "));
  if (!STARTING_POSITIONS.includes(startingPosition)) throw position.wrongType(STARTING_POSITIONS.join(", "));
  const stream = streamName(mapping.stream, source, scope);
  // Lambda's ranges: MaximumBatchingWindowInSeconds 0-300, MaximumRetryAttempts -1 (until the
  // record expires) to 10,000. https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html
  const batchWindowSec = mapping.batchWindow?.number("seconds from 0 to 300");
  if (batchWindowSec !== undefined && (batchWindowSec < 0 || batchWindowSec > 300)) throw mapping.batchWindow?.wrongType("seconds from 0 to 300");
  const retries = mapping.retries?.integer("a whole number from -1 to 10000", -1);
  if (retries !== undefined && retries > 10_000) throw mapping.retries?.wrongType("a whole number from -1 to 10000");
  return compact<StreamTrigger>({
    kind: "stream",
    name: name ?? stream,
    source,
    stream,
    batchSize,
    startingPosition,
    filters: mapping.filters,
    reportBatchItemFailures: mapping.reportBatchItemFailures || undefined,
    viewType: source === "dynamodb" ? tableViewType(mapping.stream, scope) : undefined,
    batchWindowSec,
    bisectBatchOnFunctionError: mapping.bisect?.boolean() || undefined,
    retries,
  });
}

/**
 * The stream's local name: a Kinesis stream's name (`arn:…:stream/NAME`, !GetAtt S.Arn → its
 * Name), or a DynamoDB table's (`arn:…:table/T/stream/LABEL`, !GetAtt T.StreamArn → its TableName).
 */
function streamName(field: YamlField, source: "kinesis" | "dynamodb", scope: TemplateScope): string {
  const expected = source === "kinesis" ? "the Kinesis stream's ARN or !GetAtt Stream.Arn" : "the DynamoDB table's stream ARN or !GetAtt Table.StreamArn";
  const value = field.value;
  if (typeof value === "string" && value.startsWith("arn:")) {
    const resource = value.split(":").slice(5).join(":");
    const match = source === "kinesis" ? /^stream\/([^/]+)$/.exec(resource) : /^table\/([^/]+)\/stream\//.exec(resource);
    if (!match) throw field.wrongType(expected);
    return match[1];
  }
  return resourceName(field, source === "kinesis" ? "Name" : "TableName", scope, expected);
}

/** StreamViewType from the table's StreamSpecification, when the stream is `!GetAtt Table.StreamArn` of a table in the template. */
function tableViewType(field: YamlField, scope: TemplateScope): StreamTrigger["viewType"] {
  if (intrinsicName(field.value) !== "Fn::GetAtt") return undefined;
  const target = (field.value as { "Fn::GetAtt": unknown })["Fn::GetAtt"];
  const logicalId = Array.isArray(target) ? target[0] : undefined;
  const resource = typeof logicalId === "string" ? scope.resources[logicalId] : undefined;
  const properties = isPlainMap(resource) && isPlainMap(resource.Properties) ? resource.Properties : {};
  const spec = isPlainMap(properties.StreamSpecification) ? properties.StreamSpecification : {};
  const viewType = spec.StreamViewType;
  return VIEW_TYPES.find((v) => v === viewType);
}
