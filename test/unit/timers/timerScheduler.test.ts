import { test, mock } from "node:test";
import assert from "node:assert/strict";
import type { FunctionSpec, TimerTrigger } from "../../../emulator/project/spec";
import { TimerScheduler } from "../../../emulator/triggers/timers/timerScheduler";

function timer(name: string, schedule: string, extra: Partial<TimerTrigger> = {}): TimerTrigger {
  return { kind: "timer", name, schedule, enabled: true, ...extra };
}

function fn(name: string, triggers: TimerTrigger[]): FunctionSpec {
  return {
    name,
    dialect: "scf",
    runtime: "Nodejs18.15",
    family: "nodejs",
    codeDir: "/tmp/code",
    handler: "index.main_handler",
    memoryMb: 128,
    timeoutSec: 3,
    environment: {},
    triggers: [{ kind: "http", method: "GET", path: "/", payload: "scf" }, ...triggers],
    namespace: "default",
    region: "ap-guangzhou",
    maxConcurrency: 10,
    queueSize: 100,
    keepAliveMs: 300_000,
    minWarm: 0,
    source: { file: "/project/serverless.yml", line: 3 },
  };
}

interface Fire {
  fn: string;
  trigger: string;
  scheduled: Date;
  at: number;
}

/** A scheduler that records its fires; stopped at the end of the test. */
function recording(t: { after(fn: () => void): void }, now?: () => Date) {
  const fires: Fire[] = [];
  const scheduler = new TimerScheduler(
    (f, trigger, scheduled) => fires.push({ fn: f.name, trigger: trigger.name, scheduled, at: Date.now() }),
    now,
  );
  t.after(() => scheduler.stop());
  const count = (trigger?: string) => fires.filter((f) => trigger === undefined || f.trigger === trigger).length;
  return { scheduler, fires, count };
}

/** Node's mocked setTimeout and Date, from a whole second: the tests advance time, not wait for it. */
function fakeClock(t: { after(fn: () => void): void }, from = "2024-06-01T00:00:00.250Z"): (ms: number) => void {
  mock.timers.enable({ apis: ["setTimeout", "Date"], now: Date.parse(from) });
  t.after(() => mock.timers.reset());
  // In small steps: a single long tick moves the mocked Date to its end before the first
  // callback runs, so a timer re-armed from inside it would skip the rest of the window.
  return (ms) => {
    for (let left = ms; left > 0; left -= 50) mock.timers.tick(Math.min(50, left));
  };
}

const EVERY_SECOND = "*/1 * * * * * *";

test("a one-second schedule fires once a second with the scheduled time", (t) => {
  const advance = fakeClock(t);
  const { scheduler, fires } = recording(t);
  const started = Date.now();
  assert.deepEqual(scheduler.update([fn("hello", [timer("tick", EVERY_SECOND, { message: "hi" })])]), { problems: [] });
  assert.equal(fires.length, 0);
  advance(3500);
  assert.equal(fires.length, 3, "3 fires in 3.5 s");
  for (const [i, f] of fires.entries()) {
    assert.equal(f.fn, "hello");
    assert.equal(f.trigger, "tick");
    assert.equal(f.scheduled.getTime() % 1000, 0, "a whole second");
    assert.ok(f.scheduled.getTime() > started && f.at >= f.scheduled.getTime(), "fired at or after its time");
    if (i > 0) assert.equal(f.scheduled.getTime() - fires[i - 1].scheduled.getTime(), 1000);
  }
  const [info] = scheduler.list();
  assert.equal(info.lastFire, fires[fires.length - 1].scheduled.getTime());
  assert.equal(info.nextFire, info.lastFire! + 1000);
  assert.deepEqual(
    { ...info, nextFire: undefined, lastFire: undefined },
    { function: "hello", name: "tick", schedule: EVERY_SECOND, enabled: true, nextFire: undefined, lastFire: undefined },
  );
});

test("disabling stops the fires and enabling resumes them", (t) => {
  const advance = fakeClock(t);
  const { scheduler, count } = recording(t);
  scheduler.update([fn("hello", [timer("tick", EVERY_SECOND)])]);
  advance(1000);
  assert.equal(count(), 1);

  assert.equal(scheduler.setEnabled("hello", "tick", false), true);
  const [info] = scheduler.list();
  assert.equal(info.enabled, false);
  assert.equal(info.nextFire, undefined);
  advance(5000);
  assert.equal(count(), 1, "no fires while disabled");

  assert.equal(scheduler.setEnabled("hello", "tick", true), true);
  assert.equal(scheduler.list()[0].enabled, true);
  assert.ok(scheduler.list()[0].nextFire !== undefined);
  advance(1000);
  assert.equal(count(), 2, "fires again once enabled");
  assert.equal(scheduler.setEnabled("hello", "nope", true), false);
  assert.equal(scheduler.setEnabled("nobody", "tick", true), false);
});

test("fireNow fires at once, even a disabled timer, and leaves it disabled", (t) => {
  const advance = fakeClock(t);
  const { scheduler, fires } = recording(t);
  scheduler.update([fn("hello", [timer("tick", EVERY_SECOND, { enabled: false })])]);
  assert.equal(scheduler.list()[0].enabled, false);
  assert.equal(scheduler.list()[0].nextFire, undefined);

  const before = Date.now();
  assert.equal(scheduler.fireNow("hello", "tick"), true);
  assert.equal(fires.length, 1, "fired synchronously");
  assert.ok(Math.abs(fires[0].scheduled.getTime() - before) < 1000);
  assert.equal(scheduler.list()[0].lastFire, fires[0].scheduled.getTime());
  advance(5000);
  assert.equal(fires.length, 1, "still disabled");
  assert.equal(scheduler.fireNow("hello", "nope"), false);
});

test("update() stops removed timers and keeps the others running", (t) => {
  const advance = fakeClock(t);
  const { scheduler, count } = recording(t);
  scheduler.update([fn("hello", [timer("a", EVERY_SECOND), timer("b", EVERY_SECOND)])]);
  advance(1000);
  assert.deepEqual([count("a"), count("b")], [1, 1]);

  assert.deepEqual(scheduler.update([fn("hello", [timer("a", EVERY_SECOND)])]), { problems: [] });
  assert.deepEqual(
    scheduler.list().map((i) => i.name),
    ["a"],
  );
  advance(2000);
  assert.equal(count("b"), 1, "b no longer fires");
  assert.equal(count("a"), 3, "a still fires");

  scheduler.update([]);
  assert.deepEqual(scheduler.list(), []);
  advance(3000);
  assert.equal(count(), 4);
});

test("update(): an unchanged timer keeps its schedule, a changed one is rescheduled", (t) => {
  let clock = new Date("2024-06-01T00:00:00Z");
  const { scheduler } = recording(t, () => clock);
  scheduler.update([fn("hello", [timer("r", "rate(5 minutes)"), timer("c", "0 0 12 * * * *")])]);
  const first = scheduler.list();
  assert.equal(first[0].nextFire, Date.parse("2024-06-01T00:05:00Z"));
  assert.equal(first[1].nextFire, Date.parse("2024-06-01T12:00:00Z"));

  // Two minutes later the same rate still fires on its original grid; a new message changes nothing.
  clock = new Date("2024-06-01T00:02:00Z");
  scheduler.update([fn("hello", [timer("r", "rate(5 minutes)", { message: "new" }), timer("c", "0 0 12 * * * *")])]);
  assert.equal(scheduler.list()[0].nextFire, Date.parse("2024-06-01T00:05:00Z"));

  // A new schedule or time zone starts over from now.
  scheduler.update([
    fn("hello", [timer("r", "rate(10 minutes)"), timer("c", "0 0 12 * * * *", { timezone: "Asia/Shanghai" })]),
  ]);
  const changed = scheduler.list();
  assert.equal(changed[0].nextFire, Date.parse("2024-06-01T00:12:00Z"));
  assert.equal(changed[1].nextFire, Date.parse("2024-06-01T04:00:00Z"));
  assert.equal(changed[1].timezone, "Asia/Shanghai");
});

test("update(): invalid schedules are reported and left out, the rest still run", (t) => {
  const { scheduler } = recording(t);
  const { problems } = scheduler.update([
    fn("hello", [timer("bad", "rate(1 minutes)"), timer("good", "rate(1 minute)"), timer("good", "rate(2 minutes)")]),
    fn("other", [timer("zone", "0 0 12 * * * *", { timezone: "Mars/Olympus" })]),
  ]);
  assert.deepEqual(problems, [
    '/project/serverless.yml:3: function hello: timer "bad": "rate(1 minutes)": a value of 1 takes the singular unit: rate(1 minute)',
    '/project/serverless.yml:3: function hello: timer "good": another timer of this function has the same name',
    '/project/serverless.yml:3: function other: timer "zone": "0 0 12 * * * *": unknown time zone "Mars/Olympus": expected an IANA name such as Asia/Shanghai or UTC',
  ]);
  assert.deepEqual(
    scheduler.list().map((i) => [i.function, i.name, i.schedule]),
    [["hello", "good", "rate(1 minute)"]],
  );
  assert.equal(scheduler.fireNow("hello", "bad"), false);

  // A timer that becomes invalid stops.
  const again = scheduler.update([fn("hello", [timer("good", "rate(1 hours)")])]);
  assert.equal(again.problems.length, 1);
  assert.deepEqual(scheduler.list(), []);
});

test("setEnabled() outlasts update() for the same trigger, not its removal", (t) => {
  const { scheduler } = recording(t, () => new Date("2024-06-01T00:00:00Z"));
  const project = () => [fn("hello", [timer("t", "rate(1 hour)")])];
  scheduler.update(project());
  scheduler.setEnabled("hello", "t", false);
  scheduler.update(project());
  assert.equal(scheduler.list()[0].enabled, false);
  assert.equal(scheduler.list()[0].nextFire, undefined);
  // Still disabled after a schedule change: the override belongs to the trigger.
  scheduler.update([fn("hello", [timer("t", "rate(2 hours)")])]);
  assert.equal(scheduler.list()[0].enabled, false);

  // Removed, then declared again: the manifest decides once more.
  scheduler.update([]);
  scheduler.update(project());
  assert.equal(scheduler.list()[0].enabled, true);
  assert.equal(scheduler.list()[0].nextFire, Date.parse("2024-06-01T01:00:00Z"));

  // The manifest's own `enabled` applies when there is no override.
  scheduler.update([fn("hello", [timer("t", "rate(1 hour)", { enabled: false })])]);
  assert.equal(scheduler.list()[0].enabled, false);
  assert.equal(scheduler.list()[0].nextFire, undefined);
});

test("a fire time beyond setTimeout's 24.8-day limit is reached by re-arming", (t) => {
  mock.timers.enable({ apis: ["setTimeout", "Date"], now: Date.parse("2024-06-01T00:00:00Z") });
  t.after(() => mock.timers.reset());
  // Watch the delays asked of (mocked) setTimeout: Node would take one above 2^31-1 ms as 1 ms.
  const delays: number[] = [];
  const mocked = globalThis.setTimeout;
  const spy = mock.method(globalThis, "setTimeout", (callback: () => void, ms: number) => {
    delays.push(ms);
    return mocked(callback, ms);
  });
  t.after(() => spy.mock.restore());
  const { scheduler, fires } = recording(t);
  scheduler.update([fn("hello", [timer("new-year", "0 0 0 1 1 ? *")])]);
  assert.equal(scheduler.list()[0].nextFire, Date.parse("2025-01-01T00:00:00Z"));

  mock.timers.tick(2 ** 31 - 1);
  assert.equal(fires.length, 0);
  const day = 86_400_000;
  while (Date.now() < Date.parse("2025-01-01T00:00:00Z") - day) mock.timers.tick(day);
  assert.equal(fires.length, 0);
  mock.timers.tick(day);
  assert.equal(fires.length, 1);
  assert.equal(fires[0].scheduled.toISOString(), "2025-01-01T00:00:00.000Z");
  assert.equal(scheduler.list()[0].nextFire, Date.parse("2026-01-01T00:00:00Z"));
  assert.ok(Math.max(...delays) <= 2 ** 31 - 1);
  assert.ok(delays.length >= 9, `${delays.length} waits for 214 days`);
});

test("a schedule whose years are past is listed without a next fire", (t) => {
  const { scheduler } = recording(t);
  assert.deepEqual(scheduler.update([fn("hello", [timer("once", "33 22 11 6 7 * 2021")])]), { problems: [] });
  assert.equal(scheduler.list()[0].nextFire, undefined);
  assert.equal(scheduler.list()[0].enabled, true);
});
