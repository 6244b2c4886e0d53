import { collectProblem } from "./errors";
import { emptyResult, type ManifestFunction, type ManifestResult, type ReadContext } from "./manifestFunction";
import { isMultiScfComponent, readMultiScf } from "./multiScf";
import { defaultFunctionName, instanceNames, readSrc } from "./scfComponentBasics";
import { scfFunction, warnUnknownInputs } from "./scfFunctionInputs";
import { readScfEvents, type ScfTriggerContext } from "./scfTriggers";
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
  if (isMultiScfComponent(source.root.value)) {
    return readMultiScf(source.root.withValue(substituteVariables(source.root, context)), context);
  }
  const result = emptyResult();
  if (!isScfComponent(source.root.value)) return result;
  const root = source.root.withValue(substituteVariables(source.root, context));
  const layersRead =
    collectProblem(result.problems, () => refuseScfImage(root.child("inputs").child("image"))) &&
    collectProblem(result.problems, () => readScfLayers(root.child("inputs").child("layers"), context));
  const fn = layersRead && collectProblem(result.problems, () => readFunction(root, result, context));
  if (fn) result.functions.push(fn);
  else {
    const name = root.child("inputs").child("name").value ?? defaultFunctionName(root);
    if (typeof name === "string") result.failedNames.push(name);
  }
  return result;
}

/** The scf component's own inputs besides those scfFunction reads or warns about. */
const SCF_INPUTS = ["name", "src", "events", "description", "role", "enableRoleAuth", "tags"];

function readFunction(root: YamlField, result: ManifestResult, context: ReadContext): ManifestFunction {
  const inputs = root.child("inputs");
  if (inputs.isSet && !inputs.isMap()) throw inputs.wrongType("a map of the function's settings");

  const nameField = inputs.child("name").isSet ? inputs.child("name") : root.child("name");
  if (!nameField.isSet) throw inputs.child("name").missing("the function name (inputs.name, or the instance name `name` at the top)");
  const name = inputs.child("name").isSet
    ? nameField.requireString("the function name")
    : `${nameField.requireString("the instance name")}-${instanceNames(root).stage}-${instanceNames(root).app}`;

  const { codeDir, srcField, packageExclude } = readSrc(root, inputs.child("src"));
  const { stage, app, instance } = instanceNames(root);
  const triggerContext: ScfTriggerContext = {
    functionName: name,
    defaultName: (type) => `${type}-${instance}-${stage}-${app}`,
    warn: context.warn,
  };

  const triggers = readScfEvents(inputs.child("events"), triggerContext, result.problems);
  warnUnknownInputs(inputs, SCF_INPUTS, context);

  // layers and image were read before (readScfLayers, refuseScfImage).
  return scfFunction({ name, nameField, own: inputs, codeDir, codeField: srcField, triggers, packageExclude, handled: ["layers", "image"] }, context);
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
    // The CLI's defaults: stage `dev`, app the instance name (https://cloud.tencent.com/document/product/1154/51080).
    if (!field.isSet && key === "stage") return "dev";
    if (!field.isSet && key === "app") return variable("name");
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
