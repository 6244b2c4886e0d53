import { CronExpressionParser, type CronDate } from "cron-parser";
import {
  FieldError,
  HOUR,
  MINUTE,
  MONTH,
  SECOND,
  dayOfMonthField,
  dayOfWeekField,
  plainField,
  type CronDialect,
} from "./cronFields";
import { ScheduleError, type Schedule } from "./types";
import { yearField } from "./yearField";

/** The fields of either cloud's cron, already split; `second` is "0" where the syntax has none. */
export interface CronParts {
  second: string;
  minute: string;
  hour: string;
  dayOfMonth: string;
  month: string;
  dayOfWeek: string;
  year?: string;
}

/** SCF documents years up to 2099, EventBridge up to 2199. */
const LAST_YEAR: Record<CronDialect, number> = { scf: 2099, aws: 2199 };

/**
 * Bounds the skipping of occurrences cron-parser yields but the year or W rules refuse: a few per
 * month at most, so reaching it means the expression never fires (30W in February).
 */
const MAX_SKIPS = 500;

/** cron-parser's first occurrence strictly after `after`, or undefined when it has none. */
function occurrence(expression: string, after: Date, tz: string): CronDate | undefined {
  try {
    return CronExpressionParser.parse(expression, { currentDate: after, tz }).next();
  } catch {
    return undefined;
  }
}

function dayOfWeek(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month, day)).getUTCDay();
}

/** The day of the month (month 0-11) that nW or LW means, or undefined when the month has no day n. */
function weekdayOf(target: number | "last", year: number, month: number): number | undefined {
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = target === "last" ? lastDay : target;
  if (day > lastDay) return undefined;
  const weekday = dayOfWeek(year, month, day);
  // Quartz's rule, which both clouds follow: Saturday moves to Friday and Sunday to Monday,
  // without leaving the month (1W on a Saturday is Monday the 3rd).
  if (weekday === 6) return day === 1 ? 3 : day - 1;
  if (weekday === 0) return day === lastDay ? day - 2 : day + 1;
  return day;
}

const before = (date: Date): Date => new Date(date.getTime() - 1);

export function cronSchedule(text: string, parts: CronParts, dialect: CronDialect, tz: string): Schedule {
  let expression: string;
  let weekday: number | "last" | undefined;
  let years: number[] | undefined;
  try {
    const dom = dayOfMonthField(parts.dayOfMonth);
    const dow = dayOfWeekField(parts.dayOfWeek, dialect);
    if (dom.weekday !== undefined && dow !== "?" && dow !== "*") {
      throw new FieldError(`day-of-month "${parts.dayOfMonth}" uses W, so day-of-week must be ?`);
    }
    weekday = dom.weekday;
    years = yearField(parts.year ?? "*", LAST_YEAR[dialect]);
    expression = [
      plainField(SECOND, parts.second),
      plainField(MINUTE, parts.minute),
      plainField(HOUR, parts.hour),
      dom.cron,
      plainField(MONTH, parts.month.toUpperCase()),
      dow,
    ].join(" ");
    CronExpressionParser.parse(expression, { tz });
  } catch (error) {
    throw new ScheduleError(text, (error as Error).message);
  }

  const schedule: Schedule = {
    kind: "cron",
    describe: () => `${dialect === "aws" ? `AWS ${text.trim()}` : `SCF cron ${JSON.stringify(text.trim())}`} (${tz})`,
    next(after: Date): Date | undefined {
      let from = after;
      for (let skips = 0; skips < MAX_SKIPS; skips++) {
        const at = occurrence(expression, from, tz);
        if (!at) return undefined;
        const year = at.getFullYear();
        if (years && !years.includes(year)) {
          const nextYear = years.find((y) => y > year);
          if (nextYear === undefined) return undefined;
          // Jump to the next allowed year's first instant instead of walking every occurrence until then.
          const newYear = occurrence("0 0 0 1 1 *", new Date(Date.UTC(nextYear - 1, 11, 30)), tz);
          if (!newYear) return undefined;
          from = before(newYear.toDate());
          continue;
        }
        if (weekday !== undefined && at.getDate() !== weekdayOf(weekday, year, at.getMonth())) {
          const midnight = occurrence("0 0 0 * * *", at.toDate(), tz);
          if (!midnight) return undefined;
          from = before(midnight.toDate());
          continue;
        }
        return at.toDate();
      }
      return undefined;
    },
  };
  // An expression no date ever matched (30W in February, February 29 in 2025 only) is a mistake
  // to report when the project loads; one whose years are merely past is valid and just never fires.
  if (schedule.next(new Date(Date.UTC(1970, 0, 1))) === undefined) {
    throw new ScheduleError(text, "no date matches this expression in the years it allows");
  }
  return schedule;
}
