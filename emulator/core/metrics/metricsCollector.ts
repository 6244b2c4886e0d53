import { RECENT_SAMPLES, type FunctionMetrics, type InvokeResult, type MetricsWindow, type WindowMetrics } from "../../protocol";
import { percentileOfSorted } from "./percentile";

export interface InvocationSample {
  time: number;
  durationMs: number;
  billedMs: number;
  memoryMb: number;
  ok: boolean;
  throttled: boolean;
  cold: boolean;
  /** Ran under a debugger (InvokeResult.debug): counted apart, in no figure and no cost. */
  debug: boolean;
}

const WINDOWS: Record<MetricsWindow, number> = { "1m": 60_000, "5m": 300_000, "1h": 3_600_000 };
const KEEP_MS = WINDOWS["1h"];

/** Per-function invocation samples for the last hour, and concurrency over time. */
export class MetricsCollector {
  private readonly samples = new Map<string, InvocationSample[]>();
  private readonly concurrencyNow = new Map<string, number>();
  /** (time, concurrency) each time a function's busy count rose. */
  private readonly concurrencyPeaks = new Map<string, { time: number; value: number }[]>();

  constructor(private readonly now: () => number = Date.now) {}

  record(result: Pick<InvokeResult, "function" | "ok" | "errorKind" | "timings" | "memory" | "debug">): void {
    const list = this.list(this.samples, result.function);
    list.push({
      time: this.now(),
      durationMs: result.timings.durationMs,
      billedMs: result.timings.billedMs,
      memoryMb: result.memory.sizeMb,
      ok: result.ok,
      throttled: result.errorKind === "throttle",
      cold: result.timings.cold,
      debug: result.debug === true,
    });
    this.prune(list);
  }

  concurrency(functionName: string, busy: number): void {
    const previous = this.concurrencyNow.get(functionName) ?? 0;
    this.concurrencyNow.set(functionName, busy);
    if (busy > previous) {
      const peaks = this.list(this.concurrencyPeaks, functionName);
      peaks.push({ time: this.now(), value: busy });
      this.prune(peaks);
    }
  }

  /** The invocations that say something about the function: debug ones are left out (a paused handler is no latency, no cost). */
  samplesOf(functionName: string): readonly InvocationSample[] {
    return this.allSamplesOf(functionName).filter((s) => !s.debug);
  }

  private allSamplesOf(functionName: string): InvocationSample[] {
    const list = this.samples.get(functionName) ?? [];
    this.prune(list);
    return list;
  }

  get(functionNames: string[]): FunctionMetrics[] {
    return functionNames.map((name) => {
      const all = this.allSamplesOf(name);
      const samples = all.filter((s) => !s.debug);
      const peaks = this.concurrencyPeaks.get(name) ?? [];
      const current = this.concurrencyNow.get(name) ?? 0;
      const windows = {} as Record<MetricsWindow, WindowMetrics>;
      for (const [window, span] of Object.entries(WINDOWS) as [MetricsWindow, number][]) {
        const since = this.now() - span;
        const inWindow = samples.filter((s) => s.time >= since);
        const ran = inWindow.filter((s) => !s.throttled);
        const durations = ran.map((s) => s.durationMs).sort((a, b) => a - b);
        windows[window] = {
          invocations: inWindow.length,
          errors: inWindow.filter((s) => !s.ok && !s.throttled).length,
          throttles: inWindow.filter((s) => s.throttled).length,
          coldStarts: ran.filter((s) => s.cold).length,
          duration: durations.length
            ? { p50: percentileOfSorted(durations, 50), p95: percentileOfSorted(durations, 95), p99: percentileOfSorted(durations, 99) }
            : null,
          concurrencyPeak: Math.max(current, ...peaks.filter((p) => p.time >= since).map((p) => p.value)),
          debugInvocations: all.filter((s) => s.debug && s.time >= since).length,
        };
      }
      const since5m = this.now() - WINDOWS["5m"];
      const recent = samples
        .filter((s) => s.time >= since5m)
        .slice(-RECENT_SAMPLES)
        .map(({ time, durationMs, ok, throttled, cold }) => ({ time, durationMs, ok, throttled, cold }));
      return { function: name, concurrencyNow: current, windows, recent };
    });
  }

  private list<T>(map: Map<string, T[]>, key: string): T[] {
    let list = map.get(key);
    if (!list) map.set(key, (list = []));
    return list;
  }

  private prune(list: { time: number }[]): void {
    const cutoff = this.now() - KEEP_MS;
    let drop = 0;
    while (drop < list.length && list[drop].time < cutoff) drop++;
    if (drop) list.splice(0, drop);
  }
}
