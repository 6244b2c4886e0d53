import { dirname } from "node:path";
import { ManifestWarning, collectProblem } from "./errors";
import {
  emptyResult,
  localDefaults,
  readMemory,
  readRuntime,
  readTimeout,
  type ManifestFunction,
  type ManifestResult,
  type ReadContext,
} from "./manifestFunction";
import { variableText } from "./samIntrinsics";
import { templateScope } from "./samScope";
import { readAwsEvent, type EventScope } from "./serverlessAwsEvents";
import { readPackagePatterns } from "./serverlessAwsPackage";
import { mentionsProvider, providerName } from "./serverlessProvider";
import { ServerlessVariables } from "./serverlessVariables";
import type { FunctionSpec, TriggerSpec } from "./spec";
import { readServerlessUrl } from "./functionUrlConfig";
import type { YamlField, YamlSource } from "./yamlSource";

/**
 * The Serverless Framework's AWS format (`provider: aws` or `provider: {name: aws}`), the
 * one serverless-offline users have. https://www.serverless.com/framework/docs/providers/aws/guide/serverless.yml
 */
export function isServerlessAws(data: unknown): boolean {
  return providerName(data) === "aws";
}

/** For a file that does not parse: does its text say it is a Serverless Framework AWS service? */
export function mentionsAwsProvider(text: string): boolean {
  return mentionsProvider(text, "aws");
}

/**
 * Settings with no local meaning, each told once at its line. The keys are the docs'
 * (https://www.serverless.com/framework/docs/providers/aws/guide/serverless.yml); where a
 * setting matters locally the message says what happens instead.
 */
const NOT_EMULATED: Readonly<Record<string, string>> = {
  iam: "IAM roles are not applied locally; the function runs with the credentials of your environment, if any",
  iamRoleStatements: "IAM statements are not applied locally; the function runs with the credentials of your environment, if any",
  iamManagedPolicies: "IAM policies are not applied locally; the function runs with the credentials of your environment, if any",
  role: "the execution role is not assumed locally; the function runs with the credentials of your environment, if any",
  vpc: "the VPC is not joined locally; the function reaches what this machine reaches",
  tracing: "X-Ray tracing is not emulated; no traces are recorded",
  layers: "layers are not added locally yet; code the function imports from /opt is missing",
  reservedConcurrency: "reserved concurrency does not cap the local pool; faasbox.yml's maxConcurrency does",
  provisionedConcurrency: "provisioned concurrency is not emulated; faasbox.yml's minWarm keeps instances warm",
  destinations: "destinations are not emulated; results of asynchronous invocations go nowhere",
  onError: "the dead-letter target is not emulated; failed asynchronous events are only logged",
  architecture: "the function runs on this machine's architecture",
  ephemeralStorageSize: "/tmp is not limited locally",
  kmsKeyArn: "environment variables are not encrypted locally",
};

/** Plugins run inside the framework, not in Faasbox; a few common ones get a precise local meaning. */
const PLUGIN_MEANING: Readonly<Record<string, string>> = {
  "serverless-offline": "Faasbox serves the events itself; of custom.serverless-offline only noPrependStageInUrl is read",
  "serverless-python-requirements": "requirements.txt is not installed by Faasbox; the function imports what its code folder holds",
  "serverless-esbuild": "the code is not bundled locally; the handler file must exist as written (compiled JavaScript)",
  "serverless-plugin-typescript": "the code is not compiled locally; the handler file must exist as written (compiled JavaScript)",
  "serverless-webpack": "the code is not bundled locally; the handler file must exist as written",
  "serverless-dotenv-plugin": "Faasbox reads the project's .env itself into every function's environment",
};

export function readServerlessAws(source: YamlSource, context: ReadContext): ManifestResult {
  const result = emptyResult();
  const root = source.root;
  const variables = new ServerlessVariables(root, context);
  // The provider applies to every function, so a variable there that cannot be resolved fails the file.
  const provider = root.child("provider").withValue(variables.resolve(["provider"]));
  const stage = variables.stage();
  const region = variables.region();
  const custom = (path: string[]) => {
    try {
      return root.source.field(["custom", ...path]).withValue(variables.resolve(["custom", ...path]));
    } catch {
      // Only what Faasbox reads from `custom` is resolved; a broken value it does not read is the framework's to report.
      return root.source.field(["custom", ...path]);
    }
  };

  // `provider: aws` alone is the short form: nothing else is set.
  for (const [key, field] of provider.isMap() ? provider.entries() : []) {
    if (Object.hasOwn(NOT_EMULATED, key)) warn(context, field, NOT_EMULATED[key]);
  }
  warnPlugins(root.child("plugins"), context);
  // serverless-lift constructs (https://github.com/getlift/lift): their resources and worker functions exist only once deployed.
  for (const [name, construct] of root.child("constructs").entries("a map of constructs")) {
    warn(context, construct, `the ${String(construct.child("type").value)} construct ${name} (serverless-lift) is not emulated; its resources and worker functions are not loaded`);
  }
  const servicePackage = collectProblem(result.problems, () =>
    readPackagePatterns(root.child("package").withValue(variables.resolve(["package"])), context),
  );

  const scope: Omit<FunctionScope, "name"> = {
    provider,
    region,
    codeDir: dirname(source.file),
    servicePatterns: servicePackage ?? [],
    events: {
      context,
      // serverless.yml's `resources` is CloudFormation without Parameters or Conditions of its own: nothing to report there.
      resources: templateScope(root.child("resources").withValue(variables.resolve(["resources"])), region, {}, []),
      stage,
      prependStage: custom(["serverless-offline", "noPrependStageInUrl"]).boolean() !== true,
      httpApi: provider.child("httpApi"),
    },
  };
  for (const [name, raw] of root.child("functions").entries("a map of function names to their settings")) {
    const fn = collectProblem(
      result.problems,
      () => readFunction(raw.withValue(variables.resolve(raw.path)), { ...scope, name }, result),
      () => raw.ref,
    );
    if (fn) result.functions.push(fn);
    else result.failedNames.push(name);
  }
  return result;
}

interface FunctionScope {
  /** The key under `functions:`. */
  name: string;
  provider: YamlField;
  region: string;
  /** The service folder: handlers are paths relative to it. */
  codeDir: string;
  servicePatterns: string[];
  events: EventScope;
}

function warn(context: ReadContext, field: YamlField, message: string): void {
  context.warn(ManifestWarning.at(field.ref, message));
}

function warnPlugins(plugins: YamlField, context: ReadContext): void {
  // `plugins: [...]` or `plugins: {localPath, modules: [...]}`.
  const list = plugins.isMap() ? plugins.child("modules") : plugins;
  for (const item of list.items("a list of plugin names")) {
    const name = item.string("a plugin name");
    if (name === undefined) continue;
    const meaning = PLUGIN_MEANING[name] ?? "plugins do not run locally; whatever it adds to the service or its packaging is missing here";
    warn(context, item, `plugin ${name}: ${meaning}`);
  }
}

/** A function setting, else the provider's: https://www.serverless.com/framework/docs/providers/aws/guide/functions */
function ownOrProvider(fn: YamlField, provider: YamlField, key: string): YamlField {
  const own = fn.child(key);
  return own.isSet || !provider.child(key).isSet ? own : provider.child(key);
}

function readFunction(fn: YamlField, scope: FunctionScope, result: ManifestResult): ManifestFunction {
  if (!fn.isMap()) throw fn.wrongType("a map of function settings such as {handler: handler.hello}");
  const context = scope.events.context;
  if (fn.child("image").isSet) {
    throw fn.child("image").fail("container image functions are not supported yet; expected a handler with a runtime");
  }
  const runtimeField = ownOrProvider(fn, scope.provider, "runtime");
  if (!runtimeField.isSet) throw runtimeField.missing("a runtime such as nodejs20.x, in the function or in provider");
  const runtime = readRuntime(runtimeField, "aws");
  const handlerField = fn.child("handler");
  // The handler is a path from the service folder plus the export: `src/handler.hello`.
  const handler = runtime.family === "custom" ? (handlerField.string() ?? "") : handlerField.requireString("FILE.EXPORT such as handler.hello");

  for (const [key, field] of fn.entries()) {
    if (Object.hasOwn(NOT_EMULATED, key)) warn(context, field, NOT_EMULATED[key]);
  }
  const deployedName = fn.child("name");
  if (deployedName.isSet) {
    warn(context, deployedName, `deployed as ${JSON.stringify(deployedName.value)}; locally it is called ${JSON.stringify(scope.name)}, the name \`serverless invoke -f\` takes`);
  }
  if (fn.child("package").child("artifact").isSet) {
    warn(context, fn.child("package").child("artifact"), "a prebuilt artifact is not unpacked locally; the function runs from the service folder's source");
  }

  const triggers: TriggerSpec[] = [];
  fn.child("events")
    .items("a list of events such as `- httpApi: GET /hello`")
    .forEach((item, index) => {
      const read = collectProblem(result.problems, () => readAwsEvent(item, index, scope.events), () => item.ref);
      if (read) triggers.push(...read);
    });
  // Its function URL: a mistake in it is reported, the function still loads.
  const url = collectProblem(result.problems, () => readServerlessUrl(fn.child("url")), () => fn.child("url").ref);
  if (url) triggers.push(url);

  const ownPatterns = readPackagePatterns(fn.child("package"), context);
  const packageExclude = [...scope.servicePatterns, ...ownPatterns];
  const memory = ownOrProvider(fn, scope.provider, "memorySize");
  const timeout = ownOrProvider(fn, scope.provider, "timeout");
  const spec: FunctionSpec = {
    // The key, not the deployed `${service}-${stage}-${name}`: it is what `serverless invoke -f`
    // and serverless-offline's `--function` take, and what faasbox.yml refers to; it stays the
    // same across stages, so switching `--stage` does not rename every function locally.
    name: scope.name,
    dialect: "aws",
    runtime: runtime.name,
    family: runtime.family,
    codeDir: scope.codeDir,
    handler,
    // Defaults 1024 MB and 6 s: https://www.serverless.com/framework/docs/providers/aws/guide/functions
    memoryMb: readMemory(memory) ?? 1024,
    timeoutSec: readTimeout(timeout) ?? 6,
    environment: readEnvironment(scope, fn),
    triggers,
    namespace: "default",
    region: scope.region,
    ...localDefaults(),
    ...(packageExclude.length > 0 ? { packageExclude } : {}),
    source: { file: fn.source.file, line: fn.line },
  };
  return {
    spec,
    at: { definition: fn.ref, name: fn.ref, handler: handlerField.ref, runtime: runtimeField.ref, memoryMb: memory.ref, timeoutSec: timeout.ref },
  };
}

/** provider.environment, then the function's, key by key (the function wins, as the docs say). */
function readEnvironment(scope: FunctionScope, fn: YamlField): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const layer of [scope.provider.child("environment"), fn.child("environment")]) {
    for (const [key, value] of layer.entries("a map of variable names to values")) {
      // `{Ref: MyQueue}` / `Fn::GetAtt` as CloudFormation would give them where they can be known locally.
      environment[key] = variableText(value.value, scope.events.resources);
    }
  }
  return environment;
}
