import { dirname, resolve } from "node:path";
import { collectProblem } from "./errors";
import {
  compact,
  cosBucketName,
  emptyResult,
  localDefaults,
  propertyWithGlobals,
  readMemory,
  readMethod,
  readPath,
  readRuntime,
  readTimeout,
  readVariables,
  type ManifestFunction,
  type ManifestResult,
} from "./manifestFunction";
import type { ApiContext } from "../protocol";
import { readEnvironment } from "./scfApigwSettings";
import type { FunctionSpec, StorageTrigger, TimerTrigger, TriggerSpec } from "./spec";
import { isPlainMap, type YamlField, type YamlSource } from "./yamlSource";
import { readWebFunction } from "./webFunction";

const NAMESPACE_TYPE = "TencentCloud::Serverless::Namespace";
const FUNCTION_TYPE = "TencentCloud::Serverless::Function";

/** The older SCF CLI template (TCSAM): functions nested in namespaces under Resources. */
export function isScfTemplate(data: unknown): boolean {
  if (!isPlainMap(data) || !isPlainMap(data.Resources)) return false;
  return Object.values(data.Resources).some(
    (resource) => isPlainMap(resource) && typeof resource.Type === "string" && resource.Type.startsWith("TencentCloud::Serverless::"),
  );
}

export function readScfTemplate(source: YamlSource): ManifestResult {
  const result = emptyResult();
  const root = source.root;
  const globals = root.child("Globals").child("Function");
  for (const [key, resource] of root.child("Resources").entries("a map of namespaces")) {
    const type = resource.child("Type").value;
    // A namespace holds its functions as sibling keys of its Type; a function written
    // directly under Resources lives in the default namespace.
    const members: Array<[string, YamlField, string]> =
      type === NAMESPACE_TYPE
        ? resource.entries().map(([name, fn]) => [name, fn, key])
        : [[key, resource, "default"]];
    for (const [name, fn, namespace] of members) {
      if (!fn.isMap() || fn.child("Type").value !== FUNCTION_TYPE) continue;
      const read = collectProblem(
        result.problems,
        () => readFunction(name, fn, namespace, globals, result),
        () => fn.ref,
      );
      if (read) result.functions.push(read);
      else result.failedNames.push(name);
    }
  }
  return result;
}

function readFunction(
  name: string,
  resource: YamlField,
  namespace: string,
  globals: YamlField,
  result: ManifestResult,
): ManifestFunction {
  const properties = resource.child("Properties");
  if (properties.isSet && !properties.isMap()) throw properties.wrongType("a map of function properties");
  const property = (key: string) => propertyWithGlobals(properties, globals, key);

  const codeUri = property("CodeUri");
  const runtimeField = property("Runtime");
  const runtime = readRuntime(runtimeField, "scf");
  const handlerField = property("Handler");

  const environment = {
    ...readVariables(globals.child("Environment").child("Variables")),
    ...readVariables(properties.child("Environment").child("Variables")),
  };

  const triggers: TriggerSpec[] = [];
  for (const [eventName, event] of properties.child("Events").entries("a map of events")) {
    const trigger = collectProblem(
      result.problems,
      () => readEvent(eventName, event, name),
      () => event.ref,
    );
    if (trigger) triggers.push(trigger);
  }

  // The SCF API's `Type`: HTTP for a web function, Event for the rest (CreateFunction: https://cloud.tencent.com/document/api/583/18586).
  const web = readWebFunction({
    type: property("Type"), web: "HTTP", event: "Event",
    concurrency: property("InstanceConcurrencyConfig").child("MaxConcurrency"),
    initTimeout: property("InitTimeout"),
  });
  const definition = resource.ref;
  const spec: FunctionSpec = {
    name,
    dialect: "scf",
    runtime: runtime.name,
    family: runtime.family,
    codeDir: resolve(dirname(resource.source.file), codeUri.string("a folder path such as ./src") ?? "."),
    handler: handlerField.string("MODULE.FUNCTION such as index.main_handler") ?? "index.main_handler",
    memoryMb: readMemory(property("MemorySize")) ?? 128,
    timeoutSec: readTimeout(property("Timeout")) ?? 3,
    environment,
    triggers,
    namespace,
    region: "ap-guangzhou",
    ...localDefaults(),
    ...(web ? { web } : {}),
    source: { file: definition.file, line: definition.line },
  };
  return {
    spec,
    at: {
      definition,
      name: definition,
      codeDir: codeUri.ref,
      handler: handlerField.ref,
      runtime: runtimeField.ref,
      memoryMb: property("MemorySize").ref,
      timeoutSec: property("Timeout").ref,
    },
  };
}

const EVENT_TYPES = ["Timer", "APIGW", "CMQ", "CKafka", "COS"];

/** Undefined for a disabled trigger: the cloud never fires it. */
function readEvent(eventName: string, event: YamlField, functionName: string): TriggerSpec | undefined {
  const type = event.child("Type");
  const properties = event.child("Properties");
  const enabled = properties.child("Enable").boolean() ?? true;
  switch (type.value) {
    case "Timer":
      return compact<TimerTrigger>({
        kind: "timer",
        name: eventName,
        schedule: properties.child("CronExpression").requireString('a cron expression such as "*/5 * * * * * *"'),
        enabled,
        message: properties.child("Message").text(),
      });
    case "APIGW":
      return {
        kind: "http",
        method: readMethod(properties.child("HttpMethod")),
        path: properties.child("Path").isSet ? readPath(properties.child("Path")) : `/${functionName}`,
        payload: "scf",
        // TCSAM documents integrated response as off unless asked for.
        integratedResponse: properties.child("IntegratedResponse").boolean() ?? false,
        name: eventName,
        api: scfTemplateApi(properties, eventName),
      };
    case "CMQ":
      if (!enabled) return undefined;
      return {
        kind: "topic",
        name: eventName,
        topic: properties.child("Name").requireString("the CMQ topic name"),
        batchSize: 1,
        source: "topic",
      };
    case "CKafka": {
      if (!enabled) return undefined;
      const topicField = properties.child("Topic").isSet ? properties.child("Topic") : properties.child("Name");
      return {
        kind: "topic",
        name: eventName,
        topic: topicField.requireString("the CKafka topic name"),
        batchSize: properties.child("MaxMsgNum").integer("a whole number of at least 1", 1) ?? 1,
        source: "queue",
      };
    }
    case "COS": {
      if (!enabled) return undefined;
      const filter = properties.child("Filter");
      return compact<StorageTrigger>({
        kind: "storage",
        name: eventName,
        bucket: cosBucketName(properties.child("Bucket").requireString("the bucket, such as uploads-1250000000")),
        events: properties.child("Events").stringList("a COS event such as cos:ObjectCreated:*") ?? ["cos:ObjectCreated:*"],
        prefix: filter.child("Prefix").string(),
        suffix: filter.child("Suffix").string(),
      });
    }
    default:
      if (!type.isSet) throw type.missing(`an event type: one of ${EVENT_TYPES.join(", ")}`);
      throw type.fail(`unknown event type ${JSON.stringify(type.value)}; expected one of ${EVENT_TYPES.join(", ")}`);
  }
}

/**
 * An APIGW event's service and release environment, as the SCF CLI's templates write them
 * (`StageName: release`, `ServiceId`). TCSAM names no service timeout, so locally the gateway
 * waits for the function's own timeout.
 */
function scfTemplateApi(properties: YamlField, eventName: string): ApiContext {
  const stage = readEnvironment(properties.child("StageName"));
  return { id: properties.child("ServiceId").string("a service id such as service-abcd1234") ?? eventName, kind: "scf", stage, stageVariables: { stage } };
}
