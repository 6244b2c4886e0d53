import { cronSchedule, type CronParts } from "./cronSchedule";
import { parseRate } from "./rateSchedule";
import { ScheduleError, type Schedule } from "./types";

export { ScheduleError, type Schedule } from "./types";

const AWS_FIELDS = "expected 6 fields (minutes hours day-of-month month day-of-week year)";
const SCF_FIELDS =
  "expected 7 fields (second minute hour day-of-month month day-of-week year), " +
  "5 (minute hour day-of-month month day-of-week) or 6 (second ... day-of-week), " +
  "or AWS cron(...) / rate(...)";

function checkTimeZone(text: string, timezone: string): void {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
  } catch {
    throw new ScheduleError(text, `unknown time zone "${timezone}": expected an IANA name such as Asia/Shanghai or UTC`);
  }
}

/** EventBridge's cron(minutes hours day-of-month month day-of-week year). */
function awsCron(text: string, inner: string, tz: string): Schedule {
  const fields = inner.trim().split(/\s+/);
  if (fields.length !== 6) throw new ScheduleError(text, AWS_FIELDS);
  const [minute, hour, dayOfMonth, month, dayOfWeek, year] = fields;
  // EventBridge refuses both fields set (and both left open); without this check the
  // day-of-month/day-of-week "or" rule would silently fire on days AWS never would.
  if ((dayOfMonth === "?") === (dayOfWeek === "?")) {
    throw new ScheduleError(text, "exactly one of day-of-month and day-of-week must be ?");
  }
  return cronSchedule(text, { second: "0", minute, hour, dayOfMonth, month, dayOfWeek, year }, "aws", tz);
}

/** SCF's 7-field cron, its legacy 5-field form, and the 6-field form with seconds that users also write. */
function scfCron(text: string, tz: string): Schedule {
  const fields = text.trim().split(/\s+/);
  let parts: CronParts;
  if (fields.length === 7 || fields.length === 6) {
    const [second, minute, hour, dayOfMonth, month, dayOfWeek, year] = fields;
    parts = { second, minute, hour, dayOfMonth, month, dayOfWeek, year };
  } else if (fields.length === 5) {
    const [minute, hour, dayOfMonth, month, dayOfWeek] = fields;
    parts = { second: "0", minute, hour, dayOfMonth, month, dayOfWeek };
  } else {
    throw new ScheduleError(text, SCF_FIELDS);
  }
  return cronSchedule(text, parts, "scf", tz);
}

/**
 * Reads a timer trigger's schedule as written in either cloud's manifest: AWS cron(...) and
 * rate(...), or an SCF cron of 7, 6 or 5 fields. Times are in `timezone` (an IANA name), UTC by default.
 */
export function parseSchedule(text: string, timezone?: string): Schedule {
  const tz = timezone ?? "UTC";
  checkTimeZone(text, tz);
  const trimmed = text.trim();
  const aws = /^cron\((.*)\)$/is.exec(trimmed);
  if (aws) return awsCron(text, aws[1], tz);
  if (/^rate\(/i.test(trimmed)) return parseRate(text);
  if (/^cron\(/i.test(trimmed)) throw new ScheduleError(text, `${AWS_FIELDS} inside cron(...)`);
  return scfCron(text, tz);
}
