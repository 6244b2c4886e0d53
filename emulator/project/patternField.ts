import type { YamlField } from "./yamlSource";
import { checkPattern, parsePatternText, PatternError, type EventPattern } from "../triggers/eventPattern";

/**
 * An EventBridge event pattern or a Lambda filter pattern (the same grammar), written as a
 * YAML map or as JSON text; a mistake in it is an error at its field saying what is expected.
 */
export function readPattern(field: YamlField, expected: string): EventPattern {
  try {
    if (typeof field.value === "string") return parsePatternText(field.value);
    if (!field.isMap()) throw field.wrongType(expected);
    return checkPattern(field.value);
  } catch (error) {
    if (error instanceof PatternError) throw field.fail(`${error.message}; expected ${expected}`);
    throw error;
  }
}
