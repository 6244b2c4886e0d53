// Triggers declared as resources of their own rather than as a function's Events: plain
// CloudFormation AWS::Events::Rule (its Targets naming a function of the template) and
// AWS::Lambda::EventSourceMapping (an SQS queue, Kinesis stream or DynamoDB table stream
// feeding a function). They are wired as the equivalent SAM events are.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-events-rule.html
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-events-rule-target.html
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-eventsourcemapping.html
import { collectProblem, ManifestWarning } from "./errors";
import { intrinsicName } from "./intrinsicTags";
import { type ManifestFunction, type ManifestResult, type ReadContext } from "./manifestFunction";
import { readSqsEvent } from "./samEventSources";
import { readUrlConfig } from "./functionUrlConfig";
import { readBusName, readEventPattern, readRuleState, readTargetInput, ruleTriggers, RULE_NOT_EMULATED } from "./samEventRules";
import type { TemplateScope } from "./samIntrinsics";
import { readStreamEvent } from "./samStreamSources";
import { warnUnread } from "./unreadProperties";
import { isPlainMap, type YamlField } from "./yamlSource";

const FUNCTION_TYPES = ["AWS::Serverless::Function", "AWS::Lambda::Function"];
// Description and Name only describe the rule; RoleArn and Id have no local meaning (no IAM, no target ids).
const RULE_READ = ["EventPattern", "EventBusName", "ScheduleExpression", "State", "Targets", "Description", "Name", "RoleArn"];
const TARGET_READ = ["Arn", "Id", "Input", "InputPath", "RoleArn"];

/** The name a function resource is deployed under (samTemplate knows the rule). */
export type FunctionNameOf = (logicalId: string, resource: YamlField) => string;

/** Adds each rule's and mapping's trigger to the function it names; each resource's problem is its own. */
export function attachResourceTriggers(resources: YamlField, result: ManifestResult, scope: TemplateScope, warn: ReadContext["warn"], nameOf: FunctionNameOf): void {
  const finder = functionFinder(resources, result, nameOf);
  for (const [logicalId, resource] of resources.entries("a map of resources")) {
    const type = resource.child("Type").value;
    if (type !== "AWS::Events::Rule" && type !== "AWS::Lambda::EventSourceMapping" && type !== "AWS::Lambda::Url") continue;
    collectProblem(
      result.problems,
      () =>
        type === "AWS::Events::Rule" ? readRule(logicalId, resource, finder, scope, warn)
        : type === "AWS::Lambda::Url" ? readUrl(logicalId, resource, finder, warn)
        : readMapping(logicalId, resource, finder, scope, warn),
      () => resource.ref,
    );
  }
}

type Finder = (field: YamlField) => { fn?: ManifestFunction; local: boolean };

/**
 * A target or FunctionName as a function of this template: `!GetAtt F.Arn`, `!Ref F`, the
 * function's name or its ARN (…:function:NAME[:QUALIFIER]). `local` is false for a name
 * that is no function of the template; `fn` is missing too when the function failed to load
 * (its problem is already reported).
 */
function functionFinder(resources: YamlField, result: ManifestResult, nameOf: FunctionNameOf): Finder {
  const byName = (name: string) => result.functions.find((f) => f.spec.name === name);
  const failed = (name: string) => result.failedNames.includes(name);
  return (field) => {
    const value = field.value;
    const kind = intrinsicName(value);
    let logicalId: unknown;
    if (kind === "Ref") logicalId = (value as { Ref: unknown }).Ref;
    if (kind === "Fn::GetAtt") {
      const target = (value as { "Fn::GetAtt": unknown })["Fn::GetAtt"];
      logicalId = Array.isArray(target) ? target[0] : undefined;
    }
    if (typeof logicalId === "string") {
      const resource = resources.child(logicalId);
      if (!FUNCTION_TYPES.includes(resource.child("Type").value as string)) return { local: false };
      return { fn: byName(nameOf(logicalId, resource)), local: true };
    }
    if (typeof value === "string") {
      const name = value.startsWith("arn:") ? /:function:([^:]+)/.exec(value)?.[1] ?? value : value;
      return { fn: byName(name), local: byName(name) !== undefined || failed(name) };
    }
    return { local: false };
  };
}

function readRule(logicalId: string, resource: YamlField, find: Finder, scope: TemplateScope, warn: ReadContext["warn"]): void {
  const properties = resource.child("Properties");
  warnUnread(properties, RULE_READ, warn, {});
  const patternField = properties.child("EventPattern");
  const scheduleField = properties.child("ScheduleExpression");
  if (!patternField.isSet && !scheduleField.isSet) throw properties.missing("EventPattern or ScheduleExpression, as AWS::Events::Rule requires one");
  const pattern = patternField.isSet ? readEventPattern(patternField) : undefined;
  const schedule = scheduleField.string("a schedule such as rate(5 minutes) or cron(0 12 * * ? *)");
  const bus = readBusName(properties.child("EventBusName"), scope);
  const enabled = readRuleState(properties);
  for (const target of properties.child("Targets").items("a list of targets {Arn, Id}")) {
    if (!target.isMap()) throw target.wrongType("a target {Arn, Id}");
    warnUnread(target, TARGET_READ, warn, RULE_NOT_EMULATED);
    const arn = target.child("Arn");
    if (!arn.isSet) throw arn.missing("the target's ARN, such as !GetAtt MyFunction.Arn");
    const { fn, local } = find(arn);
    if (!local) {
      warn(ManifestWarning.at(arn.ref, "this target is not a function of this template: events the rule matches are not delivered to it locally"));
      continue;
    }
    if (!fn) continue;
    const input = readTargetInput(target);
    const triggers = ruleTriggers({ name: logicalId, bus, pattern, schedule, enabled, ...input }, target.child("InputPath"), warn);
    fn.spec.triggers.push(...triggers);
  }
}

function readMapping(logicalId: string, resource: YamlField, find: Finder, scope: TemplateScope, warn: ReadContext["warn"]): void {
  const properties = resource.child("Properties");
  const functionField = properties.child("FunctionName");
  if (!functionField.isSet) throw functionField.missing("the function, such as !Ref MyFunction");
  const { fn, local } = find(functionField);
  if (!local) {
    warn(ManifestWarning.at(functionField.ref, "this is not a function of this template: the mapping is not emulated"));
    return;
  }
  const sourceField = properties.child("EventSourceArn");
  const source = sourceKind(sourceField, scope);
  const alsoRead = ["FunctionName"];
  const trigger =
    source === "sqs"
      ? readSqsEvent(logicalId, properties, scope, warn, "EventSourceArn", alsoRead)
      : readStreamEvent(logicalId, properties, source, scope, warn, "EventSourceArn", alsoRead);
  if (fn && trigger) fn.spec.triggers.push(trigger);
}

/**
 * An AWS::Lambda::Url: the function its TargetFunctionArn names gets the URL
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-url.html).
 * A Qualifier (an alias) changes nothing locally: there are no versions or aliases.
 */
function readUrl(logicalId: string, resource: YamlField, find: Finder, warn: ReadContext["warn"]): void {
  const properties = resource.child("Properties");
  const target = properties.child("TargetFunctionArn");
  if (!target.isSet) throw target.missing("the function, such as !GetAtt MyFunction.Arn");
  const { fn, local } = find(target);
  if (!local) {
    warn(ManifestWarning.at(target.ref, "this is not a function of this template: its URL is not served locally"));
    return;
  }
  warnUnread(properties, ["TargetFunctionArn", "AuthType", "Cors", "InvokeMode", "Qualifier"], warn, {});
  const url = readUrlConfig(properties, logicalId);
  if (fn && !fn.spec.triggers.some((t) => t.kind === "url")) fn.spec.triggers.push(url);
  else if (fn) warn(ManifestWarning.at(resource.ref, `${fn.spec.name} already has a function URL: this one is not served (a function has one URL per alias; there are no aliases locally)`));
}

/** What the mapping reads, from the ARN's service or the type of the resource it refers to. */
function sourceKind(field: YamlField, scope: TemplateScope): "sqs" | "kinesis" | "dynamodb" {
  const expected = "the ARN of an SQS queue, a Kinesis stream or a DynamoDB table's stream (Kafka, MQ and DocumentDB sources are not emulated)";
  const value = field.value;
  if (!field.isSet) throw field.missing(expected);
  if (typeof value === "string") {
    const service = value.split(":")[2];
    if (service === "sqs" || service === "kinesis" || service === "dynamodb") return service;
    throw field.wrongType(expected);
  }
  const kind = intrinsicName(value);
  const argument = kind ? (value as Record<string, unknown>)[kind] : undefined;
  const logicalId = kind === "Ref" ? argument : kind === "Fn::GetAtt" && Array.isArray(argument) ? argument[0] : undefined;
  const resource = typeof logicalId === "string" ? scope.resources[logicalId] : undefined;
  const type = isPlainMap(resource) ? resource.Type : undefined;
  if (type === "AWS::SQS::Queue") return "sqs";
  if (type === "AWS::Kinesis::Stream") return "kinesis";
  if (type === "AWS::DynamoDB::Table" || type === "AWS::DynamoDB::GlobalTable") return "dynamodb";
  throw field.wrongType(expected);
}
