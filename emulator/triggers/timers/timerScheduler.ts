import type { FunctionSpec, TimerTrigger } from "../../project/spec";
import type { TimerInfo } from "../../protocol";
import { armAt } from "./armAt";
import { parseSchedule, ScheduleError, type Schedule } from "./schedule";

/** Called at each fire time; it should start the invocation and return, not wait for it. */
export type FireTimer = (fn: FunctionSpec, trigger: TimerTrigger, scheduledTime: Date) => void;

// The shape clients see (timers.list) is declared once, in the protocol.
export type { TimerInfo };

export interface TimerUpdate {
  /** Timer triggers left unscheduled, each naming the function, the trigger and what is wrong. */
  problems: string[];
}

interface Timer {
  fn: FunctionSpec;
  trigger: TimerTrigger;
  schedule: Schedule;
  /** When the timer was first scheduled: rate schedules count their periods from here. */
  start: Date;
  nextFire?: Date;
  lastFire?: Date;
  cancel?: () => void;
}

const keyOf = (functionName: string, triggerName: string): string => JSON.stringify([functionName, triggerName]);

/** Runs the timer triggers of a project: one pending setTimeout per enabled timer, re-armed after each fire. */
export class TimerScheduler {
  private readonly timers = new Map<string, Timer>();
  /** setEnabled() choices, which win over the manifest's `enabled` for as long as the trigger exists. */
  private readonly overrides = new Map<string, boolean>();

  constructor(
    private readonly fire: FireTimer,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Takes the project's current functions: unchanged timers keep their schedule, others start or stop. */
  update(functions: FunctionSpec[]): TimerUpdate {
    const problems: string[] = [];
    const declared = new Set<string>();
    const scheduled = new Set<string>();
    for (const fn of functions) {
      for (const trigger of fn.triggers) {
        if (trigger.kind !== "timer") continue;
        const key = keyOf(fn.name, trigger.name);
        const where = `${fn.source.file}:${fn.source.line}: function ${fn.name}: timer "${trigger.name}"`;
        if (declared.has(key)) {
          problems.push(`${where}: another timer of this function has the same name`);
          continue;
        }
        declared.add(key);
        try {
          this.take(key, fn, trigger);
          scheduled.add(key);
        } catch (error) {
          if (!(error instanceof ScheduleError)) throw error;
          problems.push(`${where}: ${error.message}`);
        }
      }
    }
    for (const [key, timer] of this.timers) {
      if (scheduled.has(key)) continue;
      timer.cancel?.();
      this.timers.delete(key);
    }
    for (const key of this.overrides.keys()) if (!declared.has(key)) this.overrides.delete(key);
    return { problems };
  }

  list(): TimerInfo[] {
    return [...this.timers.entries()].map(([key, timer]) => {
      const info: TimerInfo = {
        function: timer.fn.name,
        name: timer.trigger.name,
        schedule: timer.trigger.schedule,
        enabled: this.isEnabled(key, timer),
      };
      if (timer.nextFire) info.nextFire = timer.nextFire.getTime();
      if (timer.lastFire) info.lastFire = timer.lastFire.getTime();
      if (timer.trigger.timezone !== undefined) info.timezone = timer.trigger.timezone;
      return info;
    });
  }

  /** Overrides the manifest's `enabled` at run time; false when there is no such timer. */
  setEnabled(functionName: string, triggerName: string, enabled: boolean): boolean {
    const key = keyOf(functionName, triggerName);
    const timer = this.timers.get(key);
    if (!timer) return false;
    const was = this.isEnabled(key, timer);
    this.overrides.set(key, enabled);
    if (was !== enabled) this.arm(key, timer);
    return true;
  }

  /** Fires the timer at once, enabled or not, leaving its schedule as it was; false when there is no such timer. */
  fireNow(functionName: string, triggerName: string): boolean {
    const timer = this.timers.get(keyOf(functionName, triggerName));
    if (!timer) return false;
    const at = this.now();
    timer.lastFire = at;
    this.fire(timer.fn, timer.trigger, at);
    return true;
  }

  stop(): void {
    for (const timer of this.timers.values()) timer.cancel?.();
    this.timers.clear();
    this.overrides.clear();
  }

  /** Adopts one declared timer trigger; throws ScheduleError (after stopping the old one) when it cannot run. */
  private take(key: string, fn: FunctionSpec, trigger: TimerTrigger): void {
    const old = this.timers.get(key);
    if (old && old.trigger.schedule === trigger.schedule && old.trigger.timezone === trigger.timezone) {
      // Same schedule: keep the pending fire and the rate's start, only take the new message,
      // input and manifest `enabled`.
      const was = this.isEnabled(key, old);
      old.fn = fn;
      old.trigger = trigger;
      if (this.isEnabled(key, old) !== was) this.arm(key, old);
      return;
    }
    old?.cancel?.();
    this.timers.delete(key);
    const timer: Timer = { fn, trigger, schedule: parseSchedule(trigger.schedule, trigger.timezone), start: this.now() };
    this.timers.set(key, timer);
    this.arm(key, timer);
  }

  private isEnabled(key: string, timer: Timer): boolean {
    return this.overrides.get(key) ?? timer.trigger.enabled;
  }

  /** Cancels the pending fire and, when enabled, waits for the next scheduled time. */
  private arm(key: string, timer: Timer): void {
    timer.cancel?.();
    timer.cancel = undefined;
    timer.nextFire = undefined;
    if (!this.isEnabled(key, timer)) return;
    // After the last fire as well as after now: a clock read a little early must not fire a time twice.
    const now = this.now();
    const after = timer.lastFire && timer.lastFire > now ? timer.lastFire : now;
    const next = timer.schedule.next(after, timer.start);
    if (!next) return;
    timer.nextFire = next;
    timer.cancel = armAt(next, this.now, () => {
      timer.lastFire = next;
      // Re-armed before firing, so a fire callback that throws does not stop the timer, and
      // list() called from within it already shows the next time.
      this.arm(key, timer);
      this.fire(timer.fn, timer.trigger, next);
    });
  }
}
