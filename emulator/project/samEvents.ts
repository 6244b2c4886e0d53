import { compact, readMethod, readPath, type ReadContext } from "./manifestFunction";
import { readRouteAuth } from "./samApiAuth";
import { readRuleEvent } from "./samEventRules";
import { readSqsEvent } from "./samEventSources";
import { readStreamEvent } from "./samStreamSources";
import type { SamApis } from "./samApis";
import { resourceName, type TemplateScope } from "./samIntrinsics";
import type { RouteAuth, StorageTrigger, TimerTrigger, TriggerSpec } from "./spec";
import type { YamlField } from "./yamlSource";

/** SAM's `Events` of a function, as Faasbox's triggers. */
const EVENT_TYPES = ["Api", "HttpApi", "Schedule", "ScheduleV2", "SNS", "SQS", "S3", "EventBridgeRule", "CloudWatchEvent", "Kinesis", "DynamoDB"];

/**
 * Undefined for an event that exists but is disabled (an SQS mapping with Enabled: false), or
 * whose API failed to read (that problem is reported at the API).
 */
export function readEvent(
  eventName: string,
  event: YamlField,
  scope: TemplateScope,
  warn: ReadContext["warn"],
  apis?: SamApis,
  env: ReadContext["env"] = {},
): TriggerSpec | undefined {
  const type = event.child("Type");
  const properties = event.child("Properties");
  switch (type.value) {
    case "Api": {
      // The API first: a mistake in naming it is the one to report (its Auth is read from it).
      const api = apis?.forEvent("rest", properties.child("RestApiId"));
      if (apis && !api) return undefined;
      return {
        kind: "http",
        method: readMethod(properties.child("Method")),
        path: readPath(properties.child("Path")),
        payload: "aws-v1",
        name: eventName,
        ...withAuth(readRouteAuth("Api", properties, scope, warn, env)),
        ...(api ? { api } : {}),
      };
    }
    case "HttpApi": {
      const api = apis?.forEvent("http", properties.child("ApiId"));
      if (apis && !api) return undefined;
      // No path (or "$default") is the API's catch-all route.
      const pathField = properties.child("Path");
      const isDefault = !pathField.isSet || pathField.value === "$default";
      return {
        kind: "http",
        method: isDefault ? "ANY" : readMethod(properties.child("Method")),
        path: isDefault ? "/{proxy+}" : readPath(pathField),
        payload: readPayloadVersion(properties.child("PayloadFormatVersion")),
        name: eventName,
        ...(isDefault ? { catchAll: true } : {}),
        ...withAuth(readRouteAuth("HttpApi", properties, scope, warn, env)),
        ...(api ? { api } : {}),
      };
    }
    case "Schedule":
      return readSchedule(eventName, properties, "Schedule");
    case "ScheduleV2":
      return readSchedule(eventName, properties, "ScheduleExpression");
    case "SNS":
      return {
        kind: "topic",
        name: eventName,
        topic: resourceName(properties.child("Topic"), "TopicName", scope, "the SNS topic"),
        batchSize: 1,
        source: "topic",
      };
    case "SQS":
      return readSqsEvent(eventName, properties, scope, warn);
    case "S3":
      return readS3(eventName, properties, scope);
    case "EventBridgeRule":
    case "CloudWatchEvent":
      return readRuleEvent(eventName, properties, scope, warn);
    case "Kinesis":
      return readStreamEvent(eventName, properties, "kinesis", scope, warn);
    case "DynamoDB":
      return readStreamEvent(eventName, properties, "dynamodb", scope, warn);
    default:
      if (!type.isSet) throw type.missing(`an event type: one of ${EVENT_TYPES.join(", ")}`);
      throw type.fail(`event type ${JSON.stringify(type.value)} is not emulated; expected one of ${EVENT_TYPES.join(", ")}`);
  }
}

/** The route's access control (samApiAuth.ts), only when it has some. */
function withAuth(auth: RouteAuth | undefined): { auth?: RouteAuth } {
  return auth ? { auth } : {};
}

/** YAML reads `PayloadFormatVersion: 2.0` as the number 2, so numbers count too. */
export function readPayloadVersion(field: YamlField): "aws-v1" | "aws-v2" {
  const version = field.text('"1.0" or "2.0"');
  if (version === undefined) return "aws-v2";
  if (Number(version) === 1) return "aws-v1";
  if (Number(version) === 2) return "aws-v2";
  throw field.wrongType('"1.0" or "2.0"');
}

function readSchedule(eventName: string, properties: YamlField, expressionKey: string): TimerTrigger {
  const state = properties.child("State");
  const stateValue = state.string("ENABLED or DISABLED");
  if (stateValue !== undefined && stateValue !== "ENABLED" && stateValue !== "DISABLED") {
    throw state.wrongType("ENABLED or DISABLED");
  }
  const enabled = properties.child("Enabled").boolean() ?? (stateValue === undefined || stateValue === "ENABLED");
  return compact<TimerTrigger>({
    kind: "timer",
    name: properties.child("Name").string() ?? eventName,
    schedule: properties.child(expressionKey).requireString("a schedule such as rate(5 minutes) or cron(0 12 * * ? *)"),
    enabled,
    input: readInput(properties.child("Input")),
    timezone: properties.child("ScheduleExpressionTimezone").string("a time zone such as Europe/Paris"),
  });
}

/** EventBridge delivers Input as the event itself, so it is parsed here rather than at every invoke. */
function readInput(field: YamlField): unknown {
  const text = field.string("a JSON string");
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw field.fail(`not valid JSON (${(error as Error).message}); expected a JSON string such as '{"key": "value"}'`);
  }
}

function readS3(eventName: string, properties: YamlField, scope: TemplateScope): TriggerSpec {
  const events = properties.child("Events");
  const rules = properties.child("Filter").child("S3Key").child("Rules");
  const filter: { prefix?: string; suffix?: string } = {};
  for (const rule of rules.items("a list of {Name: prefix|suffix, Value}")) {
    const name = rule.child("Name").requireString("prefix or suffix").toLowerCase();
    if (name !== "prefix" && name !== "suffix") throw rule.child("Name").wrongType("prefix or suffix");
    filter[name] = rule.child("Value").requireString("the key prefix or suffix");
  }
  const eventNames = events.stringList("an S3 event such as s3:ObjectCreated:*");
  if (!eventNames) throw events.missing("an S3 event such as s3:ObjectCreated:* (or a list of them)");
  return compact<StorageTrigger>({
    kind: "storage",
    name: eventName,
    bucket: resourceName(properties.child("Bucket"), "BucketName", scope, "the S3 bucket"),
    events: eventNames,
    ...filter,
  });
}
