import type { ManifestError } from "./errors";
import { intrinsicName } from "./intrinsicTags";
import { intrinsicText, referencedNames, resolveKnownRefs, type TemplateScope } from "./samIntrinsics";
import { MAX_DEPTH, type YamlField } from "./yamlSource";

/**
 * Fills `scope.parameters` with each parameter's value: the one the user gave
 * (`--parameter-overrides`, a parameters file), else its `Default`. A parameter with
 * neither, or whose value is not in its `AllowedValues`, would make CloudFormation refuse
 * the stack; here it is an error at the parameter, and it goes into `unsetParameters`
 * so that the functions using it are left out saying why (the others still load).
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html
 *
 * CloudFormation wants plain defaults, but a default written as `!Ref Other` or
 * `!Sub "${Other}-x"` is resolved as far as it can be. One that leads back to itself
 * (`A: !Ref B`, `B: !Ref A`) is an error at the default that starts the loop.
 */
export function readParameters(
  parameters: YamlField,
  scope: TemplateScope,
  given: Readonly<Record<string, string>>,
  problems: ManifestError[],
): void {
  const declared = new Map<string, YamlField>();
  if (parameters.isMap()) for (const [name, parameter] of parameters.entries()) declared.set(name, parameter);
  const chain: string[] = [];
  const unset = (parameter: YamlField, name: string, problem: string) => {
    scope.unsetParameters.set(name, `${problem} (${parameter.source.file}:${parameter.line})`);
    problems.push(parameter.fail(problem));
  };
  const resolve = (name: string): void => {
    if (Object.hasOwn(scope.parameters, name) || scope.unsetParameters.has(name)) return;
    const parameter = declared.get(name);
    if (!parameter) return;
    if (Object.hasOwn(given, name)) {
      scope.parameters[name] = typedValue(given[name], parameter);
    } else {
      const field = parameter.child("Default");
      if (!field.isSet) {
        return unset(
          parameter,
          name,
          `parameter ${name} has no Default and no value was given; expected a Default, or faasbox start --parameter-overrides ${name}=VALUE (or --parameters-file)`,
        );
      }
      const start = chain.indexOf(name);
      if (start >= 0) {
        const loop = [...chain.slice(start), name].join(" → ");
        throw field.fail(`refers back to itself (${loop}); expected a default that does not depend on its own value`);
      }
      // Recursion follows the chain: keep it as short as any other nesting in a manifest.
      if (chain.length >= MAX_DEPTH) throw field.fail(`is at the end of more than ${MAX_DEPTH} references; expected a shorter chain`);
      chain.push(name);
      for (const reference of referencedNames(field.value)) resolve(reference);
      chain.pop();
      const missing = referencedNames(field.value).find((reference) => scope.unsetParameters.has(reference));
      if (missing) return unset(parameter, name, `parameter ${name}'s Default uses parameter ${missing}, which has no value`);
      const kind = intrinsicName(field.value);
      const text = kind && kind !== "Ref" ? intrinsicText(field.value, scope) : undefined;
      scope.parameters[name] = text ?? resolveKnownRefs(field.value, scope);
    }
    checkAllowedValues(parameter, name, scope, unset);
  };
  // A loop in defaults throws: the template cannot be read as a whole (a mistake no real template keeps).
  for (const name of declared.keys()) resolve(name);
}

/**
 * A given value is text; `CommaDelimitedList` and `List<...>` parameters are lists, as
 * `Ref` gives them (same page as above, "Type").
 */
function typedValue(text: string, parameter: YamlField): unknown {
  const type = parameter.child("Type").value;
  if (typeof type === "string" && (type === "CommaDelimitedList" || type.startsWith("List<"))) {
    return text.split(",").map((item) => item.trim());
  }
  return text;
}

function checkAllowedValues(
  parameter: YamlField,
  name: string,
  scope: TemplateScope,
  unset: (parameter: YamlField, name: string, problem: string) => void,
): void {
  const allowed = parameter.child("AllowedValues").value;
  if (!Array.isArray(allowed)) return;
  const value = scope.parameters[name];
  // Numbers in AllowedValues (`[128, 256]`) match the text CloudFormation passes.
  if (allowed.some((option) => String(option) === String(value))) return;
  delete scope.parameters[name];
  unset(parameter, name, `parameter ${name} is ${JSON.stringify(value)}, not one of its AllowedValues ${allowed.map(String).join(", ")}`);
}
