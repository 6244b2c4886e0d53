import { dirname, resolve } from "node:path";
import { collectProblem } from "./errors";
import {
  compact,
  emptyResult,
  localDefaults,
  propertyWithGlobals,
  readMemory,
  readMethod,
  readPath,
  readRuntime,
  readTimeout,
  type ManifestFunction,
  type ManifestResult,
  type ReadContext,
} from "./manifestFunction";
import { attachResourceTriggers } from "./cfnResourceTriggers";
import { readSqsEvent } from "./samEventSources";
import { readRuleEvent } from "./samEventRules";
import { readStreamEvent } from "./samStreamSources";
import { resolveKnownRefs, resourceName, templateScope, variableText, type TemplateScope } from "./samIntrinsics";
import type { FunctionSpec, StorageTrigger, TimerTrigger, TriggerSpec } from "./spec";
import { isPlainMap, type YamlField, type YamlSource } from "./yamlSource";

const FUNCTION_TYPE = "AWS::Serverless::Function";

/**
 * Any template.yaml may be plain CloudFormation or another tool's file; only one with
 * the SAM transform or a SAM function is read as SAM.
 */
export function isSamTemplate(data: unknown): boolean {
  if (!isPlainMap(data)) return false;
  const transforms = Array.isArray(data.Transform) ? data.Transform : [data.Transform];
  if (transforms.some((t) => typeof t === "string" && t.includes("AWS::Serverless"))) return true;
  const resources = isPlainMap(data.Resources) ? Object.values(data.Resources) : [];
  return resources.some((resource) => isPlainMap(resource) && resource.Type === FUNCTION_TYPE);
}

/** Without a deployment there is no region; the CLI's variable is the user's intent. */
export function awsRegion(context: ReadContext): string {
  return context.env.AWS_REGION || "us-east-1";
}

export function readSamTemplate(source: YamlSource, context: ReadContext): ManifestResult {
  const result = emptyResult();
  const region = awsRegion(context);
  const scope = templateScope(source.root, region);
  const root = source.root.withValue(resolveKnownRefs(source.root.value, scope));
  const globals = root.child("Globals").child("Function");
  for (const [logicalId, resource] of root.child("Resources").entries("a map of resources")) {
    if (resource.child("Type").value !== FUNCTION_TYPE) continue;
    const fn = collectProblem(
      result.problems,
      () => readFunction(logicalId, resource, globals, { scope, region, problems: result.problems, warn: context.warn }),
      () => resource.ref,
    );
    if (fn) result.functions.push(fn);
    else result.failedNames.push(functionName(logicalId, resource.child("Properties")));
  }
  attachResourceTriggers(root.child("Resources"), result, scope, context.warn, (id, resource) => functionName(id, resource.child("Properties")));
  return result;
}

interface FunctionScope {
  scope: TemplateScope;
  region: string;
  problems: ManifestResult["problems"];
  warn: ReadContext["warn"];
}

/** The deployed name is FunctionName when it is a plain string (not `!Sub ...`), else the logical id. */
function functionName(logicalId: string, properties: YamlField): string {
  const name = properties.child("FunctionName").value;
  return typeof name === "string" && name !== "" ? name : logicalId;
}

function readFunction(logicalId: string, resource: YamlField, globals: YamlField, where: FunctionScope): ManifestFunction {
  const properties = resource.child("Properties");
  if (properties.isSet && !properties.isMap()) throw properties.wrongType("a map of function properties");
  const property = (key: string) => propertyWithGlobals(properties, globals, key);

  const packageType = property("PackageType");
  if (packageType.value === "Image") {
    throw packageType.fail("container image functions are not supported; expected a zip function (PackageType: Zip) with CodeUri");
  }
  const inlineCode = property("InlineCode");
  if (inlineCode.isSet) {
    throw inlineCode.fail("inline code is not supported; expected CodeUri naming the folder of a zip function");
  }

  const codeUri = property("CodeUri");
  const codePath = codeUri.string("a local folder such as src/ (code in S3 cannot run locally)") ?? ".";
  const runtimeField = property("Runtime");
  const runtime = readRuntime(runtimeField, "aws");
  const handlerField = property("Handler");
  // A custom runtime's bootstrap decides what the handler means, so any value (or none) is fine.
  const handler =
    runtime.family === "custom"
      ? (handlerField.string() ?? "")
      : handlerField.requireString("FILE.FUNCTION such as app.handler");

  // Globals' variables first, then the function's: they merge key by key.
  const environment: Record<string, string> = {};
  for (const layer of [globals, properties]) {
    for (const [key, value] of layer.child("Environment").child("Variables").entries("a map of variable names to values")) {
      environment[key] = variableText(value.value, where.scope);
    }
  }

  const triggers: TriggerSpec[] = [];
  for (const [eventName, event] of properties.child("Events").entries("a map of events")) {
    const trigger = collectProblem(
      where.problems,
      () => readEvent(eventName, event, where.scope, where.warn),
      () => event.ref,
    );
    if (trigger) triggers.push(trigger);
  }

  const nameField = properties.child("FunctionName");
  const name = functionName(logicalId, properties);
  const definition = resource.ref;
  const spec: FunctionSpec = {
    name,
    dialect: "aws",
    runtime: runtime.name,
    family: runtime.family,
    codeDir: resolve(dirname(resource.source.file), codePath),
    handler,
    memoryMb: readMemory(property("MemorySize")) ?? 128,
    timeoutSec: readTimeout(property("Timeout")) ?? 3,
    environment,
    triggers,
    namespace: "default",
    region: where.region,
    ...localDefaults(),
    source: { file: definition.file, line: definition.line },
  };
  return {
    spec,
    at: {
      definition,
      name: name === logicalId ? definition : nameField.ref,
      codeDir: codeUri.ref,
      handler: handlerField.ref,
      runtime: runtimeField.ref,
      memoryMb: property("MemorySize").ref,
      timeoutSec: property("Timeout").ref,
    },
  };
}

const EVENT_TYPES = ["Api", "HttpApi", "Schedule", "ScheduleV2", "SNS", "SQS", "S3", "EventBridgeRule", "CloudWatchEvent", "Kinesis", "DynamoDB"];

/** Undefined for an event that exists but is disabled (an SQS mapping with Enabled: false). */
function readEvent(eventName: string, event: YamlField, scope: TemplateScope, warn: ReadContext["warn"]): TriggerSpec | undefined {
  const type = event.child("Type");
  const properties = event.child("Properties");
  switch (type.value) {
    case "Api":
      return {
        kind: "http",
        method: readMethod(properties.child("Method")),
        path: readPath(properties.child("Path")),
        payload: "aws-v1",
        name: eventName,
      };
    case "HttpApi": {
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

/** YAML reads `PayloadFormatVersion: 2.0` as the number 2, so numbers count too. */
function readPayloadVersion(field: YamlField): "aws-v1" | "aws-v2" {
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
