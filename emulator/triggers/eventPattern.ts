// One grammar serves EventBridge event patterns and Lambda's event source mapping
// FilterCriteria. Lambda's filter rule syntax is "a subset of the EventBridge pattern
// syntax" and both are followed here:
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
// https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
//
// A pattern is an object: each key is ANDed; a key's value is either a nested pattern or
// a list of conditions, any of which may match ("OR"). `$or` holds a list of patterns for
// the same level. Where the event holds an array, the condition matches if any element
// does (EventBridge: "the event pattern matches if the intersection ... is non-empty").

/** A pattern that is not valid: `path` is the dotted place inside it ("detail.state[0]"). */
export class PatternError extends Error {
  constructor(readonly path: string, readonly problem: string) {
    super(`${path ? `${path}: ` : ""}${problem}`);
    this.name = "PatternError";
  }
}

export type EventPattern = { readonly [key: string]: unknown };

const OPERATORS = ["prefix", "suffix", "anything-but", "numeric", "exists", "equals-ignore-case", "cidr", "wildcard"];
const NUMERIC_OPERATORS = ["=", "<", "<=", ">", ">="];
const EXPECTED_CONDITION = `a list of values or of {operator: ...} conditions (${OPERATORS.join(", ")})`;

/** Reads a pattern written as JSON text (FilterCriteria's `Pattern`, a rule's `EventPattern` string). */
export function parsePatternText(text: string): EventPattern {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PatternError("", `not valid JSON (${(error as Error).message})`);
  }
  return checkPattern(value);
}

/** Checks a pattern given as a value (a YAML map); throws PatternError naming the first wrong place. */
export function checkPattern(value: unknown, path = ""): EventPattern {
  if (!isObject(value)) throw new PatternError(path, "expected a JSON object such as {\"source\": [\"my.app\"]}");
  for (const [key, child] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (key === "$or") {
      if (!Array.isArray(child) || child.length < 2) throw new PatternError(at, "expected a list of at least two patterns");
      child.forEach((alternative, i) => checkPattern(alternative, `${at}[${i}]`));
    } else if (Array.isArray(child)) {
      // An empty list matches nothing at all: surely not what was meant (null is written [null]).
      if (child.length === 0) throw new PatternError(at, `an empty list matches nothing; expected ${EXPECTED_CONDITION} (null is written [null])`);
      child.forEach((condition, i) => checkCondition(condition, `${at}[${i}]`));
    } else if (isObject(child)) {
      checkPattern(child, at);
    } else {
      throw new PatternError(at, `expected ${EXPECTED_CONDITION}, or a nested pattern`);
    }
  }
  return value;
}

function checkCondition(condition: unknown, at: string): void {
  if (condition === null || typeof condition !== "object") return; // an exact value
  if (Array.isArray(condition)) throw new PatternError(at, `a list inside a list; expected ${EXPECTED_CONDITION}`);
  const entries = Object.entries(condition);
  if (entries.length !== 1) throw new PatternError(at, `expected one operator, one of ${OPERATORS.join(", ")}`);
  const [operator, operand] = entries[0];
  const fail = (expected: string) => new PatternError(`${at}.${operator}`, `expected ${expected}`);
  switch (operator) {
    case "prefix":
    case "suffix":
      if (typeof operand !== "string" && !isIgnoreCase(operand)) throw fail('a string, or {"equals-ignore-case": "..."}');
      return;
    case "equals-ignore-case":
    case "wildcard":
      if (typeof operand !== "string") throw fail("a string");
      return;
    case "exists":
      if (typeof operand !== "boolean") throw fail("true or false");
      return;
    case "cidr":
      if (typeof operand !== "string" || !parseCidr(operand)) throw fail("an IPv4 CIDR block such as 10.0.0.0/24");
      return;
    case "numeric":
      readNumeric(operand, fail);
      return;
    case "anything-but":
      checkAnythingBut(operand, fail);
      return;
    default:
      throw new PatternError(at, `unknown operator ${JSON.stringify(operator)}; expected one of ${OPERATORS.join(", ")}`);
  }
}

function checkAnythingBut(operand: unknown, fail: (expected: string) => PatternError): void {
  const expected = "a value, a list of values, or {prefix|suffix|equals-ignore-case|wildcard: ...}";
  if (operand === null || typeof operand !== "object") return;
  if (Array.isArray(operand)) {
    if (operand.some((v) => v !== null && typeof v === "object")) throw fail(expected);
    return;
  }
  const entries = Object.entries(operand);
  if (entries.length !== 1) throw fail(expected);
  const [operator, value] = entries[0];
  if (operator === "equals-ignore-case" && Array.isArray(value) && value.every((v) => typeof v === "string")) return;
  if (!["prefix", "suffix", "equals-ignore-case", "wildcard"].includes(operator) || typeof value !== "string") throw fail(expected);
}

/** `[">", 0, "<=", 5]`: one or two comparisons, all of which must hold. */
function readNumeric(operand: unknown, fail: (expected: string) => PatternError): Array<[string, number]> {
  const expected = 'a list of one or two comparisons such as [">", 0, "<=", 5]';
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) throw fail(expected);
  const comparisons: Array<[string, number]> = [];
  for (let i = 0; i < operand.length; i += 2) {
    const [op, n] = [operand[i] as unknown, operand[i + 1] as unknown];
    if (typeof op !== "string" || !NUMERIC_OPERATORS.includes(op) || typeof n !== "number") throw fail(expected);
    comparisons.push([op, n]);
  }
  return comparisons;
}

/** True when `event` satisfies every key of `pattern`. The pattern must have passed checkPattern. */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    if (key === "$or") return (expected as EventPattern[]).some((alternative) => matchesPattern(alternative, event));
    const value = isObject(event) ? event[key] : undefined;
    if (Array.isArray(expected)) return matchesConditions(expected, value);
    // A nested pattern against a missing object: only `exists: false` conditions can hold.
    return matchesPattern(expected as EventPattern, value);
  });
}

/** Lambda's filters are ORed: a record passes when any of them matches. */
export function matchesAny(patterns: readonly EventPattern[], event: unknown): boolean {
  return patterns.some((pattern) => matchesPattern(pattern, event));
}

function matchesConditions(conditions: unknown[], value: unknown): boolean {
  const present = value !== undefined;
  // The value in the event may be an array: any element matching is enough.
  const values = Array.isArray(value) ? value : [value];
  return conditions.some((condition) => {
    if (isObject(condition) && "exists" in condition) return condition.exists === present;
    if (!present) return false;
    return values.some((one) => matchesCondition(condition, one));
  });
}

function matchesCondition(condition: unknown, value: unknown): boolean {
  if (condition === null || typeof condition !== "object") return sameValue(condition, value);
  const [operator, operand] = Object.entries(condition)[0];
  switch (operator) {
    case "prefix":
      return typeof value === "string" && affix(operand, value, (v, s) => v.startsWith(s));
    case "suffix":
      return typeof value === "string" && affix(operand, value, (v, s) => v.endsWith(s));
    case "equals-ignore-case":
      return typeof value === "string" && value.toLowerCase() === (operand as string).toLowerCase();
    case "wildcard":
      return typeof value === "string" && wildcard(operand as string).test(value);
    case "cidr":
      return typeof value === "string" && inCidr(value, operand as string);
    case "numeric":
      return typeof value === "number" && readNumeric(operand, () => new PatternError("", "")).every(([op, n]) => compare(value, op, n));
    case "anything-but":
      return anythingBut(operand, value);
    default:
      return false;
  }
}

function anythingBut(operand: unknown, value: unknown): boolean {
  if (operand === null || typeof operand !== "object") return !sameValue(operand, value);
  if (Array.isArray(operand)) return !operand.some((excluded) => sameValue(excluded, value));
  // The string forms only say something about strings: any other value is "anything but".
  if (typeof value !== "string") return false;
  const [operator, excluded] = Object.entries(operand)[0];
  switch (operator) {
    case "prefix":
      return !value.startsWith(excluded as string);
    case "suffix":
      return !value.endsWith(excluded as string);
    case "wildcard":
      return !wildcard(excluded as string).test(value);
    default: {
      const list = (Array.isArray(excluded) ? excluded : [excluded]) as string[];
      return !list.some((s) => s.toLowerCase() === value.toLowerCase());
    }
  }
}

/** Exact matching: a number never equals a string, nor true the string "true". */
function sameValue(expected: unknown, value: unknown): boolean {
  return expected === value;
}

function affix(operand: unknown, value: string, test: (value: string, affix: string) => boolean): boolean {
  if (typeof operand === "string") return test(value, operand);
  const ignoring = (operand as { "equals-ignore-case": string })["equals-ignore-case"];
  return test(value.toLowerCase(), ignoring.toLowerCase());
}

function compare(value: number, op: string, n: number): boolean {
  switch (op) {
    case "=":
      return value === n;
    case "<":
      return value < n;
    case "<=":
      return value <= n;
    case ">":
      return value > n;
    default:
      return value >= n;
  }
}

/** `*` matches any run of characters; `\*` is a literal star (EventBridge's wildcard filter). */
function wildcard(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "\\" && pattern[i + 1] === "*") {
      source += "\\*";
      i++;
    } else if (ch === "*") source += ".*";
    else source += ch.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "s");
}

function parseIpv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

function parseCidr(text: string): { base: number; bits: number } | undefined {
  const [ip, bitsText] = text.split("/");
  const base = parseIpv4(ip);
  const bits = Number(bitsText);
  if (base === undefined || !/^\d{1,2}$/.test(bitsText ?? "") || bits > 32) return undefined;
  return { base, bits };
}

function inCidr(value: string, cidr: string): boolean {
  const ip = parseIpv4(value);
  const block = parseCidr(cidr);
  if (ip === undefined || !block) return false;
  const size = 2 ** (32 - block.bits);
  return Math.floor(ip / size) === Math.floor(block.base / size);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function isIgnoreCase(value: unknown): boolean {
  return isObject(value) && Object.keys(value).length === 1 && typeof value["equals-ignore-case"] === "string";
}
