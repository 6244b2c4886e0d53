import { dirname, resolve } from "node:path";
import { ManifestWarning, collectProblem } from "./errors";
import { isGlobalComponent, resolveInstanceOutputs } from "./componentsV1Outputs";
import { emptyResult, type ManifestFunction, type ManifestResult, type ReadContext } from "./manifestFunction";
import { scfFunction, warnUnknownInputs } from "./scfFunctionInputs";
import { readScfEvents, type ScfTriggerContext } from "./scfTriggers";
import { isPlainMap, type YamlField, type YamlSource } from "./yamlSource";

/**
 * Serverless Components v1: a serverless.yml whose top-level keys are instances
 * `NAME: {component, inputs}`, each `@serverless/tencent-scf` instance one SCF function.
 * Its README and code (v1 branch of https://github.com/serverless-components/tencent-scf:
 * README.md "3. Configure", library/provider.js, serverless.js) are what is followed here.
 * Its README once wrote the same component as `@serverless/tencent-cloudfunction`, so both names count.
 */
const SCF_V1 = /^@serverless\/tencent-(scf|cloudfunction)(@.+)?$/;

/** A file of v1 instances with at least one SCF function; a file of other components only is someone else's. */
export function isComponentsV1(data: unknown): boolean {
  if (!isPlainMap(data) || "component" in data) return false;
  return Object.values(data).some((instance) => isPlainMap(instance) && typeof instance.component === "string" && SCF_V1.test(instance.component.trim()));
}

/** For a file that does not parse: does its text hold a v1 SCF instance? */
export function mentionsComponentsV1(text: string): boolean {
  return /^[ \t]+component\s*:\s*["']?@serverless\/tencent-(scf|cloudfunction)\b/m.test(text);
}

export function readComponentsV1(source: YamlSource, context: ReadContext): ManifestResult {
  const result = emptyResult();
  const root = source.root;
  for (const [instanceName, instance] of root.entries()) {
    const component = instance.child("component").value;
    if (typeof component !== "string") {
      context.warn(ManifestWarning.at(instance.ref, "not read by Faasbox: not an instance {component, inputs} of a v1 component"));
      continue;
    }
    if (isGlobalComponent(component)) continue; // read where its values are used (componentsV1Outputs)
    if (!SCF_V1.test(component.trim())) {
      context.warn(
        ManifestWarning.at(instance.child("component").ref, `the ${component} component is not emulated: instance ${instanceName} deploys nothing locally`),
      );
      continue;
    }
    const fn = collectProblem(
      result.problems,
      () => readInstance(instance.withValue(resolveInstanceOutputs(instance, root, context)), result, context),
      () => instance.ref,
    );
    if (fn) result.functions.push(fn);
    else {
      const name = instance.child("inputs").child("name").value;
      if (typeof name === "string") result.failedNames.push(name);
    }
  }
  return result;
}

/** The v1 component's inputs besides those scfFunction reads or warns about (library/provider.js getFunctionResource). */
const V1_INPUTS = ["name", "codeUri", "exclude", "include", "events", "description", "role", "enableRoleAuth", "tags"];

function readInstance(instance: YamlField, result: ManifestResult, context: ReadContext): ManifestFunction {
  const inputs = instance.child("inputs");
  if (!inputs.isMap()) throw inputs.isSet ? inputs.wrongType("a map of the function's settings") : inputs.missing("a map of the function's settings");
  // The component deploys `inputs.name` as the function's name and has no default for it (serverless.js: FuncName = inputs.name).
  const nameField = inputs.child("name");
  const name = nameField.requireString("the function name (the component requires inputs.name)");
  // serverless.js packs `inputs.codeUri` (utils.packDir), relative to serverless.yml; without it nothing is packed.
  const codeField = inputs.child("codeUri");
  const codeDir = resolve(dirname(instance.source.file), codeField.requireString("the code folder, such as ./code"));
  const packageExclude = inputs.child("exclude").stringList("a list of patterns such as `- .env` or `- node_modules/**`");
  const include = inputs.child("include");
  if (include.isSet) {
    context.warn(ManifestWarning.at(include.ref, "files listed here are added to the deployed zip; locally the function sees only its codeUri folder"));
  }

  const triggerContext: ScfTriggerContext = {
    functionName: name,
    // The component keys each trigger by its `name`, which its configure table marks as required;
    // the docs say nothing of a trigger without one, so locally it is named after its type.
    defaultName: (type) => type,
    warn: context.warn,
  };
  // The v1 event shape is the later scf component's (name beside parameters, endpoints under apigw).
  const triggers = readScfEvents(inputs.child("events"), triggerContext, result.problems);
  warnUnknownInputs(inputs, V1_INPUTS, context);

  // Runtime Nodejs8.9 when none is written (provider.js getFunctionResource); memory 128, timeout 3, region ap-guangzhou as scfFunction's.
  return scfFunction({ name, nameField, own: inputs, codeDir, codeField, triggers, defaultRuntime: "Nodejs8.9", ...(packageExclude ? { packageExclude } : {}) }, context);
}
