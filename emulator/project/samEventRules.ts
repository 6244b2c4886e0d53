// EventBridge rules that target a function: SAM's `EventBridgeRule` and `CloudWatchEvent`
// event types, and the parts AWS::Events::Rule shares with them (pattern, bus, target input).
// https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-eventbridgerule.html
// https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-cloudwatchevent.html
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-events-rule.html
import { ManifestWarning } from "./errors";
import { compact, type ReadContext } from "./manifestFunction";
import { readPattern } from "./patternField";
import { resourceName, type TemplateScope } from "./samIntrinsics";
import type { EventRuleTrigger, TimerTrigger, TriggerSpec } from "./spec";
import { warnUnread } from "./unreadProperties";
import type { YamlField } from "./yamlSource";
import type { EventPattern } from "../triggers/eventPattern";
import { inputPathProblem } from "../triggers/events/ruleTarget";

/** What each rule or target property means locally, for those read but not emulated. */
export const RULE_NOT_EMULATED: Record<string, string> = {
  InputTransformer: "the function receives the whole matched event, not transformed",
  DeadLetterConfig: "EventBridge's dead-letter queue is not emulated; an event whose invocation fails every retry goes to Faasbox's dead letters (faasbox dlq)",
  RetryPolicy: "the local asynchronous queue retries a failed invocation twice, then dead-letters it (faasbox dlq)",
};
// Target (SAM) only gives the target an Id, and RuleName only names the rule in the cloud: neither changes what runs.
const RULE_READ = ["Pattern", "EventBusName", "Input", "InputPath", "State", "Enabled", "RuleName", "Target"];

/** SAM `Type: EventBridgeRule` or `Type: CloudWatchEvent` (the older name of the same thing). */
export function readRuleEvent(eventName: string, properties: YamlField, scope: TemplateScope, warn: ReadContext["warn"]): EventRuleTrigger {
  warnUnread(properties, RULE_READ, warn, RULE_NOT_EMULATED);
  const pattern = properties.child("Pattern");
  if (!pattern.isSet) throw pattern.missing('an event pattern such as {source: [my.app]}');
  return compact<EventRuleTrigger>({
    kind: "eventRule",
    name: eventName,
    bus: readBusName(properties.child("EventBusName"), scope),
    pattern: readEventPattern(pattern),
    enabled: readRuleState(properties),
    ...readTargetInput(properties),
  });
}

/** A YAML map, or (CloudFormation's EventPattern) a JSON string. */
export function readEventPattern(field: YamlField): EventPattern {
  return readPattern(field, "an EventBridge event pattern such as {source: [my.app], detail-type: [Order Placed]}");
}

/** What a rule's target receives and when, whatever the manifest calls each setting. */
export interface RuleSettings {
  name: string;
  bus: string;
  pattern?: EventPattern;
  /** A schedule expression: the rule also fires on its own, as EventBridge's PutRule allows both. */
  schedule?: string;
  enabled: boolean;
  input?: unknown;
  inputPath?: string;
}

/**
 * A rule's triggers: an event rule for its pattern, a timer for its schedule (both when it has
 * both). https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html
 * `inputPathField` is where InputPath is written, to say it does nothing on a schedule.
 */
export function ruleTriggers(rule: RuleSettings, inputPathField: YamlField, warn: ReadContext["warn"]): TriggerSpec[] {
  const { name, bus, pattern, schedule, enabled, input, inputPath } = rule;
  const triggers: TriggerSpec[] = [];
  if (pattern) triggers.push(compact<EventRuleTrigger>({ kind: "eventRule", name, bus, pattern, enabled, input, inputPath }));
  if (schedule !== undefined) {
    // A scheduled rule's event has no part worth selecting: InputPath is said, and the whole event delivered.
    if (inputPath !== undefined) warn(ManifestWarning.at(inputPathField.ref, `${String(inputPathField.path.at(-1))} is not emulated on a scheduled rule: the whole Scheduled Event is delivered`));
    triggers.push(compact<TimerTrigger>({ kind: "timer", name, schedule, enabled, input }));
  }
  return triggers;
}

/** No EventBusName is the account's "default" bus; a name, an ARN (…:event-bus/NAME), !Ref or !GetAtt of an AWS::Events::EventBus. */
export function readBusName(field: YamlField, scope: TemplateScope): string {
  if (!field.isSet) return "default";
  const name = resourceName(field, "Name", scope, "an event bus name");
  return name.startsWith("event-bus/") ? name.slice("event-bus/".length) : name;
}

/** State: ENABLED (default), DISABLED or ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS; SAM's CloudWatchEvent also has Enabled. */
export function readRuleState(properties: YamlField): boolean {
  const states = ["ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"];
  const state = properties.child("State");
  const value = state.string(states.join(", "));
  if (value !== undefined && !states.includes(value)) throw state.wrongType(states.join(", "));
  return properties.child("Enabled").boolean() ?? value !== "DISABLED";
}

/** Input (a JSON string that replaces the event) or InputPath (the part of the event delivered), not both. */
export function readTargetInput(target: YamlField): { input?: unknown; inputPath?: string } {
  const inputField = target.child("Input");
  const pathField = target.child("InputPath");
  if (inputField.isSet && pathField.isSet) throw pathField.fail("Input and InputPath cannot both be given; expected one of them, as CloudFormation requires");
  const text = inputField.string('a JSON string such as \'{"key": "value"}\'');
  let input: unknown;
  if (text !== undefined) {
    try {
      input = JSON.parse(text) as unknown;
    } catch (error) {
      throw inputField.fail(`not valid JSON (${(error as Error).message}); expected a JSON string such as '{"key": "value"}'`);
    }
  }
  return { input, inputPath: readInputPath(pathField) };
}

/** InputPath: a JSONPath into the event, checked as EventBridge checks it. */
export function readInputPath(field: YamlField): string | undefined {
  const inputPath = field.string("a JSONPath such as $.detail");
  const problem = inputPath === undefined ? undefined : inputPathProblem(inputPath);
  if (problem) throw field.wrongType(problem);
  return inputPath;
}
