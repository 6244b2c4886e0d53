// SAM event sources that Lambda reads through an event source mapping (SQS today), with
// the mapping's own settings: filters, batch size and window, partial batch responses.
// https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-sqs.html
// https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
import { compact, type ReadContext } from "./manifestFunction";
import { readPattern } from "./patternField";
import { resourceName, type TemplateScope } from "./samIntrinsics";
import type { TopicTrigger } from "./spec";
import { warnUnread } from "./unreadProperties";
import type { YamlField } from "./yamlSource";

/** What each mapping property means locally, for those read but not emulated. */
export const SQS_NOT_EMULATED: Record<string, string> = {
  ScalingConfig: "the function's own concurrency (faasbox.yml maxConcurrency) limits how many batches run at once",
  KmsKeyArn: "filter criteria are kept in plain text locally",
  MetricsConfig: "no CloudWatch metrics are published locally",
  ProvisionedPollerConfig: "one local poller delivers every message",
};
const SQS_READ = ["BatchSize", "Enabled", "FilterCriteria", "FunctionResponseTypes", "MaximumBatchingWindowInSeconds"];

/**
 * Undefined for a mapping with Enabled: false (nothing is delivered, as in the cloud).
 * `sourceKey` is where the queue is named (SAM's `Queue`, a mapping resource's
 * `EventSourceArn`), `alsoRead` the resource's other keys.
 */
export function readSqsEvent(
  eventName: string,
  properties: YamlField,
  scope: TemplateScope,
  warn: ReadContext["warn"],
  sourceKey = "Queue",
  alsoRead: readonly string[] = [],
): TopicTrigger | undefined {
  if (properties.child("Enabled").boolean() === false) return undefined;
  warnUnread(properties, [...SQS_READ, sourceKey, ...alsoRead], warn, SQS_NOT_EMULATED);
  return sqsTrigger(
    {
      queue: properties.child(sourceKey),
      batchSize: properties.child("BatchSize"),
      batchWindow: properties.child("MaximumBatchingWindowInSeconds"),
      filters: readFilterCriteria(properties.child("FilterCriteria")),
      reportBatchItemFailures: readResponseTypes(properties.child("FunctionResponseTypes")),
    },
    scope,
    eventName,
  );
}

/** An SQS event source mapping's settings, each the field it is written in, whatever the manifest calls it. */
export interface SqsMapping {
  /** The queue: a name, an ARN, !Ref or !GetAtt of an AWS::SQS::Queue. */
  queue: YamlField;
  batchSize: YamlField;
  /** MaximumBatchingWindowInSeconds. */
  batchWindow: YamlField;
  filters: Array<Record<string, unknown>> | undefined;
  reportBatchItemFailures: boolean;
}

/** The trigger for an SQS mapping, checked as Lambda checks it; named `name`, else after its queue. */
export function sqsTrigger(mapping: SqsMapping, scope: TemplateScope, name?: string): TopicTrigger {
  // Lambda: BatchSize 1-10,000 for standard queues (10 for FIFO), default 10; a window of
  // 0-300 s, required (at least 1 s) when BatchSize is over 10. https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
  const { batchSize: batchSizeField, batchWindow: windowField } = mapping;
  const batchSize = batchSizeField.integer("a whole number from 1 to 10000", 1) ?? 10;
  if (batchSize > 10_000) throw batchSizeField.wrongType("a whole number from 1 to 10000");
  const batchWindowSec = windowField.integer("a whole number of seconds from 0 to 300", 0);
  if (batchWindowSec !== undefined && batchWindowSec > 300) throw windowField.wrongType("a whole number of seconds from 0 to 300");
  if (batchSize > 10 && !batchWindowSec) {
    const [sizeKey, windowKey] = [batchSizeField, windowField].map((field) => String(field.path.at(-1)));
    throw batchSizeField.fail(`a ${sizeKey} over 10 needs ${windowKey} of at least 1, as Lambda requires`);
  }
  const queue = resourceName(mapping.queue, "QueueName", scope, "the SQS queue");
  return compact<TopicTrigger>({
    kind: "topic",
    name: name ?? queue,
    topic: queue,
    batchSize,
    source: "queue",
    filters: mapping.filters,
    batchWindowSec: batchWindowSec || undefined,
    reportBatchItemFailures: mapping.reportBatchItemFailures || undefined,
  });
}

/**
 * `FilterCriteria: {Filters: [{Pattern: '{"body": {...}}'}]}`: each Pattern is a JSON
 * string in Lambda's filter rule syntax. https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
 */
export function readFilterCriteria(field: YamlField): Array<Record<string, unknown>> | undefined {
  if (!field.isSet) return undefined;
  const filters = field.child("Filters");
  const items = filters.items('a list of filters such as [{Pattern: \'{"body": {"kind": ["order"]}}\'}]');
  if (items.length === 0) throw filters.wrongType("at least one filter {Pattern: '...'}");
  return items.map((item) => {
    const pattern = item.child("Pattern");
    const expected = `a JSON string in Lambda's filter syntax, such as '{"body": {"kind": ["order"]}}'`;
    if (pattern.isMap()) {
      // CloudFormation types Pattern as a string; a map would be refused at deploy time.
      throw pattern.wrongType(`${expected} (CloudFormation's Pattern is a string, not a map)`);
    }
    pattern.requireString(expected);
    return { ...readPattern(pattern, expected) };
  });
}

/** FunctionResponseTypes: true when it asks for ReportBatchItemFailures (SQS and streams alike). */
export function readResponseTypes(field: YamlField): boolean {
  const types = field.stringList("a list such as [ReportBatchItemFailures]");
  if (!types) return false;
  for (const type of types) {
    if (type !== "ReportBatchItemFailures") throw field.wrongType("[ReportBatchItemFailures], the only response type Lambda has");
  }
  return types.length > 0;
}
