// The numbers behind the Metrics view: per-window counts, latency percentiles, concurrency.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MetricsCollector } from "../../../emulator/core/metrics/metricsCollector";
import { DEFAULT_PRICES, estimateCost } from "../../../emulator/core/metrics/cost";
import type { FailureKind, InvokeResult } from "../../../emulator/protocol";

/** A collector on a clock the test moves. */
function collector() {
  let now = 1_700_000_000_000;
  const metrics = new MetricsCollector(() => now);
  return { metrics, advance: (ms: number) => (now += ms) };
}

function result(durationMs: number, extra: { fn?: string; errorKind?: FailureKind; cold?: boolean; debug?: true } = {}): InvokeResult {
  return {
    requestId: "r", function: extra.fn ?? "fn", ok: extra.errorKind === undefined, logs: [],
    ...(extra.errorKind ? { errorKind: extra.errorKind, error: { errorType: "E", errorMessage: "m" } } : {}),
    timings: { durationMs, billedMs: Math.ceil(durationMs), cold: extra.cold ?? false, queuedMs: 0 },
    memory: { sizeMb: 128 },
    ...(extra.debug ? { debug: true } : {}),
  };
}

test("a window counts invocations, errors, throttles and cold starts; throttles are neither errors nor latency", () => {
  const { metrics } = collector();
  metrics.record(result(10, { cold: true }));
  metrics.record(result(20));
  metrics.record(result(30, { errorKind: "function" }));
  metrics.record(result(0, { errorKind: "throttle", cold: true }));
  const [fn] = metrics.get(["fn"]);
  assert.equal(fn.function, "fn");
  const w = fn.windows["1m"];
  assert.equal(w.invocations, 4);
  assert.equal(w.errors, 1);
  assert.equal(w.throttles, 1);
  assert.equal(w.coldStarts, 1, "a throttled invocation never started anything");
  assert.deepEqual(w.duration, { p50: 20, p95: 30, p99: 30 });
});

test("latency percentiles are nearest-rank over the invocations that ran", () => {
  const { metrics } = collector();
  for (let ms = 100; ms >= 1; ms--) metrics.record(result(ms));
  assert.deepEqual(metrics.get(["fn"])[0].windows["5m"].duration, { p50: 50, p95: 95, p99: 99 });
});

test("samples leave the 1-minute and 5-minute windows as they age, and are forgotten after an hour", () => {
  const { metrics, advance } = collector();
  metrics.record(result(5));
  advance(2 * 60_000);
  metrics.record(result(7));
  let [fn] = metrics.get(["fn"]);
  assert.deepEqual([fn.windows["1m"].invocations, fn.windows["5m"].invocations, fn.windows["1h"].invocations], [1, 2, 2]);

  advance(4 * 60_000); // 6 and 4 minutes old
  [fn] = metrics.get(["fn"]);
  assert.deepEqual([fn.windows["1m"].invocations, fn.windows["5m"].invocations, fn.windows["1h"].invocations], [0, 1, 2]);
  assert.deepEqual(fn.windows["5m"].duration, { p50: 7, p95: 7, p99: 7 }, "latency of the window's own invocations");

  advance(2 * 60_000); // 8 and 6 minutes old
  [fn] = metrics.get(["fn"]);
  assert.deepEqual([fn.windows["1m"].invocations, fn.windows["5m"].invocations, fn.windows["1h"].invocations], [0, 0, 2]);
  assert.equal(fn.windows["1m"].duration, null, "no latency without invocations");

  advance(60 * 60_000);
  assert.equal(metrics.samplesOf("fn").length, 0);
  assert.equal(metrics.get(["fn"])[0].windows["1h"].invocations, 0);
});

test("functions are counted apart, and one never invoked reports zeros", () => {
  const { metrics } = collector();
  metrics.record(result(1, { fn: "a" }));
  metrics.record(result(1, { fn: "a" }));
  metrics.record(result(1, { fn: "b" }));
  const [a, b, c] = metrics.get(["a", "b", "never"]);
  assert.equal(a.windows["1h"].invocations, 2);
  assert.equal(b.windows["1h"].invocations, 1);
  assert.deepEqual(c.windows["1h"], { invocations: 0, errors: 0, throttles: 0, coldStarts: 0, duration: null, concurrencyPeak: 0, debugInvocations: 0 });
});

test("concurrency: the current value, and the peak of each window", () => {
  const { metrics, advance } = collector();
  metrics.concurrency("fn", 1);
  metrics.concurrency("fn", 4);
  metrics.concurrency("fn", 2);
  let [fn] = metrics.get(["fn"]);
  assert.equal(fn.concurrencyNow, 2);
  assert.equal(fn.windows["1m"].concurrencyPeak, 4);

  advance(2 * 60_000);
  metrics.concurrency("fn", 1);
  [fn] = metrics.get(["fn"]);
  assert.equal(fn.concurrencyNow, 1);
  assert.equal(fn.windows["1m"].concurrencyPeak, 1, "the peak of 4 is older than a minute");
  assert.equal(fn.windows["5m"].concurrencyPeak, 4);

  metrics.concurrency("fn", 3);
  advance(10 * 60_000);
  [fn] = metrics.get(["fn"]);
  assert.equal(fn.windows["1m"].concurrencyPeak, 3, "the current value counts as a peak even when it rose long ago");
});

test("the recent invocations are the 5-minute window's own, so a chart of them shows the counts the window gives", () => {
  const { metrics, advance } = collector();
  metrics.record(result(5, { cold: true }));
  advance(6 * 60_000); // out of the 5-minute window
  metrics.record(result(40, { cold: true }));
  metrics.record(result(10));
  metrics.record(result(0, { errorKind: "throttle", cold: true }));
  const [fn] = metrics.get(["fn"]);
  assert.deepEqual(fn.recent.map((s) => s.durationMs), [40, 10, 0], "oldest first, none from before the window");
  const w = fn.windows["5m"];
  assert.equal(fn.recent.length, w.invocations);
  assert.equal(fn.recent.filter((s) => s.cold && !s.throttled).length, w.coldStarts);
  assert.equal(fn.recent.filter((s) => s.throttled).length, w.throttles);
});

test("the recent invocations are the newest 50 of a busy window", () => {
  const { metrics } = collector();
  for (let i = 1; i <= 60; i++) metrics.record(result(i));
  const [fn] = metrics.get(["fn"]);
  assert.equal(fn.windows["5m"].invocations, 60);
  assert.deepEqual([fn.recent.length, fn.recent[0].durationMs, fn.recent.at(-1)!.durationMs], [50, 11, 60]);
});

test("debug invocations are counted apart: no latency, no cold start, no error, no cost", () => {
  const { metrics, advance } = collector();
  metrics.record(result(10));
  metrics.record(result(20));
  // A person held these at a breakpoint: 8 s, a cold start of the debug instance, an error while stepping.
  metrics.record(result(8000, { debug: true, cold: true }));
  metrics.record(result(9000, { debug: true, errorKind: "function" }));
  const w = metrics.get(["fn"])[0].windows["1m"];
  assert.equal(w.invocations, 2);
  assert.equal(w.debugInvocations, 2);
  assert.equal(w.errors, 0);
  assert.equal(w.coldStarts, 0);
  assert.deepEqual(w.duration, { p50: 10, p95: 20, p99: 20 });
  const cost = estimateCost("fn", metrics.samplesOf("fn"), DEFAULT_PRICES.aws, Date.now(), 0);
  assert.equal(cost.invocations, 2);
  assert.equal(cost.billedMs, 30);
  advance(60 * 60_000 + 1);
  assert.equal(metrics.get(["fn"])[0].windows["1h"].debugInvocations, 0, "debug invocations age out with the rest");
});
