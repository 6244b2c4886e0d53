import { ManifestWarning } from "./errors";
import type { ReadContext } from "./manifestFunction";
import { isPlainMap, type YamlField } from "./yamlSource";

/**
 * Serverless Components v1 let an instance's inputs use another instance's outputs:
 * `${Conf.mysql_host}`. The `serverless-global` component's outputs are its own inputs
 * (https://infoq.cn/article/Y0zWZ6iBui2279PhVt3V, the component written for exactly this), so
 * those are known locally; any other instance's outputs exist only once it is deployed,
 * and such a reference stays as written, told as a warning at its field.
 */
const GLOBAL_COMPONENT = /^serverless-global(@.+)?$/;
const REFERENCE = /\$\{\s*([\w-]+)\.([\w.-]+)\s*\}/g;

/** The value of `field` with every `${instance.key}` that can be known locally replaced. */
export function resolveInstanceOutputs(field: YamlField, root: YamlField, context: ReadContext): unknown {
  if (typeof field.value === "string") return substitute(field, root, context);
  if (Array.isArray(field.value)) return field.value.map((_, index) => resolveInstanceOutputs(field.child(index), root, context));
  if (isPlainMap(field.value)) {
    return Object.fromEntries(Object.keys(field.value).map((key) => [key, resolveInstanceOutputs(field.child(key), root, context)]));
  }
  return field.value;
}

export function isGlobalComponent(component: string): boolean {
  return GLOBAL_COMPONENT.test(component.trim());
}

function substitute(field: YamlField, root: YamlField, context: ReadContext): unknown {
  const text = field.value as string;
  const unknown: string[] = [];
  const lookup = (instance: string, path: string): unknown => {
    const target = root.child(instance);
    const component = target.child("component").value;
    if (typeof component !== "string" || !isGlobalComponent(component)) return undefined;
    let value: unknown = target.child("inputs").value;
    for (const key of path.split(".")) value = isPlainMap(value) ? value[key] : undefined;
    return value;
  };
  // A whole-value reference keeps its type (a port stays a number), as an output would.
  const whole = new RegExp(`^${REFERENCE.source}$`).exec(text);
  if (whole) {
    const value = lookup(whole[1], whole[2]);
    if (value !== undefined && value !== null) return value;
  }
  const result = text.replace(REFERENCE, (reference, instance: string, path: string) => {
    const value = lookup(instance, path);
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return String(value);
    unknown.push(reference);
    return reference;
  });
  if (unknown.length > 0) {
    context.warn(
      ManifestWarning.at(
        field.ref,
        `${unknown.join(", ")} is another instance's output, filled in by the component CLI when deploying; ` +
          "it is not known locally, so the text stays as written. Set the value the function needs in .env or faasbox.yml",
      ),
    );
  }
  return result;
}
