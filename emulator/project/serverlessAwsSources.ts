// The Serverless Framework's `sqs`, `stream` and `eventBridge` events. The framework compiles
// each into the CloudFormation the SAM readers read (an AWS::Lambda::EventSourceMapping, an
// AWS::Events::Rule), so its keys are mapped onto the same checks and trigger shapes here.
// https://www.serverless.com/framework/docs/providers/aws/events/sqs
// https://www.serverless.com/framework/docs/providers/aws/events/streams
// https://www.serverless.com/framework/docs/providers/aws/events/event-bridge
// How each key compiles: lib/plugins/aws/package/compile/events/{sqs,stream}.js and
// event-bridge/index.js in https://github.com/serverless/serverless (v3).
import { ManifestWarning } from "./errors";
import { intrinsicName } from "./intrinsicTags";
import type { ReadContext } from "./manifestFunction";
import { readPattern } from "./patternField";
import { readBusName, readEventPattern, readInputPath, ruleTriggers, RULE_NOT_EMULATED } from "./samEventRules";
import { readResponseTypes, sqsTrigger, SQS_NOT_EMULATED } from "./samEventSources";
import { intrinsicText, type TemplateScope } from "./samIntrinsics";
import { streamTrigger, STREAM_NOT_EMULATED } from "./samStreamSources";
import type { StreamTrigger, TopicTrigger, TriggerSpec } from "./spec";
import { warnUnread } from "./unreadProperties";
import type { YamlField } from "./yamlSource";

/** What these events need from the service around them. */
export interface SourceScope {
  context: Pick<ReadContext, "warn">;
  /** `resources.Resources`, for `Fn::GetAtt: [MyQueue, Arn]`. */
  resources: TemplateScope;
}

/** The framework's keys that compile to a mapping property Faasbox does not emulate, by that property. */
const SQS_KEYS = { maximumConcurrency: "ScalingConfig", provisioned: "ProvisionedPollerConfig" };
const STREAM_KEYS = {
  batchWindow: "MaximumBatchingWindowInSeconds",
  parallelizationFactor: "ParallelizationFactor",
  maximumRetryAttempts: "MaximumRetryAttempts",
  bisectBatchOnFunctionError: "BisectBatchOnFunctionError",
  maximumRecordAgeInSeconds: "MaximumRecordAgeInSeconds",
  tumblingWindowInSeconds: "TumblingWindowInSeconds",
  destinations: "DestinationConfig",
  consumer: "ConsumerArn",
  startingPositionTimestamp: "StartingPositionTimestamp",
};
const RULE_KEYS = { inputTransformer: "InputTransformer", retryPolicy: "RetryPolicy", deadLetterQueueArn: "DeadLetterConfig" };

/**
 * `sqs: ARN` or `{arn, batchSize (default 10), maximumBatchingWindow, filterPatterns,
 * functionResponseType, enabled}`; a disabled mapping delivers nothing.
 */
export function readSqs(event: YamlField, scope: SourceScope): TopicTrigger[] {
  if (!event.isMap()) return [sqsTrigger(sqsSettings(event, localArn(event, "queue", scope)), scope.resources)];
  if (event.child("enabled").boolean() === false) return [];
  const read = ["arn", "batchSize", "enabled", "maximumBatchingWindow", "filterPatterns", "functionResponseType"];
  warnUnread(event, read, scope.context.warn, SQS_NOT_EMULATED, SQS_KEYS);
  return [sqsTrigger(sqsSettings(event, localArn(event.child("arn"), "queue", scope)), scope.resources)];
}

function sqsSettings(event: YamlField, queue: YamlField) {
  return {
    queue,
    batchSize: event.child("batchSize"),
    batchWindow: event.child("maximumBatchingWindow"),
    filters: readFilterPatterns(event.child("filterPatterns")),
    // The framework writes its one value as FunctionResponseTypes: [value].
    reportBatchItemFailures: readResponseTypes(event.child("functionResponseType")),
  };
}

/**
 * `stream: ARN` or `{arn, type, batchSize, startingPosition, filterPatterns,
 * functionResponseType, enabled}`. The framework's own defaults, not Lambda's: BatchSize 10
 * and StartingPosition TRIM_HORIZON (compile/events/stream.js); `type` is needed when the
 * arn is not an ARN string, else it is the ARN's service.
 */
export function readStream(event: YamlField, scope: SourceScope): StreamTrigger[] {
  if (event.child("enabled").boolean() === false) return [];
  if (event.isMap()) {
    const read = ["arn", "type", "batchSize", "startingPosition", "enabled", "filterPatterns", "functionResponseType"];
    warnUnread(event, read, scope.context.warn, STREAM_NOT_EMULATED, STREAM_KEYS);
  }
  const arn = event.isMap() ? event.child("arn") : event;
  const source = streamSource(event, arn);
  const mapping = {
    stream: localArn(arn, "stream", scope),
    batchSize: event.child("batchSize"),
    defaultBatchSize: 10,
    startingPosition: event.child("startingPosition"),
    defaultStartingPosition: "TRIM_HORIZON",
    filters: readFilterPatterns(event.child("filterPatterns")),
    reportBatchItemFailures: readResponseTypes(event.child("functionResponseType")),
    // Honoured for a stream a faasbox.yml databases: source feeds (and still warned as not emulated for others).
    batchWindow: event.child("batchWindow"),
    bisect: event.child("bisectBatchOnFunctionError"),
    retries: event.child("maximumRetryAttempts"),
  };
  return [streamTrigger(mapping, source, scope.resources)];
}

function streamSource(event: YamlField, arn: YamlField): "kinesis" | "dynamodb" {
  const type = event.child("type");
  const written = type.string("dynamodb or kinesis");
  const source = written ?? (typeof arn.value === "string" ? arn.value.split(":")[2] : undefined);
  if (source === "kinesis" || source === "dynamodb") return source;
  if (written !== undefined) throw type.wrongType("dynamodb or kinesis");
  if (typeof arn.value === "string") throw arn.wrongType("the ARN of a Kinesis stream or a DynamoDB table's stream");
  throw type.missing("dynamodb or kinesis, as the framework needs when the arn is not an ARN string");
}

/**
 * `eventBridge: {pattern and/or schedule, eventBus, input | inputPath | inputTransformer,
 * enabled, name}`: a rule on the bus (the account's `default` unless eventBus says), a timer
 * for its schedule. The docs give no local name; the rule's `name`, else `eventBridge-N`
 * (N counts the function's events from 1), as readSchedule names schedules.
 */
export function readEventBridge(event: YamlField, index: number, scope: SourceScope): TriggerSpec[] {
  if (!event.isMap()) throw event.wrongType("a map such as {pattern: {source: [my.app]}} or {schedule: rate(10 minutes)}");
  warnUnread(event, ["eventBus", "schedule", "pattern", "input", "inputPath", "name", "description", "enabled"], scope.context.warn, RULE_NOT_EMULATED, RULE_KEYS);
  const pattern = event.child("pattern");
  const schedule = event.child("schedule");
  if (!pattern.isSet && !schedule.isSet) throw event.missing("a pattern or a schedule, as the framework requires one");
  // The framework refuses more than one (EVENTBRIDGE_MULTIPLE_INPUT_PROPERTIES).
  const inputs = ["input", "inputPath", "inputTransformer"].filter((key) => event.child(key).isSet);
  if (inputs.length > 1) throw event.child(inputs[1]).fail(`${inputs.join(" and ")} cannot both be given; expected one of input, inputPath or inputTransformer`);
  const rule = {
    name: event.child("name").string("a rule name") ?? `eventBridge-${index + 1}`,
    bus: readBusName(localArn(event.child("eventBus"), "event bus", scope), scope.resources),
    pattern: pattern.isSet ? readEventPattern(pattern) : undefined,
    schedule: schedule.string("a schedule such as rate(10 minutes) or cron(0 12 * * ? *)"),
    enabled: event.child("enabled").boolean() ?? true,
    input: readInput(event.child("input")),
    inputPath: readInputPath(event.child("inputPath")),
  };
  return ruleTriggers(rule, event.child("inputPath"), scope.context.warn);
}

/** The framework sends `input` as the event: a map as it is, a string as the JSON it must be. */
export function readInput(field: YamlField): unknown {
  if (!field.isSet || typeof field.value !== "string") return field.value ?? undefined;
  try {
    return JSON.parse(field.value) as unknown;
  } catch (error) {
    throw field.fail(`not valid JSON (${(error as Error).message}); expected a map, or a JSON string such as '{"key": "value"}'`);
  }
}

/**
 * `filterPatterns: [{body: {kind: [order]}}]`: each a map in Lambda's filter syntax, which the
 * framework turns into FilterCriteria's JSON text. https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
 */
function readFilterPatterns(field: YamlField): Array<Record<string, unknown>> | undefined {
  if (!field.isSet) return undefined;
  const expected = "a filter pattern map such as {body: {kind: [order]}}";
  const items = field.items(`a list of patterns such as [{body: {kind: [order]}}]`);
  if (items.length === 0) throw field.wrongType("at least one pattern such as {body: {kind: [order]}}");
  return items.map((item) => {
    if (!item.isMap()) throw item.wrongType(expected);
    return { ...readPattern(item, expected) };
  });
}

/**
 * An ARN as the framework's docs allow it beyond a string, `Fn::GetAtt` and `Ref` (which the
 * SAM readers take): `Fn::Join`/`Fn::Sub` built from what is known locally, and another
 * stack's export (`Fn::ImportValue: NAME`), whose name stands for the source as there is no
 * other stack locally (said, with how to feed it).
 */
function localArn(field: YamlField, what: string, scope: SourceScope): YamlField {
  const kind = intrinsicName(field.value);
  if (kind !== "Fn::ImportValue" && kind !== "Fn::Join" && kind !== "Fn::Sub") return field;
  const text = intrinsicText(field.value, scope.resources);
  if (text === undefined) throw field.wrongType(`the ${what}'s ARN, built from values known locally`);
  if (kind === "Fn::ImportValue") {
    const message = `another stack's export: locally it is the ${what} named ${JSON.stringify(text)}; publish to that name to trigger the function`;
    scope.context.warn(ManifestWarning.at(field.ref, message));
  }
  return field.withValue(text);
}
