import { dirname } from "node:path";
import { ManifestWarning, collectProblem } from "./errors";
import { emptyResult, type ManifestFunction, type ManifestResult, type ReadContext } from "./manifestFunction";
import { scfFunction, warnUnknownInputs } from "./scfFunctionInputs";
import { mentionsProvider, providerName } from "./serverlessProvider";
import { readTencentEvent } from "./serverlessTencentEvents";
import { ServerlessVariables } from "./serverlessVariables";
import type { TriggerSpec } from "./spec";
import type { YamlField, YamlSource } from "./yamlSource";

/**
 * The Serverless Framework with `provider: {name: tencent}` and the serverless-tencent-scf
 * plugin. Reference: https://github.com/serverless-tencent/serverless-tencent-scf/blob/master/docs/en/yaml.md;
 * what each setting does: provider/tencentProvider.js of that repository.
 */
export function isServerlessTencent(data: unknown): boolean {
  return providerName(data) === "tencent";
}

export function mentionsTencentProvider(text: string): boolean {
  return mentionsProvider(text, "tencent");
}

/** Provider settings the plugin reads (yaml.md, tencentProvider.js); those with no local meaning are deploy-only. */
const PROVIDER_KEYS = ["name", "runtime", "credentials", "stage", "region", "memorySize", "timeout", "environment", "enableRoleAuth", "cosBucket", "role", "description", "apiGateway"];
/** Function settings the plugin reads besides those scfFunction reads or warns about (getFunctionResource). */
const FUNCTION_KEYS = ["description", "role", "events"];
const PLUGIN = "serverless-tencent-scf";

export function readServerlessTencent(source: YamlSource, context: ReadContext): ManifestResult {
  const result = emptyResult();
  const root = source.root;
  // Provider settings are shared by every function; each warning about them is told once, not once per function.
  const once = warnOnce(context);
  // The plugin's region default is ap-guangzhou (getRegion); stage is --stage, provider.stage, dev (getStage).
  const variables = new ServerlessVariables(root, once, "ap-guangzhou");
  const read = collectProblem(result.problems, () => {
    const provider = root.child("provider").withValue(variables.resolve(["provider"]));
    const service = root.child("service").withValue(variables.resolve(["service"]));
    const serviceName = service.isMap() ? service.child("name").requireString("the service name") : service.requireString("the service name");
    return { provider, serviceName, packageExclude: readPackage(root.child("package").withValue(variables.resolve(["package"])), once) };
  });
  if (!read) return result;
  warnUnknownInputs(read.provider, PROVIDER_KEYS, once);
  warnPlugins(root.child("plugins"), once);
  const stage = variables.stage();
  // --region wins over provider.region for every function (getFunctionResource: options.region || provider.region).
  const provider = read.provider.withValue({ ...(read.provider.isMap() ? (read.provider.value as object) : {}), region: variables.region() });

  for (const [key, raw] of root.child("functions").entries("a map of function names to their settings")) {
    const fn = collectProblem(
      result.problems,
      () => {
        const resolved = raw.withValue(variables.resolve(raw.path));
        // The plugin deploys `${service}-${stage}-${key}` (getFunctionName). Locally the function is
        // called by its key, as the provider: aws reader does: it is what `serverless invoke -f` takes,
        // and it stays the same across stages.
        return readFunction(resolved, { key, deployedName: `${read.serviceName}-${stage}-${key}`, provider, packageExclude: read.packageExclude }, result, once);
      },
      () => raw.ref,
    );
    if (fn) result.functions.push(fn);
    else result.failedNames.push(key);
  }
  return result;
}

interface FunctionScope {
  key: string;
  deployedName: string;
  provider: YamlField;
  packageExclude: string[];
}

function readFunction(fn: YamlField, scope: FunctionScope, result: ManifestResult, context: ReadContext): ManifestFunction {
  if (!fn.isMap()) throw fn.wrongType("a map of function settings such as {handler: index.main_handler}");
  const triggerContext = {
    functionName: scope.key,
    deployedName: scope.deployedName,
    // Triggers are keyed by their `name` (getTimerEvent and the others); the docs say nothing of one without it.
    defaultName: (type: string) => type,
    warn: context.warn,
  };
  const triggers: TriggerSpec[] = [];
  for (const item of fn.child("events").items("a list of events such as `- timer: {name, parameters}`")) {
    const read = collectProblem(result.problems, () => readTencentEvent(item, triggerContext), () => item.ref);
    if (read) triggers.push(...read);
  }
  warnUnknownInputs(fn, FUNCTION_KEYS, context);
  return scfFunction(
    {
      name: scope.key,
      nameField: fn,
      own: fn,
      shared: scope.provider,
      // Handlers are paths from the service folder, which is what gets packaged.
      codeDir: dirname(fn.source.file),
      codeField: fn,
      triggers,
      // tencentProvider.js falls back to 'nodejs8', which SCF does not name; its docs write Nodejs8.9.
      defaultRuntime: "Nodejs8.9",
      ...(scope.packageExclude.length > 0 ? { packageExclude: scope.packageExclude } : {}),
    },
    context,
  );
}

/** `package.exclude` is left out of the zip; `include` adds back what exclude removed, and locally every file is there anyway. */
function readPackage(pkg: YamlField, context: ReadContext): string[] {
  for (const [key, field] of pkg.entries("a map such as {exclude: [...]}")) {
    if (key !== "include" && key !== "exclude") context.warn(ManifestWarning.at(field.ref, "not read by Faasbox: this setting has no effect locally"));
  }
  return pkg.child("exclude").stringList("a list of patterns such as `- .env`") ?? [];
}

function warnPlugins(plugins: YamlField, context: ReadContext): void {
  for (const item of plugins.items("a list of plugin names")) {
    const name = item.string("a plugin name");
    if (name === undefined || name === PLUGIN) continue;
    context.warn(ManifestWarning.at(item.ref, `plugin ${name}: plugins do not run locally; whatever it adds to the service or its packaging is missing here`));
  }
}

function warnOnce(context: ReadContext): ReadContext {
  const told = new Set<string>();
  return {
    ...context,
    warn: (warning) => {
      const key = `${warning.file}:${warning.line}:${warning.field}:${warning.problem}`;
      if (told.has(key)) return;
      told.add(key);
      context.warn(warning);
    },
  };
}
