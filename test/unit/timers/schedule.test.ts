import { test } from "node:test";
import assert from "node:assert/strict";
import { parseSchedule, ScheduleError } from "../../../emulator/triggers/timers/schedule";

/** Saturday 1 June 2024, midnight UTC. */
const JUNE_1 = new Date("2024-06-01T00:00:00Z");

/** The next `count` fire times (ISO), each strictly after the previous one; fewer when the schedule ends. */
function upcoming(text: string, after: Date, count: number, timezone?: string, start?: Date): string[] {
  const schedule = parseSchedule(text, timezone);
  const times: string[] = [];
  let at: Date | undefined = after;
  while (times.length < count) {
    at = schedule.next(at, start);
    if (!at) break;
    times.push(at.toISOString());
  }
  return times;
}

const iso = (...days: string[]): string[] => days.map((d) => new Date(d).toISOString());

function rejects(text: string, message: string, timezone?: string): void {
  assert.throws(
    () => parseSchedule(text, timezone),
    (error: unknown) => {
      assert.ok(error instanceof ScheduleError);
      assert.equal(error.message, `${JSON.stringify(text)}: ${message}`);
      return true;
    },
  );
}

test("SCF 7-field cron: seconds, day of month, weekdays by name", () => {
  assert.deepEqual(
    upcoming("*/5 * * * * * *", JUNE_1, 3),
    iso("2024-06-01T00:00:05Z", "2024-06-01T00:00:10Z", "2024-06-01T00:00:15Z"),
  );
  assert.deepEqual(upcoming("0 0 2 1 * * *", JUNE_1, 2), iso("2024-06-01T02:00:00Z", "2024-07-01T02:00:00Z"));
  // 1 June 2024 is a Saturday.
  assert.deepEqual(
    upcoming("0 30 9 ? * MON-FRI *", JUNE_1, 6),
    iso(
      "2024-06-03T09:30:00Z",
      "2024-06-04T09:30:00Z",
      "2024-06-05T09:30:00Z",
      "2024-06-06T09:30:00Z",
      "2024-06-07T09:30:00Z",
      "2024-06-10T09:30:00Z",
    ),
  );
});

test("next() is strictly after the given time, to the second", () => {
  const schedule = parseSchedule("0 0 12 * * * *");
  assert.equal(schedule.next(new Date("2024-06-01T12:00:00Z"))?.toISOString(), "2024-06-02T12:00:00.000Z");
  assert.equal(schedule.next(new Date("2024-06-01T11:59:59.999Z"))?.toISOString(), "2024-06-01T12:00:00.000Z");
  assert.equal(
    parseSchedule("* * * * * * *").next(new Date("2024-06-01T12:00:00.400Z"))?.toISOString(),
    "2024-06-01T12:00:01.000Z",
  );
});

test("SCF day-of-week numbers run 0-6 from Sunday, as SCF documents", () => {
  assert.deepEqual(upcoming("0 0 12 ? * 0 *", JUNE_1, 1), iso("2024-06-02T12:00:00Z"));
  assert.deepEqual(upcoming("0 0 12 ? * 1 *", JUNE_1, 1), iso("2024-06-03T12:00:00Z"));
  assert.deepEqual(upcoming("0 0 12 ? * 6 *", JUNE_1, 1), iso("2024-06-01T12:00:00Z"));
  assert.deepEqual(upcoming("0 0 12 ? * sun *", JUNE_1, 1), iso("2024-06-02T12:00:00Z"));
  // A step stays within one week: 1/2 is Monday, Wednesday, Friday, never Sunday (cron-parser's 7).
  assert.deepEqual(
    upcoming("0 0 12 ? * 1/2 *", JUNE_1, 4),
    iso("2024-06-03T12:00:00Z", "2024-06-05T12:00:00Z", "2024-06-07T12:00:00Z", "2024-06-10T12:00:00Z"),
  );
  assert.deepEqual(
    upcoming("0 0 12 ? * */2 *", JUNE_1, 4),
    iso("2024-06-01T12:00:00Z", "2024-06-02T12:00:00Z", "2024-06-04T12:00:00Z", "2024-06-06T12:00:00Z"),
  );
});

test("SCF: day-of-month and day-of-week both set fire on either, as SCF documents", () => {
  assert.deepEqual(
    upcoming("0 0 12 1 * MON *", JUNE_1, 3),
    iso("2024-06-01T12:00:00Z", "2024-06-03T12:00:00Z", "2024-06-10T12:00:00Z"),
  );
});

test("L: the last day of the month, and the last given weekday", () => {
  assert.deepEqual(
    upcoming("0 0 12 L * ? *", JUNE_1, 3),
    iso("2024-06-30T12:00:00Z", "2024-07-31T12:00:00Z", "2024-08-31T12:00:00Z"),
  );
  assert.deepEqual(upcoming("0 0 12 L * ? *", new Date("2024-02-01T00:00:00Z"), 1), iso("2024-02-29T12:00:00Z"));
  // 5L: the last Friday (SCF 5 = Friday).
  assert.deepEqual(upcoming("0 0 12 ? * 5L *", JUNE_1, 2), iso("2024-06-28T12:00:00Z", "2024-07-26T12:00:00Z"));
  // A lone L in day-of-week is the week's last day, Saturday.
  assert.deepEqual(upcoming("0 0 12 ? * L *", JUNE_1, 2), iso("2024-06-01T12:00:00Z", "2024-06-08T12:00:00Z"));
});

test("#: the nth given weekday of the month", () => {
  // 6#3: the third Saturday.
  assert.deepEqual(
    upcoming("0 0 12 ? * 6#3 *", JUNE_1, 3),
    iso("2024-06-15T12:00:00Z", "2024-07-20T12:00:00Z", "2024-08-17T12:00:00Z"),
  );
});

test("W: the weekday nearest a day, without leaving the month; LW: the last weekday", () => {
  // 15 June 2024 is a Saturday (→ Friday 14), 15 September a Sunday (→ Monday 16).
  assert.deepEqual(
    upcoming("0 0 12 15W * ? *", JUNE_1, 4),
    iso("2024-06-14T12:00:00Z", "2024-07-15T12:00:00Z", "2024-08-15T12:00:00Z", "2024-09-16T12:00:00Z"),
  );
  // 1 June 2024 is a Saturday: 1W is Monday the 3rd, not Friday 31 May.
  assert.deepEqual(upcoming("0 0 12 1W * ? *", JUNE_1, 2), iso("2024-06-03T12:00:00Z", "2024-07-01T12:00:00Z"));
  // 30 June 2024 is a Sunday: 30W is Friday the 28th, not Monday 1 July.
  assert.deepEqual(upcoming("0 0 12 30W 6 ? *", JUNE_1, 1), iso("2024-06-28T12:00:00Z"));
  assert.deepEqual(
    upcoming("0 0 12 LW * ? *", JUNE_1, 3),
    iso("2024-06-28T12:00:00Z", "2024-07-31T12:00:00Z", "2024-08-30T12:00:00Z"),
  );
  // Every second of the W day, and only of that day.
  assert.deepEqual(
    upcoming("* * * 15W 6 ? 2024", new Date("2024-06-13T23:59:58Z"), 3),
    iso("2024-06-14T00:00:00Z", "2024-06-14T00:00:01Z", "2024-06-14T00:00:02Z"),
  );
});

test("the year field: a single year, ranges, lists and steps; none left means no next time", () => {
  assert.deepEqual(
    upcoming("0 0 12 1 1 ? 2026-2027", JUNE_1, 5),
    iso("2026-01-01T12:00:00Z", "2027-01-01T12:00:00Z"),
  );
  assert.deepEqual(
    upcoming("0 0 0 1 JAN ? 2025,2030", JUNE_1, 5),
    iso("2025-01-01T00:00:00Z", "2030-01-01T00:00:00Z"),
  );
  assert.deepEqual(upcoming("0 0 12 1 1 ? 2024/2", JUNE_1, 2), iso("2026-01-01T12:00:00Z", "2028-01-01T12:00:00Z"));
  assert.deepEqual(upcoming("*/1 * * * * * 2099", JUNE_1, 2), iso("2099-01-01T00:00:00Z", "2099-01-01T00:00:01Z"));
  assert.deepEqual(upcoming("33 22 11 6 7 * 2021", JUNE_1, 1), []);
  assert.deepEqual(
    upcoming("0 0 12 L * ? 2024", new Date("2024-11-01T00:00:00Z"), 5),
    iso("2024-11-30T12:00:00Z", "2024-12-31T12:00:00Z"),
  );
});

test("SCF's legacy 5-field cron fires at second 0", () => {
  assert.deepEqual(
    upcoming("*/1 * * * *", JUNE_1, 3),
    iso("2024-06-01T00:01:00Z", "2024-06-01T00:02:00Z", "2024-06-01T00:03:00Z"),
  );
  assert.deepEqual(upcoming("30 9 * * 1-5", JUNE_1, 1), iso("2024-06-03T09:30:00Z"));
});

test("the 6-field form with seconds", () => {
  assert.deepEqual(upcoming("*/10 * * * * *", JUNE_1, 2), iso("2024-06-01T00:00:10Z", "2024-06-01T00:00:20Z"));
  assert.deepEqual(upcoming("0 */10 * * * *", JUNE_1, 2), iso("2024-06-01T00:10:00Z", "2024-06-01T00:20:00Z"));
});

test("AWS cron(): day-of-week 1-7 is SUN-SAT", () => {
  // cron(0 12 ? * 2 *): every Monday at 12:00 UTC.
  assert.deepEqual(
    upcoming("cron(0 12 ? * 2 *)", JUNE_1, 3),
    iso("2024-06-03T12:00:00Z", "2024-06-10T12:00:00Z", "2024-06-17T12:00:00Z"),
  );
  assert.deepEqual(upcoming("cron(0 12 ? * 1 *)", JUNE_1, 1), iso("2024-06-02T12:00:00Z"));
  assert.deepEqual(upcoming("cron(0 12 ? * 7 *)", JUNE_1, 1), iso("2024-06-01T12:00:00Z"));
  assert.deepEqual(upcoming("cron(0 12 ? * MON *)", JUNE_1, 1), iso("2024-06-03T12:00:00Z"));
  // 2-6 is Monday to Friday.
  assert.deepEqual(
    upcoming("cron(0 12 ? * 2-6 *)", JUNE_1, 6),
    iso(
      "2024-06-03T12:00:00Z",
      "2024-06-04T12:00:00Z",
      "2024-06-05T12:00:00Z",
      "2024-06-06T12:00:00Z",
      "2024-06-07T12:00:00Z",
      "2024-06-10T12:00:00Z",
    ),
  );
  assert.deepEqual(
    upcoming("cron(0/15 * * * ? *)", JUNE_1, 3),
    iso("2024-06-01T00:15:00Z", "2024-06-01T00:30:00Z", "2024-06-01T00:45:00Z"),
  );
  assert.deepEqual(upcoming("cron(0 8 1 * ? *)", JUNE_1, 2), iso("2024-06-01T08:00:00Z", "2024-07-01T08:00:00Z"));
});

test("AWS cron(): L, W and # with AWS's day numbers, and the year field", () => {
  // 6L: the last Friday (AWS 6 = FRI); 3#2: the second Tuesday (AWS 3 = TUE).
  assert.deepEqual(upcoming("cron(0 12 ? * 6L *)", JUNE_1, 2), iso("2024-06-28T12:00:00Z", "2024-07-26T12:00:00Z"));
  assert.deepEqual(upcoming("cron(0 12 ? * 3#2 *)", JUNE_1, 2), iso("2024-06-11T12:00:00Z", "2024-07-09T12:00:00Z"));
  assert.deepEqual(upcoming("cron(0 12 15W * ? *)", JUNE_1, 2), iso("2024-06-14T12:00:00Z", "2024-07-15T12:00:00Z"));
  assert.deepEqual(upcoming("cron(0 12 LW * ? *)", JUNE_1, 1), iso("2024-06-28T12:00:00Z"));
  assert.deepEqual(
    upcoming("cron(0 12 L * ? 2024)", new Date("2024-11-01T00:00:00Z"), 5),
    iso("2024-11-30T12:00:00Z", "2024-12-31T12:00:00Z"),
  );
});

test("rate(): whole periods counted from the start time, not aligned to the clock", () => {
  const start = new Date("2024-06-01T00:00:07.123Z");
  const after = (ms: number) => new Date(start.getTime() + ms);
  assert.deepEqual(upcoming("rate(1 minute)", start, 2, undefined, start), iso("2024-06-01T00:01:07.123Z", "2024-06-01T00:02:07.123Z"));
  assert.equal(parseSchedule("rate(1 minute)").next(after(90_000), start)?.toISOString(), "2024-06-01T00:02:07.123Z");
  assert.equal(parseSchedule("rate(5 minutes)").next(start, start)?.toISOString(), "2024-06-01T00:05:07.123Z");
  assert.equal(parseSchedule("rate(1 hour)").next(start, start)?.toISOString(), "2024-06-01T01:00:07.123Z");
  assert.equal(parseSchedule("rate(2 hours)").next(after(3 * 3_600_000), start)?.toISOString(), "2024-06-01T04:00:07.123Z");
  assert.equal(parseSchedule("rate(1 day)").next(start, start)?.toISOString(), "2024-06-02T00:00:07.123Z");
  assert.equal(parseSchedule("rate(3 days)").next(start, start)?.toISOString(), "2024-06-04T00:00:07.123Z");
  // Asked before the start: the first period still ends one period after it.
  assert.equal(parseSchedule("rate(5 minutes)").next(after(-60_000), start)?.toISOString(), "2024-06-01T00:05:07.123Z");
  // Without a start the period counts from `after`.
  assert.equal(parseSchedule("rate(5 minutes)").next(start)?.toISOString(), "2024-06-01T00:05:07.123Z");
});

test("a time zone moves the wall-clock times, the L day and the year boundary", () => {
  assert.deepEqual(
    upcoming("0 0 9 * * * *", JUNE_1, 2, "Asia/Shanghai"),
    iso("2024-06-01T01:00:00Z", "2024-06-02T01:00:00Z"),
  );
  // Monday 09:00 in Shanghai is Monday 01:00 UTC.
  assert.deepEqual(upcoming("cron(0 9 ? * 2 *)", JUNE_1, 1, "Asia/Shanghai"), iso("2024-06-03T01:00:00Z"));
  assert.deepEqual(upcoming("0 0 0 L * ? *", JUNE_1, 1, "Asia/Shanghai"), iso("2024-06-29T16:00:00Z"));
  // 1 January 2025 begins at 16:00 UTC on 31 December 2024 in Shanghai, which is in year 2025 there.
  assert.deepEqual(upcoming("0 0 * * * ? 2025", JUNE_1, 1, "Asia/Shanghai"), iso("2024-12-31T16:00:00Z"));
  assert.deepEqual(upcoming("rate(1 hour)", JUNE_1, 1, "Asia/Shanghai", JUNE_1), iso("2024-06-01T01:00:00Z"));
});

test("kind and describe()", () => {
  assert.equal(parseSchedule("rate(5 minutes)").kind, "rate");
  assert.equal(parseSchedule("rate(5 minutes)").describe(), "every 5 minutes");
  assert.equal(parseSchedule("rate(1 day)").describe(), "every day");
  assert.equal(parseSchedule("cron(0 12 ? * 2 *)").kind, "cron");
  assert.equal(parseSchedule("cron(0 12 ? * 2 *)").describe(), "AWS cron(0 12 ? * 2 *) (UTC)");
  assert.equal(parseSchedule("*/5 * * * * * *", "Asia/Shanghai").describe(), 'SCF cron "*/5 * * * * * *" (Asia/Shanghai)');
});

test("AWS cron() errors", () => {
  rejects("cron(0 12 * * *)", "expected 6 fields (minutes hours day-of-month month day-of-week year)");
  rejects("cron(0 0 12 * * ? *)", "expected 6 fields (minutes hours day-of-month month day-of-week year)");
  rejects("cron(0 12 ? * 2 *", "expected 6 fields (minutes hours day-of-month month day-of-week year) inside cron(...)");
  rejects("cron(0 12 * * 2 *)", "exactly one of day-of-month and day-of-week must be ?");
  rejects("cron(0 12 ? * ? *)", "exactly one of day-of-month and day-of-week must be ?");
  rejects("cron(0 12 ? * 0 *)", 'day-of-week "0": expected 1-7 (1 = SUN) or SUN-SAT with , - * / ? L #');
  rejects("cron(0 12 ? * 8 *)", 'day-of-week "8": expected 1-7 (1 = SUN) or SUN-SAT with , - * / ? L #');
  rejects("cron(0 0 1 1 ? 2200)", 'year "2200": expected 1970-2199 with , - * /');
  rejects("cron(0 24 * * ? *)", 'hour "24": expected 0-23 with , - * /');
});

test("SCF cron errors", () => {
  const count =
    "expected 7 fields (second minute hour day-of-month month day-of-week year), " +
    "5 (minute hour day-of-month month day-of-week) or 6 (second ... day-of-week), or AWS cron(...) / rate(...)";
  rejects("* * * *", count);
  rejects("* * * * * * * *", count);
  rejects("", count);
  rejects("0 0 12 ? * 7 *", 'day-of-week "7": expected 0-6 (0 = SUN) or SUN-SAT with , - * / ? L #');
  rejects("0 0 12 ? * FUN *", 'day-of-week "FUN": expected 0-6 (0 = SUN) or SUN-SAT with , - * / ? L #');
  rejects("0 60 * * * * *", 'minute "60": expected 0-59 with , - * /');
  rejects("H * * * * * *", 'second "H": expected 0-59 with , - * /');
  rejects("0 0 0 32 * ? *", 'day-of-month "32": expected 1-31 with , - * / ? L W');
  rejects("0 0 0 1 13 ? *", 'month "13": expected 1-12 or JAN-DEC with , - * /');
  rejects("0 0 0 1 1 ? 1969", 'year "1969": expected 1970-2099 with , - * /');
  rejects("0 0 0 1 1 ? 2100", 'year "2100": expected 1970-2099 with , - * /');
  rejects("0 0 12 1-5W * ? *", 'day-of-month "1-5W": W takes a single day, as in 15W, or LW for the last weekday');
  rejects("0 0 12 15W * MON *", 'day-of-month "15W" uses W, so day-of-week must be ?');
  rejects("0 0 12 30W 2 ? *", "no date matches this expression in the years it allows");
  rejects("0 0 12 29 2 ? 2025", "no date matches this expression in the years it allows");
  // cron-parser's own check, passed on with the expression quoted.
  rejects("0 0 12 30 2 ? *", "Invalid explicit day of month definition");
});

test("rate() errors say what AWS requires", () => {
  rejects("rate(1 minutes)", "a value of 1 takes the singular unit: rate(1 minute)");
  rejects("rate(5 minute)", "a value other than 1 takes the plural unit: rate(5 minutes)");
  rejects("rate(2 day)", "a value other than 1 takes the plural unit: rate(2 days)");
  rejects("rate(0 minutes)", 'the value must be a positive whole number, got "0"');
  rejects("rate(-1 minutes)", 'the value must be a positive whole number, got "-1"');
  rejects("rate(1.5 hours)", 'the value must be a positive whole number, got "1.5"');
  const form = "expected rate(VALUE UNIT), e.g. rate(5 minutes), with UNIT minute(s), hour(s) or day(s)";
  rejects("rate(5 weeks)", `unknown unit "weeks": ${form}`);
  rejects("rate(5)", form);
  rejects("rate()", form);
});

test("an unknown time zone is a ScheduleError", () => {
  rejects(
    "*/5 * * * * * *",
    'unknown time zone "Mars/Olympus": expected an IANA name such as Asia/Shanghai or UTC',
    "Mars/Olympus",
  );
  rejects("rate(5 minutes)", 'unknown time zone "": expected an IANA name such as Asia/Shanghai or UTC', "");
});
