import { intrinsicName } from "./intrinsicTags";
import { isPlainMap, type YamlField } from "./yamlSource";

/**
 * The little of CloudFormation's intrinsic functions that can be known without deploying:
 * template parameters with a default, a few pseudo parameters, and logical ids. It lets
 * `Runtime: !Ref Runtime` or `Topic: !Ref Orders` mean something locally.
 */
export interface TemplateScope {
  /** Resources by logical id (plain data). */
  resources: Record<string, unknown>;
  /** Parameter defaults by name. */
  parameters: Record<string, unknown>;
  region: string;
}

/** Lambda's documentation account id: stable, obviously fake, and the right shape for ARNs. */
const LOCAL_ACCOUNT_ID = "123456789012";

export function templateScope(template: unknown, region: string): TemplateScope {
  const data = isPlainMap(template) ? template : {};
  const resources = isPlainMap(data.Resources) ? data.Resources : {};
  const parameters: Record<string, unknown> = {};
  if (isPlainMap(data.Parameters)) {
    for (const [name, parameter] of Object.entries(data.Parameters)) {
      if (isPlainMap(parameter) && parameter.Default !== undefined) parameters[name] = parameter.Default;
    }
  }
  return { resources, parameters, region };
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
  if (Array.isArray(value)) return value.map((item) => resolveKnownRefs(item, scope));
  if (!isPlainMap(value)) return value;
  if (intrinsicName(value) === "Ref" && typeof value.Ref === "string") {
    const known = pseudoParameter(value.Ref, scope);
    if (known) return known.value;
    return value;
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveKnownRefs(item, scope)]));
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
  if (known) return known.value === undefined ? undefined : String(known.value);
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
