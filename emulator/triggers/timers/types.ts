/** When a timer fires: an adapted cron expression or a fixed rate. */
export interface Schedule {
  kind: "cron" | "rate";
  /** For people: the syntax, the expression and the time zone. */
  describe(): string;
  /**
   * The first fire time strictly after `after`, or undefined when there is none
   * (every allowed year is past). `start` anchors a rate: it fires at start + k × period,
   * so its rhythm does not depend on when next() is asked. Cron schedules ignore it.
   */
  next(after: Date, start?: Date): Date | undefined;
}

/** A schedule that cannot be used; the message quotes it and says what was expected. */
export class ScheduleError extends Error {
  constructor(text: string, expected: string) {
    super(`${JSON.stringify(text)}: ${expected}`);
    this.name = "ScheduleError";
  }
}
