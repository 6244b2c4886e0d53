import { dirname, resolve } from "node:path";
import { RUNTIME_FAMILIES, type RuntimeFamily } from "../config/runtimeFamily";
import { collectProblem, type FieldRef, type ManifestError } from "./errors";
import {
  compact,
  localDefaults,
  readMemory,
  readMethod,
  readPath,
  readRuntime,
  readTimeout,
  readVariables,
  singleKeyEntry,
  type ManifestFunction,
  type ReadContext,
} from "./manifestFunction";
import { awsRegion } from "./samTemplate";
import type { DatabaseTrigger, Dialect, FunctionSpec, HttpRoute, StorageTrigger, TimerTrigger, TriggerSpec } from "./spec";
import type { YamlField, YamlSource } from "./yamlSource";
import { readWebFunction } from "./webFunction";

/** FunctionSpec fields faasbox.yml may set for any function, including one from another manifest. */
export type OverridableField = "memoryMb" | "timeoutSec" | "maxConcurrency" | "queueSize" | "keepAliveMs" | "minWarm" | "image";
export type Overrides = { [K in OverridableField]?: { value: NonNullable<FunctionSpec[K]>; at: FieldRef } };

export interface EnvFileRef {
  /** Absolute. */
  path: string;
  at: FieldRef;
}

/** What faasbox.yml says about one function, applied once every manifest has been read. */
export interface FunctionSettings {
  name: string;
  at: FieldRef;
  overrides: Overrides;
  /** Joins the manifest's own variables (and wins over them). */
  environment: Record<string, string>;
  envFile?: EnvFileRef;
  /** Kept unread until the function's dialect is known: it decides the HTTP payload default. */
  events?: YamlField;
}

export interface FaasboxManifest {
  images: Partial<Record<RuntimeFamily, string>>;
  /** Local settings for every function. */
  defaults: Overrides;
  /** Extra .env files for every function, in order. */
  envFiles: EnvFileRef[];
  /** Functions defined here (with runtime and handler). */
  functions: ManifestFunction[];
  /** One per function named here, new or not. */
  settings: FunctionSettings[];
  problems: ManifestError[];
  failedNames: string[];
  /** `databases:`, kept unread until the environment its URLs name (.env files included) is known. */
  databases?: YamlField;
}

const TOP_KEYS = ["images", "defaults", "envFiles", "databases", "functions"];
const DEFAULT_KEYS = ["maxConcurrency", "queueSize", "keepAlive", "minWarm"];
/** Keys that only make sense when the function is defined here. */
const DEFINITION_KEYS = ["runtime", "handler", "codeUri", "dialect", "region", "namespace", "type", "instanceConcurrency", "initTimeout"];
const SETTING_KEYS = ["memorySize", "timeout", "environment", "envFile", "image", ...DEFAULT_KEYS, "events"];

export function readFaasboxYml(source: YamlSource, context: ReadContext): FaasboxManifest {
  const manifest: FaasboxManifest = {
    images: {},
    defaults: {},
    envFiles: [],
    functions: [],
    settings: [],
    problems: [],
    failedNames: [],
  };
  const root = source.root;
  if (!root.isSet) return manifest;
  if (!root.isMap()) throw root.wrongType(`a map with ${TOP_KEYS.join(", ")}`);
  const rootDir = dirname(source.file);
  const problems = manifest.problems;

  collectProblem(problems, () => root.rejectUnknownKeys(TOP_KEYS));
  // A misspelt key is reported but does not discard the keys around it.
  const images = root.child("images");
  collectProblem(problems, () => images.rejectUnknownKeys(RUNTIME_FAMILIES));
  collectProblem(problems, () => {
    for (const [family, image] of images.entries("a map of runtime family to image")) {
      if (RUNTIME_FAMILIES.includes(family as RuntimeFamily)) {
        manifest.images[family as RuntimeFamily] = image.requireString("an image such as node:20-bookworm-slim");
      }
    }
  });
  const defaults = root.child("defaults");
  collectProblem(problems, () => defaults.rejectUnknownKeys(DEFAULT_KEYS));
  collectProblem(problems, () => {
    // Only the local settings: memory and timeout belong to each function's manifest.
    const { maxConcurrency, queueSize, keepAliveMs, minWarm } = readOverrides(defaults);
    manifest.defaults = compact({ maxConcurrency, queueSize, keepAliveMs, minWarm });
  });
  collectProblem(problems, () => {
    const envFiles = root.child("envFiles");
    const items = typeof envFiles.value === "string" ? [envFiles] : envFiles.items("a list of .env files");
    manifest.envFiles = items.map((item) => ({ path: resolve(rootDir, item.requireString("a .env file path")), at: item.ref }));
  });
  if (root.child("databases").isSet) manifest.databases = root.child("databases");

  const entries = collectProblem(problems, () => root.child("functions").entries("a map of function names to settings")) ?? [];
  for (const [name, body] of entries) {
    if (body.isSet && !body.isMap()) {
      problems.push(body.wrongType("a map of function settings"));
      continue;
    }
    collectProblem(problems, () => body.rejectUnknownKeys([...DEFINITION_KEYS, ...SETTING_KEYS]));
    collectProblem(
      problems,
      () => {
        const settings = readSettings(name, body, rootDir);
        if (isNewFunction(body)) {
          const fn = collectProblem(problems, () => readNewFunction(name, body, rootDir, context));
          if (!fn) {
            manifest.failedNames.push(name);
            return;
          }
          manifest.functions.push(fn);
        }
        manifest.settings.push(settings);
      },
      () => body.ref,
    );
  }
  return manifest;
}

/**
 * A name with runtime and handler is a function of its own; without them it adjusts a
 * function of that name from serverless.yml or template.yaml, and then keys that define a
 * function are mistakes (most likely a forgotten runtime or handler).
 */
function isNewFunction(body: YamlField): boolean {
  // A web function has no handler: its scf_bootstrap starts the server.
  const defines = body.child("runtime").isSet && (body.child("handler").isSet || body.child("type").value === "web");
  if (!defines) {
    for (const key of DEFINITION_KEYS) {
      if (body.child(key).isSet) {
        throw body
          .child(key)
          .fail(
            `${key} only applies to a function defined in faasbox.yml; expected both runtime and handler (or runtime and type: web) to define one, ` +
              `or only ${SETTING_KEYS.join(", ")} for a function from another manifest`,
          );
      }
    }
  }
  return defines;
}

function readNewFunction(name: string, body: YamlField, rootDir: string, context: ReadContext): ManifestFunction {
  const runtimeField = body.child("runtime");
  const runtime = readRuntime(runtimeField);
  const dialectField = body.child("dialect");
  const dialectValue = dialectField.string("aws or scf");
  if (dialectValue !== undefined && dialectValue !== "aws" && dialectValue !== "scf") throw dialectField.wrongType("aws or scf");
  const dialect: Dialect = dialectValue ?? runtime.dialect;
  const handlerField = body.child("handler");
  const codeUri = body.child("codeUri");
  const web = readWebFunction({
    type: body.child("type"), web: "web", event: "event",
    concurrency: body.child("instanceConcurrency"), initTimeout: body.child("initTimeout"),
  });
  if (web && dialect !== "scf") throw body.child("type").fail("web functions are SCF's (Lambda's counterpart is a Function URL): use an SCF runtime such as Nodejs18.15, or dialect: scf");
  const definition = { file: body.source.file, line: body.line, field: body.field };
  const spec: FunctionSpec = {
    name,
    dialect,
    runtime: runtime.name,
    family: runtime.family,
    codeDir: resolve(rootDir, codeUri.string("a folder path relative to faasbox.yml, such as ./src") ?? "."),
    handler: web ? (handlerField.string("nothing: a web function's scf_bootstrap starts its server") ?? "scf_bootstrap") : handlerField.requireString("FILE.FUNCTION such as index.handler"),
    // Memory, timeout, variables and events come from this entry's settings, like for any function.
    memoryMb: 128,
    timeoutSec: 3,
    environment: {},
    triggers: [],
    namespace: body.child("namespace").string() ?? "default",
    region: body.child("region").string() ?? (dialect === "aws" ? awsRegion(context) : "ap-guangzhou"),
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
      memoryMb: body.child("memorySize").ref,
      timeoutSec: body.child("timeout").ref,
    },
  };
}

function readSettings(name: string, body: YamlField, rootDir: string): FunctionSettings {
  const envFile = body.child("envFile");
  const envFilePath = envFile.string("a .env file path relative to faasbox.yml");
  return {
    name,
    at: { file: body.source.file, line: body.line, field: body.field },
    overrides: readOverrides(body),
    environment: readVariables(body.child("environment")),
    envFile: envFilePath === undefined ? undefined : { path: resolve(rootDir, envFilePath), at: envFile.ref },
    events: body.child("events").isSet ? body.child("events") : undefined,
  };
}

function readOverrides(body: YamlField): Overrides {
  const overrides: Overrides = {};
  const set = <K extends OverridableField>(key: K, field: YamlField, value: NonNullable<FunctionSpec[K]> | undefined) => {
    if (value !== undefined) overrides[key] = { value, at: field.ref } as Overrides[K];
  };
  set("memoryMb", body.child("memorySize"), readMemory(body.child("memorySize")));
  set("timeoutSec", body.child("timeout"), readTimeout(body.child("timeout")));
  set("maxConcurrency", body.child("maxConcurrency"), body.child("maxConcurrency").integer("a whole number of at least 1", 1));
  set("queueSize", body.child("queueSize"), body.child("queueSize").integer("a whole number of at least 0", 0));
  set("keepAliveMs", body.child("keepAlive"), readDuration(body.child("keepAlive")));
  set("minWarm", body.child("minWarm"), body.child("minWarm").integer("a whole number of at least 0", 0));
  set("image", body.child("image"), body.child("image").string("an image such as node:20-bookworm-slim"));
  return overrides;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION_EXPECTED = "a duration: seconds as a number, or a string such as 500ms, 30s, 5m or 1h";

/** Milliseconds. A bare number is seconds, the unit people think of for keep-alive. */
export function readDuration(field: YamlField): number | undefined {
  if (!field.isSet) return undefined;
  if (typeof field.value === "number") {
    if (field.value < 0) throw field.wrongType(DURATION_EXPECTED);
    return field.value * 1000;
  }
  const match = typeof field.value === "string" ? /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/.exec(field.value) : null;
  if (!match) throw field.wrongType(DURATION_EXPECTED);
  return Math.round(Number(match[1]) * DURATION_UNITS[match[2]]);
}

const EVENT_TYPES = ["http", "timer", "topic", "queue", "storage", "database"];

/**
 * The `events` of a faasbox.yml entry; a bad event is reported and the others still count.
 * `databases` are the names of the `databases:` sources a `database` event may read.
 */
export function readFaasboxEvents(events: YamlField, dialect: Dialect, problems: ManifestError[], databases: readonly string[] = []): TriggerSpec[] {
  const items = collectProblem(problems, () => events.items("a list of events such as `- http: {path: /hello}`")) ?? [];
  const triggers: TriggerSpec[] = [];
  items.forEach((item, index) => {
    const trigger = collectProblem(
      problems,
      () => {
        const read = readEvent(item, index, dialect, databases);
        // One replication slot per function and trigger, named after both: a second would share it.
        if (read.kind === "database" && triggers.some((t) => t.kind === "database" && t.source === read.source)) {
          throw item.child("database").child("name").fail(`this function already reads ${JSON.stringify(read.source)}; expected each database source once per function`);
        }
        return read;
      },
      () => item.ref,
    );
    if (trigger) triggers.push(trigger);
  });
  return triggers;
}

function readEvent(item: YamlField, index: number, dialect: Dialect, databases: readonly string[]): TriggerSpec {
  const [type, event] = singleKeyEntry(item, "`- http: {path: /hello}`");
  if (EVENT_TYPES.includes(type) && !event.isMap()) throw event.wrongType(`a map of the ${type} event's settings`);
  switch (type) {
    case "http": {
      event.rejectUnknownKeys(["path", "method", "payload", "cors", "name"]);
      const payload = readPayload(event.child("payload"), dialect);
      return compact<HttpRoute>({
        kind: "http",
        method: readMethod(event.child("method")),
        path: readPath(event.child("path")),
        payload,
        // Faasbox's own format has always answered SCF routes with integrated responses; Tencent's
        // manifests leave it off unless they say so (see scfTriggers.ts).
        integratedResponse: payload === "scf" ? true : undefined,
        cors: event.child("cors").boolean(),
        name: event.child("name").string(),
      });
    }
    case "timer":
      event.rejectUnknownKeys(["schedule", "enabled", "message", "input", "timezone", "name"]);
      return compact<TimerTrigger>({
        kind: "timer",
        name: event.child("name").string() ?? `timer-${index + 1}`,
        schedule: event.child("schedule").requireString('rate(1 minute), cron(...) or an SCF cron such as "*/5 * * * * * *"'),
        enabled: event.child("enabled").boolean() ?? true,
        message: event.child("message").text(),
        input: event.child("input").value ?? undefined,
        timezone: event.child("timezone").string("a time zone such as Asia/Shanghai"),
      });
    case "topic":
    case "queue": {
      event.rejectUnknownKeys(["name", "batchSize"]);
      const name = event.child("name").requireString(`the ${type} name`);
      return {
        kind: "topic",
        name,
        topic: name,
        // SNS and CMQ topics deliver one message per invocation; SQS polls ten by default.
        batchSize: event.child("batchSize").integer("a whole number of at least 1", 1) ?? (type === "topic" ? 1 : 10),
        source: type,
      };
    }
    case "storage": {
      event.rejectUnknownKeys(["bucket", "events", "prefix", "suffix", "name"]);
      const bucket = event.child("bucket").requireString("the bucket name");
      const eventsField = event.child("events");
      const names = eventsField.stringList("created, deleted or a full event name such as s3:ObjectCreated:Put") ?? ["created"];
      return compact<StorageTrigger>({
        kind: "storage",
        name: event.child("name").string() ?? bucket,
        bucket,
        events: names.map((name) => storageEventName(name, dialect, eventsField)),
        prefix: event.child("prefix").string(),
        suffix: event.child("suffix").string(),
      });
    }
    case "database":
      return readDatabaseEvent(event, databases);
    default:
      throw item.child(type).fail(`unknown event type ${JSON.stringify(type)}; expected one of ${EVENT_TYPES.join(", ")}`);
  }
}

/**
 * `- database: {name: shop, batchSize: 100, batchWindow: 1, retries: 2}`: the plain change event of
 * a `databases:` source. The limits are Lambda's for a stream mapping, the closest cloud setting:
 * BatchSize 1-10,000, MaximumBatchingWindowInSeconds 0-300, MaximumRetryAttempts up to 10,000
 * (https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html).
 */
function readDatabaseEvent(event: YamlField, databases: readonly string[]): DatabaseTrigger {
  event.rejectUnknownKeys(["name", "batchSize", "batchWindow", "retries"]);
  const nameField = event.child("name");
  const source = nameField.requireString("the name of a source under databases:");
  if (!databases.includes(source)) {
    throw nameField.fail(`no source named ${JSON.stringify(source)} under databases: (sources: ${databases.join(", ") || "none"}); expected one of them`);
  }
  const batchSizeField = event.child("batchSize");
  const batchSize = batchSizeField.integer("a whole number from 1 to 10000", 1) ?? 100;
  if (batchSize > 10_000) throw batchSizeField.wrongType("a whole number from 1 to 10000");
  const windowField = event.child("batchWindow");
  const batchWindowSec = windowField.number("seconds from 0 to 300");
  if (batchWindowSec !== undefined && (batchWindowSec < 0 || batchWindowSec > 300)) throw windowField.wrongType("seconds from 0 to 300");
  const retriesField = event.child("retries");
  const retries = retriesField.integer("a whole number from 0 to 10000", 0);
  if (retries !== undefined && retries > 10_000) throw retriesField.wrongType("a whole number from 0 to 10000");
  return compact<DatabaseTrigger>({ kind: "database", name: source, source, batchSize, batchWindowSec, retries });
}

function readPayload(field: YamlField, dialect: Dialect): HttpRoute["payload"] {
  const expected = "scf, v1 or v2";
  const value = field.string(expected);
  if (value === undefined) return dialect === "scf" ? "scf" : "aws-v2";
  const payload = { scf: "scf", v1: "aws-v1", v2: "aws-v2", "aws-v1": "aws-v1", "aws-v2": "aws-v2" }[value];
  if (!payload) throw field.wrongType(expected);
  return payload as HttpRoute["payload"];
}

/**
 * `created` and `deleted` become the cloud's own event names, so storage triggers look
 * the same whichever manifest declared them; full names are kept as written.
 */
function storageEventName(name: string, dialect: Dialect, field: YamlField): string {
  if (name.includes(":")) return name;
  const names: Record<string, Record<Dialect, string>> = {
    created: { aws: "s3:ObjectCreated:*", scf: "cos:ObjectCreated:*" },
    deleted: { aws: "s3:ObjectRemoved:*", scf: "cos:ObjectRemove:*" },
  };
  const known = names[name];
  if (!known) throw field.wrongType("created, deleted or a full event name such as s3:ObjectCreated:Put");
  return known[dialect];
}
