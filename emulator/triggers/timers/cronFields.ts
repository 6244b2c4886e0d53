// Adapts one field of an SCF or EventBridge cron expression to cron-parser's syntax, checking it
// against what the cloud accepts, so an expression the cloud would refuse is refused here too,
// with the field named. The date arithmetic itself stays cron-parser's.

/** Which cloud's numbering the day-of-week field uses: SCF 0-6 from Sunday, AWS 1-7 from Sunday. */
export type CronDialect = "scf" | "aws";

/** A field that cannot be used; the caller adds the whole expression to the message. */
export class FieldError extends Error {}

export interface FieldRule {
  name: string;
  min: number;
  max: number;
  /** Names standing for min, min + 1, ... (JAN-DEC). */
  names?: readonly string[];
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

export const SECOND: FieldRule = { name: "second", min: 0, max: 59 };
export const MINUTE: FieldRule = { name: "minute", min: 0, max: 59 };
export const HOUR: FieldRule = { name: "hour", min: 0, max: 23 };
export const DAY_OF_MONTH: FieldRule = { name: "day-of-month", min: 1, max: 31 };
export const MONTH: FieldRule = { name: "month", min: 1, max: 12, names: MONTHS };

const PLAIN_ITEM = /^(\*|[A-Za-z0-9]+)(?:-([A-Za-z0-9]+))?(?:\/(\d+))?$/;

function expected(rule: FieldRule, value: string, extra = ""): FieldError {
  const names = rule.names ? ` or ${rule.names[0]}-${rule.names[rule.names.length - 1]}` : "";
  return new FieldError(`${rule.name} "${value}": expected ${rule.min}-${rule.max}${names} with , - * /${extra}`);
}

function valueOf(rule: FieldRule, token: string, field: string, extra: string): number {
  const named = rule.names?.indexOf(token.toUpperCase()) ?? -1;
  if (named >= 0) return rule.min + named;
  const n = /^\d+$/.test(token) ? Number(token) : NaN;
  if (!(n >= rule.min && n <= rule.max)) throw expected(rule, field, extra);
  return n;
}

/**
 * Checks a field made of *, N, N-M and names, each with an optional /STEP, and returns it unchanged.
 * Checking here, not only in cron-parser, keeps its extensions (H) out and names the field in errors.
 */
export function plainField(rule: FieldRule, field: string, extra = ""): string {
  for (const item of field.split(",")) {
    const m = PLAIN_ITEM.exec(item);
    if (!m || (m[1] === "*" && m[2] !== undefined)) throw expected(rule, field, extra);
    if (m[1] !== "*") valueOf(rule, m[1], field, extra);
    if (m[2] !== undefined) valueOf(rule, m[2], field, extra);
    if (m[3] !== undefined && Number(m[3]) < 1) throw expected(rule, field, extra);
  }
  return field;
}

/** The day-of-month field for cron-parser, and the W day asked for, which cron-parser does not know. */
export interface DayOfMonthField {
  cron: string;
  /** nW: the weekday nearest day n; "last": LW, the last weekday of the month. */
  weekday?: number | "last";
}

const DOM_EXTRA = " ? L W";

export function dayOfMonthField(field: string): DayOfMonthField {
  const upper = field.toUpperCase();
  if (upper === "?") return { cron: "?" };
  // Candidate days cover every day the W day can fall on (nW moves at most two days, LW to L-2);
  // the schedule keeps only the right one.
  if (upper === "LW") return { cron: "26-31", weekday: "last" };
  const w = /^(\d{1,2})W$/.exec(upper);
  if (w) {
    const day = valueOf(DAY_OF_MONTH, w[1], field, DOM_EXTRA);
    return { cron: `${Math.max(1, day - 2)}-${Math.min(31, day + 2)}`, weekday: day };
  }
  if (upper.includes("W")) {
    throw new FieldError(`day-of-month "${field}": W takes a single day, as in 15W, or LW for the last weekday`);
  }
  const plain = upper.split(",").filter((item) => item !== "L");
  if (plain.length > 0) plainField(DAY_OF_MONTH, plain.join(","), DOM_EXTRA);
  return { cron: upper };
}

function dayNumber(token: string, dialect: CronDialect, field: string): number {
  const named = DAYS.indexOf(token.toUpperCase());
  if (named >= 0) return named;
  const first = dialect === "aws" ? 1 : 0;
  const n = /^\d+$/.test(token) ? Number(token) : NaN;
  if (!(n >= first && n <= first + 6)) throw dayOfWeekError(dialect, field);
  return n - first;
}

function dayOfWeekError(dialect: CronDialect, field: string): FieldError {
  const numbers = dialect === "aws" ? "1-7 (1 = SUN)" : "0-6 (0 = SUN)";
  return new FieldError(`day-of-week "${field}": expected ${numbers} or SUN-SAT with , - * / ? L #`);
}

function dayOfWeekItem(item: string, dialect: CronDialect, field: string): string {
  // Quartz and EventBridge read a lone L in day-of-week as the week's last day, Saturday.
  if (item.toUpperCase() === "L") return "6";
  const last = /^(\d+|[A-Za-z]{3})L$/i.exec(item);
  if (last) return `${dayNumber(last[1], dialect, field)}L`;
  const nth = /^(\d+|[A-Za-z]{3})#([1-5])$/.exec(item);
  if (nth) return `${dayNumber(nth[1], dialect, field)}#${nth[2]}`;
  const m = PLAIN_ITEM.exec(item);
  if (!m || (m[1] === "*" && m[2] !== undefined) || m[3] === "0") throw dayOfWeekError(dialect, field);
  const start = m[1] === "*" ? 0 : dayNumber(m[1], dialect, field);
  if (m[2] !== undefined) return `${start}-${dayNumber(m[2], dialect, field)}${m[3] ? `/${m[3]}` : ""}`;
  // cron-parser's day-of-week runs 0-7 with 7 = Sunday again, so an open-ended step (*/2, MON/2)
  // would land on Sunday twice; an explicit end at 6 keeps it to one week.
  if (m[3] !== undefined) return `${start}-6/${m[3]}`;
  return m[1] === "*" ? "*" : String(start);
}

/** The day-of-week field renumbered to cron-parser's 0-6 from Sunday. */
export function dayOfWeekField(field: string, dialect: CronDialect): string {
  if (field === "?" || field === "*") return field;
  return field
    .split(",")
    .map((item) => dayOfWeekItem(item, dialect, field))
    .join(",");
}
