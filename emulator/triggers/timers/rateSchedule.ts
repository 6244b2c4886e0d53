import { ScheduleError, type Schedule } from "./types";

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
const FORM = "expected rate(VALUE UNIT), e.g. rate(5 minutes), with UNIT minute(s), hour(s) or day(s)";

/** EventBridge's rate(VALUE UNIT): a fixed period counted from when the timer starts, as AWS does. */
export function parseRate(text: string): Schedule {
  const match = /^rate\(\s*(\S+)\s+(\S+)\s*\)$/i.exec(text.trim());
  if (!match) throw new ScheduleError(text, FORM);
  const [, valueText, unitText] = match;
  const unit = unitText.toLowerCase();
  const singular = unit.endsWith("s") ? unit.slice(0, -1) : unit;
  if (!(singular in UNIT_MS)) throw new ScheduleError(text, `unknown unit "${unitText}": ${FORM}`);
  if (!/^\d+$/.test(valueText) || Number(valueText) < 1) {
    throw new ScheduleError(text, `the value must be a positive whole number, got "${valueText}"`);
  }
  const value = Number(valueText);
  // AWS rejects "rate(1 minutes)" and "rate(5 minute)"; an emulator that accepted them would hide a failed deploy.
  if (value === 1 && unit !== singular) {
    throw new ScheduleError(text, `a value of 1 takes the singular unit: rate(1 ${singular})`);
  }
  if (value !== 1 && unit === singular) {
    throw new ScheduleError(text, `a value other than 1 takes the plural unit: rate(${value} ${singular}s)`);
  }
  const periodMs = value * UNIT_MS[singular];
  const label = `every ${value === 1 ? singular : `${value} ${singular}s`}`;
  return {
    kind: "rate",
    describe: () => label,
    next(after: Date, start: Date = after): Date {
      const elapsed = after.getTime() - start.getTime();
      const periods = elapsed < 0 ? 1 : Math.floor(elapsed / periodMs) + 1;
      return new Date(start.getTime() + periods * periodMs);
    },
  };
}
