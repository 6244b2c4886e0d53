import { ManifestWarning } from "./errors";
import {
  localDefaults,
  propertyWithGlobals,
  readMemory,
  readRuntime,
  readTimeout,
  readVariables,
  type ManifestFunction,
  type ReadContext,
} from "./manifestFunction";
import type { FunctionSpec, TriggerSpec } from "./spec";
import { warnUnused } from "./scfTriggers";
import type { YamlField } from "./yamlSource";
import { readWebFunction } from "./webFunction";

/**
 * The SCF limit on `timeout` is 900 s (https://github.com/serverless-components/tencent-scf/blob/master/docs/configure.md);
 * with async execution (`asyncRunEnable: true`) a run may last 24 hours
 * (https://cloud.tencent.com/document/product/583/39466: 异步执行目前支持最长执行时长为24小时).
 */
export const ASYNC_MAX_TIMEOUT_SEC = 86_400;

export interface ScfFunctionParts {
  name: string;
  nameField: YamlField;
  /** The function's own settings. */
  own: YamlField;
  /** Settings every function of the file shares (multi-scf's `inputs`); the function's own win. */
  shared?: YamlField;
  codeDir: string;
  codeField: YamlField;
  triggers: TriggerSpec[];
  packageExclude?: string[];
  /** Inputs the caller reads itself (the scf component's `layers` and `image`): not warned about here. */
  handled?: readonly string[];
  /** The tool's runtime when none is written: Nodejs10.15 for the scf component, Nodejs8.9 for the older v1 tools. */
  defaultRuntime?: string;
}

/**
 * One SCF function from component-style inputs (scf, multi-scf, v1 components, the
 * Framework plugin): handler, runtime, memory, timeout, environment, namespace, region,
 * with the component's defaults, and a warning for each setting not emulated.
 */
export function scfFunction(parts: ScfFunctionParts, context: ReadContext): ManifestFunction {
  const { own } = parts;
  const shared = parts.shared ?? own.withValue(undefined);
  const input = (key: string) => propertyWithGlobals(own, shared, key);

  const runtimeField = input("runtime");
  const runtime = runtimeField.isSet
    ? readRuntime(runtimeField, "scf")
    : { name: parts.defaultRuntime ?? "Nodejs10.15", family: "nodejs" as const, dialect: "scf" as const };

  const asyncRun = input("asyncRunEnable");
  const isAsync = asyncRun.boolean() ?? false;
  if (isAsync) {
    context.warn(
      ManifestWarning.at(
        asyncRun.ref,
        "async execution is not emulated: the cloud answers at once with a RequestId and runs the function in the background; " +
          `locally callers wait for the result. The timeout may be up to ${ASYNC_MAX_TIMEOUT_SEC} s, as in the cloud`,
      ),
    );
  }
  // A web function reads its init timeout and per-instance concurrency; an event function is told they do nothing here.
  const web = readWebFunction({
    type: input("type"), web: "web", event: "event",
    concurrency: input("instanceConcurrencyConfig").child("maxConcurrency"),
    initTimeout: input("initTimeout"), concurrencyOnEvent: "ignore",
  });
  for (const settings of parts.shared ? [parts.shared, own] : [own]) {
    warnUnused(settings, unusedInputs([...(parts.handled ?? []), ...(web ? ["initTimeout", "instanceConcurrencyConfig"] : [])]), context);
  }

  const spec: FunctionSpec = {
    name: parts.name,
    dialect: "scf",
    runtime: runtime.name,
    family: runtime.family,
    codeDir: parts.codeDir,
    handler: input("handler").string("MODULE.FUNCTION such as index.main_handler") ?? "index.main_handler",
    memoryMb: readMemory(input("memorySize")) ?? 128,
    timeoutSec: readTimeout(input("timeout")) ?? 3,
    environment: { ...readEnvironment(shared.child("environment")), ...readEnvironment(own.child("environment")) },
    triggers: parts.triggers,
    namespace: input("namespace").string() ?? "default",
    region: input("region").string() ?? "ap-guangzhou",
    ...localDefaults(),
    ...(parts.packageExclude?.length ? { packageExclude: parts.packageExclude } : {}),
    ...(web ? { web } : {}),
    source: { file: parts.nameField.source.file, line: parts.nameField.line },
  };
  return {
    spec,
    ...(isAsync ? { maxTimeoutSec: ASYNC_MAX_TIMEOUT_SEC } : {}),
    at: {
      definition: parts.nameField.ref,
      name: parts.nameField.ref,
      codeDir: parts.codeField.ref,
      handler: input("handler").ref,
      runtime: runtimeField.ref,
      memoryMb: input("memorySize").ref,
      timeoutSec: input("timeout").ref,
    },
  };
}

/**
 * `environment: {variables: {K: V}}`, or multi-scf's list `[{key, value}]`
 * (https://github.com/serverless-components/tencent-multi-scf/blob/master/src/formatter.ts formatFaasInputs).
 */
function readEnvironment(environment: YamlField): Record<string, string> {
  if (!Array.isArray(environment.value)) return readVariables(environment.child("variables"));
  const variables: Record<string, string> = {};
  for (const item of environment.items()) {
    variables[item.child("key").requireString("a variable name")] = item.child("value").text("a string, number or boolean") ?? "";
  }
  return variables;
}

/** Function settings of the scf and multi-scf components that change nothing locally, with what that means. */
const FUNCTION_UNUSED: Record<string, string> = {
  vpcConfig: "the function reaches the network the local container engine gives it, not the VPC",
  vpc: "the function reaches the network the local container engine gives it, not the VPC",
  cfs: "no CFS file system is mounted locally",
  layers: "SCF layers given by name and version are cloud resources: nothing is mounted under /opt locally",
  cls: "logs go to the local console and log view, not to CLS",
  deadLetter: "failed asynchronous events are not sent to a dead-letter queue locally",
  eip: "no fixed outbound IP locally: requests leave from this machine",
  publicAccess: "the function reaches whatever network this machine reaches",
  initTimeout: "the local runtime waits for initialisation within the function's timeout",
  installDependency: "dependencies are not installed online: the code folder must already hold them",
  traceEnable: "status tracing of async runs is not emulated",
  image: "container-image SCF functions are not built from this setting: the runtime's image runs the code folder",
  instanceConcurrencyConfig: "one invocation per instance locally; set maxConcurrency in faasbox.yml to change the pool",
  provisionedNum: "no provisioned instances are kept warm; minWarm in faasbox.yml does that locally",
  publish: "versions are not emulated: the code in the folder always runs",
  traffic: "aliases and traffic splitting are not emulated: the code in the folder always runs",
  needSetTraffic: "aliases and traffic splitting are not emulated: the code in the folder always runs",
  aliasName: "aliases are not emulated: the code in the folder always runs",
  retryNum: "failed asynchronous invocations are not retried locally",
  msgTTL: "the age of asynchronous events is not limited locally",
};

function unusedInputs(handled: readonly string[] = []): Record<string, string> {
  return Object.fromEntries(Object.entries(FUNCTION_UNUSED).filter(([key]) => !handled.includes(key)));
}

/** What scfFunction reads or warns about; the rest of a function's inputs is told as not read. */
const READ_INPUTS = ["handler", "runtime", "memorySize", "timeout", "environment", "namespace", "region", "asyncRunEnable", "type"];

/**
 * Anything else in `inputs` is not read by Faasbox, which the user is told rather than
 * left to wonder about (a misspelt `memorysize` is the usual case).
 */
export function warnUnknownInputs(inputs: YamlField, alsoKnown: readonly string[], context: ReadContext): void {
  if (!inputs.isMap()) return;
  for (const [key, field] of inputs.entries()) {
    if (READ_INPUTS.includes(key) || key in FUNCTION_UNUSED || alsoKnown.includes(key)) continue;
    context.warn(ManifestWarning.at(field.ref, "not read by Faasbox: this setting has no effect locally"));
  }
}
