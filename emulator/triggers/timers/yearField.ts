import { FieldError } from "./cronFields";

const FIRST_YEAR = 1970;

/**
 * The years a cron year field allows, ascending, or undefined for every year.
 * cron-parser has no year field, so the schedule skips the years left out itself.
 */
export function yearField(field: string, lastYear: number): number[] | undefined {
  if (field === "*" || field === "?") return undefined;
  const error = new FieldError(`year "${field}": expected ${FIRST_YEAR}-${lastYear} with , - * /`);
  const years = new Set<number>();
  for (const item of field.split(",")) {
    const m = /^(\*|\d{4})(?:-(\d{4}))?(?:\/(\d+))?$/.exec(item);
    if (!m || (m[1] === "*" && m[2] !== undefined)) throw error;
    const from = m[1] === "*" ? FIRST_YEAR : Number(m[1]);
    // As in the other fields, a step without an end runs to the last year.
    const to = m[2] !== undefined ? Number(m[2]) : m[1] === "*" || m[3] !== undefined ? lastYear : from;
    const step = m[3] !== undefined ? Number(m[3]) : 1;
    if (from < FIRST_YEAR || to > lastYear || from > to || step < 1) throw error;
    for (let year = from; year <= to; year += step) years.add(year);
  }
  return [...years].sort((a, b) => a - b);
}
