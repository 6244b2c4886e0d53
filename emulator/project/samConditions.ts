import { ManifestError } from "./errors";
import { intrinsicName } from "./intrinsicTags";
import { intrinsicText, resolveKnownRefs, type TemplateScope } from "./samIntrinsics";
import { MAX_DEPTH, type YamlField } from "./yamlSource";

/**
 * Evaluates the template's `Conditions` into `scope.conditions` with the condition
 * functions CloudFormation allows there: Fn::Equals, Fn::And, Fn::Or, Fn::Not and
 * `Condition: Other`, over parameters, pseudo parameters and mappings.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-conditions.html
 * A condition that uses a parameter with no value is unknown (undefined): what depends on
 * it is left out with that reason. One written wrongly is an error at its line.
 */
export function readConditions(conditions: YamlField, scope: TemplateScope, problems: ManifestError[]): void {
  const fields = new Map(conditions.isMap() ? conditions.entries() : []);
  const evaluating = new Set<string>();
  const evaluate = (name: string): boolean | undefined => {
    if (scope.conditions.has(name)) return scope.conditions.get(name);
    const field = fields.get(name);
    if (!field) return undefined;
    if (evaluating.has(name) || evaluating.size > MAX_DEPTH) {
      throw field.fail(`condition ${name} depends on itself; expected conditions that end in Fn::Equals`);
    }
    evaluating.add(name);
    try {
      const value = condition(field.value, field, evaluate, scope);
      scope.conditions.set(name, value);
      return value;
    } finally {
      evaluating.delete(name);
    }
  };
  for (const name of fields.keys()) {
    try {
      evaluate(name);
    } catch (error) {
      if (!(error instanceof ManifestError)) throw error;
      scope.conditions.set(name, undefined);
      problems.push(error);
    }
  }
}

const EXPECTED = "a condition: Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition";

function condition(
  value: unknown,
  field: YamlField,
  named: (name: string) => boolean | undefined,
  scope: TemplateScope,
): boolean | undefined {
  const kind = intrinsicName(value);
  const argument = kind ? (value as Record<string, unknown>)[kind] : undefined;
  const each = (items: unknown): Array<boolean | undefined> => {
    if (!Array.isArray(items)) throw field.wrongType(`${kind} with a list of conditions`);
    return items.map((item) => condition(item, field, named, scope));
  };
  switch (kind) {
    case "Condition":
      if (typeof argument !== "string") throw field.wrongType("Condition: the name of another condition");
      return named(argument);
    case "Fn::Equals": {
      if (!Array.isArray(argument) || argument.length !== 2) throw field.wrongType("Fn::Equals with a list of two values");
      const [a, b] = argument.map((item) => intrinsicText(resolveKnownRefs(item, scope), scope));
      // CloudFormation compares the values as strings (`!Equals [!Ref Size, 128]` works).
      return a === undefined || b === undefined ? undefined : a === b;
    }
    case "Fn::Not": {
      const [inner] = each(argument);
      return inner === undefined ? undefined : !inner;
    }
    case "Fn::And": {
      const values = each(argument);
      if (values.includes(false)) return false;
      return values.includes(undefined) ? undefined : true;
    }
    case "Fn::Or": {
      const values = each(argument);
      if (values.includes(true)) return true;
      return values.includes(undefined) ? undefined : false;
    }
    default:
      throw field.wrongType(EXPECTED);
  }
}
