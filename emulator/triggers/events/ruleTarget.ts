/**
 * What a rule's target receives: the matched event, or the rule's Input (constant JSON
 * that replaces it), or the part of it InputPath selects. Only one may be given, as
 * CloudFormation's Target says ("you must use JSON dot notation", e.g. $.detail).
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-events-rule-target.html
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
 */
export interface TargetInput {
  input?: unknown;
  inputPath?: string;
}

/** `$`, `$.detail`, `$.detail.state`, `$.detail-type`: the JSON dot notation targets accept. */
const INPUT_PATH = /^\$(\.[^.[\]\s]+)*$/;

/** Undefined when the path is one Faasbox can follow, else what is expected. */
export function inputPathProblem(path: string): string | undefined {
  return INPUT_PATH.test(path) ? undefined : "a JSONPath in dot notation such as $.detail or $.detail.state";
}

export function targetPayload(target: TargetInput, event: Record<string, unknown>): unknown {
  if (target.input !== undefined) return target.input;
  if (target.inputPath === undefined) return event;
  let value: unknown = event;
  for (const key of target.inputPath.split(".").slice(1)) {
    // The docs do not say what a target gets when the path is absent from the event: null here.
    value = value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value ?? null;
}
