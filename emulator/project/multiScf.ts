import { ManifestWarning, collectProblem } from "./errors";
import { emptyResult, type ManifestResult, type ReadContext } from "./manifestFunction";
import { instanceNames, readSrc } from "./scfComponentBasics";
import { scfFunction, warnUnknownInputs } from "./scfFunctionInputs";
import { SCF_TRIGGER_TYPES, readEndpoint, readScfTrigger, type ScfTriggerContext } from "./scfTriggers";
import type { TriggerSpec } from "./spec";
import { isPlainMap, type YamlField } from "./yamlSource";

/**
 * Tencent's `multi-scf` component: several functions sharing one code folder.
 * https://github.com/serverless-components/tencent-multi-scf/blob/master/docs/configure.md
 */
export function isMultiScfComponent(data: unknown): boolean {
  if (!isPlainMap(data) || typeof data.component !== "string") return false;
  return /^multi-scf(@.+)?$/.test(data.component.trim());
}

/** multi-scf's own inputs, besides the function settings every function inherits. */
const MULTI_SCF_INPUTS = ["src", "functions", "triggers", "ignoreTriggers", "description", "role", "tags"];

/** `root` has its variables already substituted. */
export function readMultiScf(root: YamlField, context: ReadContext): ManifestResult {
  const result = emptyResult();
  const inputs = root.child("inputs");
  const read = collectProblem(result.problems, () => {
    if (inputs.isSet && !inputs.isMap()) throw inputs.wrongType("a map of the functions' settings");
    const functions = inputs.child("functions");
    if (!functions.isSet) throw functions.missing("a map of functions such as `index: {handler: app.index}`");
    return { src: readSrc(root, inputs.child("src")), entries: functions.entries("a map of functions such as `index: {handler: app.index}`") };
  });
  if (!read) return result;
  warnUnknownInputs(inputs, MULTI_SCF_INPUTS, context);

  const { instance, stage, app } = instanceNames(root);
  // A function's `name`, else `${key}-${instance}-${stage}-${app}` (formatScfName in
  // https://github.com/serverless-components/tencent-multi-scf/blob/master/src/formatter.ts).
  const names = new Map<string, string>();
  for (const [key, fn] of read.entries) {
    const own = fn.child("name").value;
    names.set(key, typeof own === "string" && own !== "" ? own : `${key}-${instance}-${stage}-${app}`);
  }
  const triggers = collectTriggers(inputs, names, { instance, stage, app }, result, context);

  for (const [key, fn] of read.entries) {
    const name = names.get(key) ?? key;
    const spec = collectProblem(
      result.problems,
      () => {
        if (!fn.isMap()) throw fn.wrongType("a map of the function's settings such as {handler: app.index}");
        warnUnknownInputs(fn, ["name", "description", "role", "tags"], context);
        const nameField = fn.child("name").isSet ? fn.child("name") : fn;
        return scfFunction(
          {
            name,
            nameField,
            own: fn,
            shared: inputs,
            codeDir: read.src.codeDir,
            codeField: read.src.srcField,
            triggers: triggers.get(key) ?? [],
            packageExclude: read.src.packageExclude,
          },
          context,
        );
      },
      () => fn.ref,
    );
    if (spec) result.functions.push(spec);
    else result.failedNames.push(name);
  }
  return result;
}

/**
 * `inputs.triggers[]`: each `{type, function, parameters}`; API gateway triggers name the
 * function per API (`parameters.apis[].function`). `function` is the key in `functions`
 * (older releases wrote `function: {name: KEY}`).
 */
function collectTriggers(
  inputs: YamlField,
  names: Map<string, string>,
  instance: { instance: string; stage: string; app: string },
  result: ManifestResult,
  context: ReadContext,
): Map<string, TriggerSpec[]> {
  const byFunction = new Map<string, TriggerSpec[]>();
  const add = (key: string, triggers: TriggerSpec[]) => byFunction.set(key, [...(byFunction.get(key) ?? []), ...triggers]);
  const list = inputs.child("triggers");
  if (inputs.child("ignoreTriggers").boolean()) {
    if (list.isSet) {
      context.warn(ManifestWarning.at(inputs.child("ignoreTriggers").ref, "true: the component deploys no triggers, so locally none of inputs.triggers is wired"));
    }
    return byFunction;
  }
  const functionKey = (field: YamlField): string => {
    const key = field.isMap() ? field.child("name").requireString("the key of a function in inputs.functions") : field.requireString("the key of a function in inputs.functions");
    if (!names.has(key)) {
      throw field.fail(`no function ${JSON.stringify(key)} in inputs.functions (functions: ${[...names.keys()].join(", ") || "none"}); expected one of their keys`);
    }
    return key;
  };
  const triggerContext = (key: string): ScfTriggerContext => ({
    functionName: names.get(key) ?? key,
    defaultName: (type) => `${type}-${instance.instance}-${instance.stage}-${instance.app}`,
    warn: context.warn,
  });

  for (const item of list.items("a list of triggers such as `- type: timer`")) {
    collectProblem(
      result.problems,
      () => {
        const type = item.child("type").requireString(`a trigger type: one of ${SCF_TRIGGER_TYPES.join(", ")}`);
        const parameters = item.child("parameters");
        if (type === "apigw") {
          const apiName = parameters.child("name").string();
          for (const api of parameters.child("apis").items("a list of APIs {path, method, function}")) {
            const key = functionKey(api.child("function").isSet ? api.child("function") : item.child("function"));
            add(key, [readEndpoint(api, apiName, parameters, triggerContext(key))]);
          }
          return;
        }
        if (![...SCF_TRIGGER_TYPES, "cls", "mps"].includes(type)) throw item.child("type").fail(`unknown trigger type ${JSON.stringify(type)}; expected one of ${SCF_TRIGGER_TYPES.join(", ")}`);
        const key = functionKey(item.child("function"));
        add(key, readScfTrigger(type, item, parameters, triggerContext(key)));
      },
      () => item.ref,
    );
  }
  return byFunction;
}
