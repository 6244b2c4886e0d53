import { dirname, resolve } from "node:path";
import { collectProblem } from "./errors";
import {
  compact,
  cosBucketName,
  emptyResult,
  localDefaults,
  readMemory,
  readMethod,
  readPath,
  readRuntime,
  readTimeout,
  readVariables,
  singleKeyEntry,
  type ManifestResult,
  type ReadContext,
} from "./manifestFunction";
import type { FunctionSpec, HttpRoute, StorageTrigger, TimerTrigger, TriggerSpec } from "./spec";
import { isPlainMap, mapData, type YamlField, type YamlSource } from "./yamlSource";
import { refuseScfImage } from "./scfImage";
import { readScfLayers } from "./scfLayers";

/**
 * Tencent's Serverless component format (`component: scf`), one function per file.
 * A serverless.yml of another component, or of the Serverless Framework (`provider:`),
 * is someone else's file: it gives no functions and no error.
 */
export function isScfComponent(data: unknown): boolean {
  if (!isPlainMap(data) || typeof data.component !== "string") return false;
  return /^scf(@.+)?$/.test(data.component.trim());
}

export function readServerlessYml(source: YamlSource, context: ReadContext): ManifestResult {
  const result = emptyResult();
  if (!isScfComponent(source.root.value)) return result;
  const root = source.root.withValue(substituteVariables(source.root, context));
  const layersRead =
    collectProblem(result.problems, () => refuseScfImage(root.child("inputs").child("image"))) &&
    collectProblem(result.problems, () => readScfLayers(root.child("inputs").child("layers"), context));
  const fn = layersRead && collectProblem(result.problems, () => readFunction(root, result));
  if (fn) result.functions.push(fn);
  else {
    const name = root.child("inputs").child("name").value ?? root.child("name").value;
    if (typeof name === "string") result.failedNames.push(name);
  }
  return result;
}

const EVENT_TYPES = ["apigw", "timer", "cmq", "ckafka", "cos"];

function readFunction(root: YamlField, result: ManifestResult) {
  const inputs = root.child("inputs");
  if (inputs.isSet && !inputs.isMap()) throw inputs.wrongType("a map of the function's settings");

  const nameField = inputs.child("name").isSet ? inputs.child("name") : root.child("name");
  if (!nameField.isSet) throw inputs.child("name").missing("the function name (inputs.name or the top-level name)");
  const name = nameField.requireString("the function name");

  // `src` is a folder or `{src: folder, exclude: [...]}`; code already uploaded to COS cannot run here.
  let srcField = inputs.child("src");
  let packageExclude: string[] | undefined;
  if (srcField.isMap()) {
    if (srcField.child("bucket").isSet || srcField.child("object").isSet) {
      throw srcField.fail("code in a COS bucket cannot run locally; expected a local folder such as ./src");
    }
    packageExclude = srcField.child("exclude").stringList("a list of patterns such as `- .env` or `- node_modules/**`");
    srcField = srcField.child("src");
  }
  const codeDir = resolve(dirname(root.source.file), srcField.string("a folder path such as ./src") ?? "./");

  const runtimeField = inputs.child("runtime");
  const runtime = runtimeField.isSet
    ? readRuntime(runtimeField, "scf")
    : { name: "Nodejs10.15", family: "nodejs" as const, dialect: "scf" as const };

  const triggers: TriggerSpec[] = [];
  inputs
    .child("events")
    .items("a list of events such as `- apigw: {...}`")
    .forEach((item, index) => {
      const read = collectProblem(
        result.problems,
        () => readEvent(item, index, name),
        () => item.ref,
      );
      if (read) triggers.push(...read);
    });

  const spec: FunctionSpec = {
    name,
    dialect: "scf",
    runtime: runtime.name,
    family: runtime.family,
    codeDir,
    handler: inputs.child("handler").string("MODULE.FUNCTION such as index.main_handler") ?? "index.main_handler",
    memoryMb: readMemory(inputs.child("memorySize")) ?? 128,
    timeoutSec: readTimeout(inputs.child("timeout")) ?? 3,
    environment: readVariables(inputs.child("environment").child("variables")),
    triggers,
    namespace: inputs.child("namespace").string() ?? "default",
    region: inputs.child("region").string() ?? "ap-guangzhou",
    ...localDefaults(),
    ...(packageExclude?.length ? { packageExclude } : {}),
    source: { file: root.source.file, line: nameField.line },
  };
  return {
    spec,
    at: {
      definition: nameField.ref,
      name: nameField.ref,
      codeDir: srcField.ref,
      handler: inputs.child("handler").ref,
      runtime: runtimeField.ref,
      memoryMb: inputs.child("memorySize").ref,
      timeoutSec: inputs.child("timeout").ref,
    },
  };
}

function readEvent(item: YamlField, index: number, functionName: string): TriggerSpec[] {
  const [type, event] = singleKeyEntry(item, "`- apigw: {parameters: ...}`");
  const parameters = event.child("parameters");
  const enabled = () => parameters.child("enable").boolean() ?? true;
  switch (type) {
    case "apigw":
      return readApigw(event, functionName);
    case "timer":
      return [
        compact<TimerTrigger>({
          kind: "timer",
          name: event.child("name").string() ?? `timer-${index + 1}`,
          schedule: parameters.child("cronExpression").requireString('a cron expression such as "*/5 * * * * * *"'),
          enabled: enabled(),
          message: parameters.child("argument").text(),
        }),
      ];
    case "cmq":
    case "ckafka": {
      // A disabled trigger is never fired by the cloud, so locally it does not exist either.
      if (!enabled()) return [];
      // CKafka's `name` is the instance and `topic` the topic; CMQ only has `name`.
      const order = type === "ckafka" ? ["topic", "name"] : ["name", "topic"];
      const topicField = parameters.child(order.find((key) => parameters.child(key).isSet) ?? order[0]);
      const topic = topicField.requireString(`the ${type === "cmq" ? "CMQ topic" : "CKafka topic"} name`);
      return [
        {
          kind: "topic",
          name: event.child("name").string() ?? topic,
          topic,
          batchSize: parameters.child("maxMsgNum").integer("a whole number of at least 1", 1) ?? 1,
          source: type === "cmq" ? "topic" : "queue",
        },
      ];
    }
    case "cos": {
      if (!enabled()) return [];
      const bucket = cosBucketName(parameters.child("bucket").requireString("the bucket, such as uploads-1250000000"));
      const filter = parameters.child("filter");
      return [
        compact<StorageTrigger>({
          kind: "storage",
          name: event.child("name").string() ?? bucket,
          bucket,
          events: parameters.child("events").stringList("a COS event such as cos:ObjectCreated:*") ?? [
            "cos:ObjectCreated:*",
          ],
          prefix: filter.child("prefix").string(),
          suffix: filter.child("suffix").string(),
        }),
      ];
    }
    default:
      throw item.child(type).fail(`unknown event type ${JSON.stringify(type)}; expected one of ${EVENT_TYPES.join(", ")}`);
  }
}

function readApigw(event: YamlField, functionName: string): HttpRoute[] {
  const apiName = event.child("name").string();
  const endpoints = event.child("parameters").child("endpoints").items("a list of endpoints {path, method}");
  // Without endpoints the component creates one route named after the function.
  if (endpoints.length === 0) {
    return [
      compact<HttpRoute>({
        kind: "http",
        method: "ANY",
        path: `/${functionName}`,
        payload: "scf",
        integratedResponse: true,
        name: apiName,
      }),
    ];
  }
  return endpoints.map((endpoint) =>
    compact<HttpRoute>({
      kind: "http",
      method: readMethod(endpoint.child("method")),
      path: readPath(endpoint.child("path")),
      payload: "scf",
      integratedResponse: endpoint.child("function").child("isIntegratedResponse").boolean() ?? true,
      cors: endpoint.child("cors").boolean(),
      name: endpoint.child("apiName").string() ?? apiName,
    }),
  );
}

/** The variables a serverless.yml may use anywhere, defined by its top-level keys of the same name. */
const VARIABLES = ["name", "app", "stage", "org"];

/**
 * The component CLI replaces `${name}`, `${app}`, `${stage}`, `${org}` and `${env:X}`
 * before deploying, and templates use them for names (`${name}-${stage}`); those four may
 * use each other too (`name: ${app}-api`). Unknown variables stay as written, so the
 * result is visible rather than silently empty. Variables that lead back to themselves
 * (`name: ${stage}`, `stage: ${name}`) are an error at the first of them, naming the chain.
 */
function substituteVariables(root: YamlField, context: ReadContext): unknown {
  const values = new Map<string, unknown>();
  const chain: string[] = [];
  const variable = (key: string): unknown => {
    if (values.has(key)) return values.get(key);
    const field = root.child(key);
    if (typeof field.value !== "string") return field.value;
    const start = chain.indexOf(key);
    if (start >= 0) {
      const loop = [...chain.slice(start), key].map((name) => `\${${name}}`).join(" → ");
      throw root.child(chain[start]).fail(`refers back to itself (${loop}); expected variables that do not depend on their own value`);
    }
    chain.push(key);
    const value = expand(field.value);
    chain.pop();
    values.set(key, value);
    return value;
  };
  const expand = (text: string): string =>
    text.replace(/\$\{\s*([\w:.-]+)\s*\}/g, (whole, key: string) => {
      if (key.startsWith("env:")) return context.env[key.slice(4)] ?? whole;
      if (!VARIABLES.includes(key)) return whole;
      const value = variable(key);
      return typeof value === "string" || typeof value === "number" ? String(value) : whole;
    });
  // In the order of the file, so a loop is reported at the first of its variables there.
  for (const key of root.entries()) if (VARIABLES.includes(key[0])) variable(key[0]);
  return mapData(root.value, (value) => (typeof value === "string" ? { value: expand(value) } : undefined));
}
