import type { ManifestError } from "./errors";
import { intrinsicName } from "./intrinsicTags";
import { findInMap, referencedNames, type TemplateScope } from "./samIntrinsics";
import { mapData, type YamlField } from "./yamlSource";

/**
 * The first place under `field` whose intrinsic cannot be resolved although CloudFormation
 * would have to (a parameter with no value, a `!FindInMap` key not in the map, an `!If` on
 * an unknown condition), as the error that leaves the function out. Such a value would
 * otherwise silently become "" or a confusing type error further on.
 */
export function unresolvedIntrinsic(field: YamlField, scope: TemplateScope): ManifestError | undefined {
  if (intrinsicName(field.value)) {
    const problem = intrinsicProblem(field.value, scope);
    return problem === undefined ? undefined : field.fail(problem);
  }
  for (const child of field.isMap() ? field.entries().map(([, value]) => value) : Array.isArray(field.value) ? field.items() : []) {
    const found = unresolvedIntrinsic(child, scope);
    if (found) return found;
  }
  return undefined;
}

function intrinsicProblem(value: unknown, scope: TemplateScope): string | undefined {
  const unset = referencedNames(value).find((name) => scope.unsetParameters.has(name));
  if (unset) return `uses parameter ${unset}, which has no usable value: ${scope.unsetParameters.get(unset)}`;
  let problem: string | undefined;
  mapData(value, (item) => {
    if (problem !== undefined) return { value: item };
    const kind = intrinsicName(item);
    const argument = kind ? (item as Record<string, unknown>)[kind] : undefined;
    if (kind === "Fn::FindInMap" && !findInMap(argument, scope)) {
      problem = `${describeLookup(argument)} finds nothing in the template's Mappings; expected [MapName, TopLevelKey, SecondLevelKey] naming an entry of Mappings`;
    }
    if (kind === "Fn::If") {
      const name = Array.isArray(argument) ? argument[0] : undefined;
      problem =
        typeof name === "string" && !scope.conditions.has(name)
          ? `Fn::If names condition ${JSON.stringify(name)}, which is not in Conditions; expected the name of a condition`
          : `Fn::If on condition ${JSON.stringify(name)}, whose value cannot be known (see the errors at Conditions or Parameters); expected [Condition, ValueIfTrue, ValueIfFalse]`;
    }
    return undefined;
  });
  return problem;
}

function describeLookup(argument: unknown): string {
  return `Fn::FindInMap ${JSON.stringify(argument)}`;
}
