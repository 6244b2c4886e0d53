import { intrinsicName } from "./intrinsicTags";
import { MAX_DEPTH, isPlainMap, mapData, type YamlField } from "./yamlSource";

/**
 * The little of CloudFormation's intrinsic functions that can be known without deploying:
 * template parameters with a default, a few pseudo parameters, and logical ids. It lets
 * `Runtime: !Ref Runtime` or `Topic: !Ref Orders` mean something locally.
 */
export interface TemplateScope {
  /** Resources by logical id (plain data). */
  resources: Record<string, unknown>;
  /** Parameter defaults by name, with the parameters and pseudo parameters they refer to resolved. */
  parameters: Record<string, unknown>;
  region: string;
}

/** Lambda's documentation account id: stable, obviously fake, and the right shape for ARNs. */
const LOCAL_ACCOUNT_ID = "123456789012";

export function templateScope(template: YamlField, region: string): TemplateScope {
  const data = isPlainMap(template.value) ? template.value : {};
  const resources = isPlainMap(data.Resources) ? data.Resources : {};
  const scope: TemplateScope = { resources, parameters: {}, region };
  resolveParameters(template.child("Parameters"), scope);
  return scope;
}

/**
 * CloudFormation wants plain parameter defaults, but a default written as `!Ref Other` or
 * `!Sub "${Other}-x"` is resolved here as far as it can be, so that it means the same
 * wherever it is used. One that leads back to itself (`A: !Ref B`, `B: !Ref A`) is an
 * error at the default that starts the loop, naming the chain.
 */
function resolveParameters(parameters: YamlField, scope: TemplateScope): void {
  const defaults = new Map<string, YamlField>();
  if (parameters.isMap()) {
    for (const [name, parameter] of parameters.entries()) {
      const value = parameter.child("Default");
      if (parameter.isMap() && value.value !== undefined) defaults.set(name, value);
    }
  }
  const chain: string[] = [];
  const resolve = (name: string): void => {
    if (Object.hasOwn(scope.parameters, name)) return;
    const field = defaults.get(name);
    if (!field) return;
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
    const kind = intrinsicName(field.value);
    const text = kind && kind !== "Ref" ? intrinsicText(field.value, scope) : undefined;
    scope.parameters[name] = text ?? resolveKnownRefs(field.value, scope);
  };
  for (const name of defaults.keys()) resolve(name);
}

/** The names a value refers to: `!Ref X` and the `${X}` of `!Sub` (not its own variables, nor `${X.Attr}`). */
function referencedNames(value: unknown): string[] {
  const names: string[] = [];
  // mapData as a walk: the copy it makes is dropped.
  mapData(value, (item) => {
    const kind = intrinsicName(item);
    const argument = kind ? (item as Record<string, unknown>)[kind] : undefined;
    if (kind === "Ref" && typeof argument === "string") names.push(argument);
    if (kind === "Fn::Sub") {
      const [template, variables] = Array.isArray(argument) ? argument : [argument, {}];
      const own = isPlainMap(variables) ? variables : {};
      if (typeof template === "string") {
        for (const [, name] of template.matchAll(/\$\{([^}!][^}]*)\}/g)) {
          if (!Object.hasOwn(own, name) && !name.includes(".")) names.push(name);
        }
      }
      names.push(...referencedNames(Object.values(own)));
      return { value: item }; // its parts are looked at above
    }
    return undefined;
  });
  return names;
}

function pseudoParameter(name: string, scope: TemplateScope): { value: unknown } | undefined {
  switch (name) {
    case "AWS::Region":
      return { value: scope.region };
    case "AWS::AccountId":
      return { value: LOCAL_ACCOUNT_ID };
    case "AWS::Partition":
      return { value: "aws" };
    case "AWS::URLSuffix":
      return { value: "amazonaws.com" };
    case "AWS::NoValue":
      return { value: undefined };
    default:
      return Object.hasOwn(scope.parameters, name) ? { value: scope.parameters[name] } : undefined;
  }
}

/**
 * Replaces every `{Ref: P}` whose value is known (a parameter default, a pseudo
 * parameter) by that value; other intrinsics stay for the reader to judge. `AWS::NoValue`
 * removes the property, as it does in CloudFormation.
 */
export function resolveKnownRefs(value: unknown, scope: TemplateScope): unknown {
  return mapData(value, (item) => {
    if (intrinsicName(item) !== "Ref") return undefined;
    const name = (item as { Ref: unknown }).Ref;
    // Parameters' values are already resolved (templateScope), so this never follows a chain.
    return (typeof name === "string" && pseudoParameter(name, scope)) || { value: item };
  });
}

/**
 * A topic, queue or bucket an event subscribes to, as the local broker names it: a plain
 * name, the last segment of an ARN, or for `!Ref X` / `!GetAtt X.Arn` the name the
 * resource X gives itself (`nameProperty`, e.g. QueueName), else its logical id.
 */
export function resourceName(field: YamlField, nameProperty: string, scope: TemplateScope, expected: string): string {
  const value = field.value;
  if (typeof value === "string" && value !== "") {
    return value.startsWith("arn:") ? value.slice(value.lastIndexOf(":") + 1) : value;
  }
  const kind = intrinsicName(value);
  let logicalId: unknown;
  if (kind === "Ref") logicalId = (value as { Ref: unknown }).Ref;
  if (kind === "Fn::GetAtt") {
    const target = (value as { "Fn::GetAtt": unknown })["Fn::GetAtt"];
    logicalId = Array.isArray(target) ? target[0] : undefined;
  }
  if (typeof logicalId !== "string") {
    if (!field.isSet) throw field.missing(expected);
    throw field.wrongType(`${expected}: a name, an ARN, !Ref or !GetAtt`);
  }
  const resource = scope.resources[logicalId];
  const properties = isPlainMap(resource) && isPlainMap(resource.Properties) ? resource.Properties : {};
  const ownName = properties[nameProperty];
  return typeof ownName === "string" && ownName !== "" ? ownName : logicalId;
}

/**
 * An environment variable's value. Intrinsics that can be computed locally are (a Ref
 * to a resource gives its logical id, as `sam local` does); the rest become "" like
 * `sam local` makes them, so code that reads the variable at import still starts.
 */
export function variableText(value: unknown, scope: TemplateScope): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return String(value);
  return intrinsicText(value, scope) ?? "";
}

function intrinsicText(value: unknown, scope: TemplateScope): string | undefined {
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return String(value);
  const kind = intrinsicName(value);
  const argument = kind ? (value as Record<string, unknown>)[kind] : undefined;
  if (kind === "Ref" && typeof argument === "string") return refText(argument, scope);
  if (kind === "Fn::Sub") {
    const [template, variables] = Array.isArray(argument) ? argument : [argument, {}];
    if (typeof template !== "string") return undefined;
    return substitute(template, isPlainMap(variables) ? variables : {}, scope);
  }
  if (kind === "Fn::Join" && Array.isArray(argument) && typeof argument[0] === "string" && Array.isArray(argument[1])) {
    const parts = argument[1].map((part) => intrinsicText(part, scope));
    return parts.every((part) => part !== undefined) ? parts.join(argument[0]) : undefined;
  }
  return undefined;
}

function refText(name: string, scope: TemplateScope): string | undefined {
  const known = pseudoParameter(name, scope);
  // A default that stayed an intrinsic (`!GetAZs`) has no text here.
  if (known) return known.value === undefined || isPlainMap(known.value) ? undefined : String(known.value);
  return Object.hasOwn(scope.resources, name) ? name : undefined;
}

function substitute(template: string, variables: Record<string, unknown>, scope: TemplateScope): string | undefined {
  let unresolved = false;
  const text = template.replace(/\$\{([^}]*)\}/g, (_whole, name: string) => {
    // `${!Literal}` is Sub's escape for a literal `${Literal}`.
    if (name.startsWith("!")) return `\${${name.slice(1)}}`;
    const resolved = Object.hasOwn(variables, name) ? intrinsicText(variables[name], scope) : refText(name, scope);
    if (resolved === undefined) unresolved = true;
    return resolved ?? "";
  });
  return unresolved ? undefined : text;
}
