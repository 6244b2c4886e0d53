import { intrinsicName } from "./intrinsicTags";
import { isPlainMap, mapData, type YamlField } from "./yamlSource";

/**
 * What a template's intrinsic functions can be resolved against without deploying:
 * parameters (given or defaulted), pseudo parameters, mappings, conditions and logical
 * ids. It lets `Runtime: !Ref Runtime`, `!FindInMap` or `!If` mean something locally.
 * samScope.ts builds it.
 */
export interface TemplateScope {
  /** Resources by logical id (plain data). */
  resources: Record<string, unknown>;
  /** Parameter values by name (given, else the Default), with what they refer to resolved. */
  parameters: Record<string, unknown>;
  /**
   * Parameters that have no usable value (no Default and none given, or one not in its
   * AllowedValues), with why: a function using one is left out with that reason.
   */
  unsetParameters: Map<string, string>;
  /** The template's Mappings (plain data). */
  mappings: Record<string, unknown>;
  /** Each condition's value; undefined where it cannot be known (it uses an unset parameter). */
  conditions: Map<string, boolean | undefined>;
  /** Pseudo parameters by name (`AWS::Region`...), see samScope.ts for their local values. */
  pseudo: Record<string, string>;
}

/** The names a value refers to: `!Ref X` and the `${X}` of `!Sub` (not its own variables, nor `${X.Attr}`). */
export function referencedNames(value: unknown): string[] {
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

/** A parameter's or pseudo parameter's value; undefined when `name` is neither (a logical id, a typo). */
function knownName(name: string, scope: TemplateScope): { value: unknown } | undefined {
  // AWS::NoValue removes the property it stands for, as in CloudFormation:
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html#cfn-pseudo-param-novalue
  if (name === "AWS::NoValue") return { value: undefined };
  if (Object.hasOwn(scope.parameters, name)) return { value: scope.parameters[name] };
  if (Object.hasOwn(scope.pseudo, name)) return { value: scope.pseudo[name] };
  return undefined;
}

/**
 * Replaces every intrinsic whose value is known locally by that value: `Ref` to a
 * parameter or pseudo parameter, `Fn::FindInMap` with known keys, `Fn::If` on a known
 * condition (`!If [C, a, b]` picks a or b, then resolved in turn). The rest stay for the
 * reader to judge (samResolution.ts tells which of them leave a function out).
 */
export function resolveKnownRefs(value: unknown, scope: TemplateScope): unknown {
  return mapData(value, (item) => {
    const kind = intrinsicName(item);
    if (!kind) return undefined;
    const argument = (item as Record<string, unknown>)[kind];
    if (kind === "Ref") return (typeof argument === "string" && knownName(argument, scope)) || { value: item };
    if (kind === "Fn::FindInMap") {
      const found = findInMap(argument, scope);
      return found ?? { value: item };
    }
    if (kind === "Fn::If" && Array.isArray(argument) && argument.length === 3 && typeof argument[0] === "string") {
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-conditions.html#intrinsic-function-reference-conditions-if
      const condition = scope.conditions.get(argument[0]);
      if (condition === undefined) return { value: item };
      return { value: resolveKnownRefs(condition ? argument[1] : argument[2], scope) };
    }
    return undefined;
  });
}

/**
 * `Fn::FindInMap: [MapName, TopLevelKey, SecondLevelKey]`, each key possibly `!Ref` to a
 * parameter or pseudo parameter; undefined when a key is not known or not in the map.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-findinmap.html
 */
export function findInMap(argument: unknown, scope: TemplateScope): { value: unknown } | undefined {
  if (!Array.isArray(argument) || argument.length !== 3) return undefined;
  const keys = argument.map((key) => intrinsicText(resolveKnownRefs(key, scope), scope));
  if (keys.some((key) => key === undefined)) return undefined;
  const [mapName, top, second] = keys as string[];
  const map = scope.mappings[mapName];
  const level = isPlainMap(map) ? map[top] : undefined;
  if (!isPlainMap(level) || !Object.hasOwn(level, second)) return undefined;
  return { value: level[second] };
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

export function intrinsicText(value: unknown, scope: TemplateScope): string | undefined {
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return String(value);
  const kind = intrinsicName(value);
  const argument = kind ? (value as Record<string, unknown>)[kind] : undefined;
  if (kind === "Ref" && typeof argument === "string") return refText(argument, scope);
  if (kind === "Fn::FindInMap") {
    const found = findInMap(argument, scope);
    return found ? intrinsicText(found.value, scope) : undefined;
  }
  if (kind === "Fn::Sub") {
    const [template, variables] = Array.isArray(argument) ? argument : [argument, {}];
    if (typeof template !== "string") return undefined;
    return substitute(template, isPlainMap(variables) ? variables : {}, scope);
  }
  if (kind === "Fn::GetAtt" && Array.isArray(argument) && typeof argument[0] === "string" && typeof argument[1] === "string") {
    return attributePlaceholder(argument[0], argument[1], scope);
  }
  // An export of another stack: its name stands for it (there is no other stack locally).
  if (kind === "Fn::ImportValue" && typeof argument === "string") return argument;
  if (kind === "Fn::Join" && Array.isArray(argument) && typeof argument[0] === "string" && Array.isArray(argument[1])) {
    const parts = argument[1].map((part) => intrinsicText(part, scope));
    return parts.every((part) => part !== undefined) ? parts.join(argument[0]) : undefined;
  }
  return undefined;
}

function refText(name: string, scope: TemplateScope): string | undefined {
  const known = knownName(name, scope);
  // A default that stayed an intrinsic (`!GetAZs`) has no text here.
  if (known) return known.value === undefined || isPlainMap(known.value) ? undefined : String(known.value);
  return Object.hasOwn(scope.resources, name) ? name : undefined;
}

function substitute(template: string, variables: Record<string, unknown>, scope: TemplateScope): string | undefined {
  let unresolved = false;
  const text = template.replace(/\$\{([^}]*)\}/g, (_whole, name: string) => {
    // `${!Literal}` is Sub's escape for a literal `${Literal}`.
    if (name.startsWith("!")) return `\${${name.slice(1)}}`;
    const dot = name.indexOf(".");
    const resolved = Object.hasOwn(variables, name)
      ? intrinsicText(variables[name], scope)
      : dot > 0 && !name.startsWith("AWS::")
        ? attributePlaceholder(name.slice(0, dot), name.slice(dot + 1), scope)
        : refText(name, scope);
    if (resolved === undefined) unresolved = true;
    return resolved ?? "";
  });
  return unresolved ? undefined : text;
}

/**
 * Stands in for `!GetAtt Resource.Attribute` of a resource that does not exist locally
 * (a table, a bucket): `Arn` gives an ARN-shaped string for the resource's service, local
 * account and region, ending in the resource's name (`arn:aws:dynamodb:us-east-1:123456789012:Orders`);
 * any other attribute gives `Resource.Attribute`. The docs say nothing of local values
 * here; these are Faasbox's, chosen to be recognisable, and each use is a warning.
 */
export function attributePlaceholder(logicalId: string, attribute: string, scope: TemplateScope): string | undefined {
  if (!Object.hasOwn(scope.resources, logicalId)) return undefined;
  if (attribute !== "Arn") return `${logicalId}.${attribute}`;
  const resource = scope.resources[logicalId];
  const type = isPlainMap(resource) && typeof resource.Type === "string" ? resource.Type : "";
  const service = type.split("::")[1]?.toLowerCase() || "local";
  return `arn:${scope.pseudo["AWS::Partition"]}:${service}:${scope.pseudo["AWS::Region"]}:${scope.pseudo["AWS::AccountId"]}:${logicalId}`;
}

/** The resources (or other stacks' exports) a value stands in for, by logical id: what makes it a local placeholder. */
export function placeholderSources(value: unknown, scope: TemplateScope): string[] {
  const sources: string[] = [];
  mapData(value, (item) => {
    const kind = intrinsicName(item);
    const argument = kind ? (item as Record<string, unknown>)[kind] : undefined;
    if (kind === "Ref" && typeof argument === "string" && !knownName(argument, scope) && Object.hasOwn(scope.resources, argument)) {
      sources.push(`!Ref ${argument}`);
    }
    if (kind === "Fn::GetAtt" && Array.isArray(argument)) sources.push(`!GetAtt ${argument.join(".")}`);
    if (kind === "Fn::ImportValue") sources.push(`!ImportValue ${JSON.stringify(argument)}`);
    if (kind === "Fn::Sub") {
      const [template] = Array.isArray(argument) ? argument : [argument];
      if (typeof template === "string") {
        for (const [, name] of template.matchAll(/\$\{([^}!][^}]*)\}/g)) {
          const id = name.split(".")[0];
          if (!knownName(name, scope) && Object.hasOwn(scope.resources, id)) sources.push(`\${${name}}`);
        }
      }
    }
    return undefined;
  });
  return sources;
}
