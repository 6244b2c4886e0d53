// Issue 21's goals, judged from the figures of one `npm run bench` run: a row that carries a
// figure a goal needs gives it by name in `figures`; the goals compare figures of the same run only.
import type { Row } from "./emulatorBench";

interface Goal {
  text: string;
  /** The measured figure, as shown; undefined when the run did not measure it. */
  measured(figures: Map<string, number>): { shown: string; met: boolean } | undefined;
}

const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`;
const times = (value: number) => `${value.toFixed(2)}×`;

function atMost(key: string, limit: number, text: string, show = ms): Goal {
  return { text, measured: (f) => (f.has(key) ? { shown: show(f.get(key)!), met: f.get(key)! <= limit } : undefined) };
}

function atLeast(key: string, limit: number, text: string, show = times): Goal {
  return { text, measured: (f) => (f.has(key) ? { shown: show(f.get(key)!), met: f.get(key)! >= limit } : undefined) };
}

function ratioAtMost(key: string, over: string, limit: number, text: string): Goal {
  return {
    text,
    measured: (f) => (f.has(key) && f.has(over) ? { shown: `${ms(f.get(key)!)} ÷ ${ms(f.get(over)!)} = ${times(f.get(key)! / f.get(over)!)}`, met: f.get(key)! / f.get(over)! <= limit } : undefined),
  };
}

export const GOALS: Goal[] = [
  atLeast("gateway.c10.ratio", 2, "HTTP no-op Node function, c=10, ÷ serverless-offline ≥ 2×"),
  atLeast("gateway.c50.ratio", 2, "HTTP no-op Node function, c=50, ÷ serverless-offline ≥ 2×"),
  atLeast("throughput.nodeOverPython", 1, "Node ÷ Python throughput at c=10 ≥ 1×"),
  atMost("overhead.node.p50", 0.3, "warm overhead (Node) p50 ≤ 0.3 ms"),
  atMost("overhead.node.p99", 2, "warm overhead (Node) p99 ≤ 2 ms"),
  atMost("cli.versionOverNode", 1.3, "`faasbox --version` ≤ 1.3× `node -e 0`", times),
  atMost("cli.invoke", 200, "`faasbox invoke` against a warm emulator ≤ 200 ms"),
  ratioAtMost("firstRequest.node.p50", "floor.p50", 0.8, "first request p50 (Node) ≤ 0.8× the container floor"),
  ratioAtMost("firstRequest.python.p50", "floor.p50", 0.8, "first request p50 (Python) ≤ 0.8× the container floor"),
  {
    text: "16 concurrent first requests, all answered ≤ 1 s",
    // Shown beside 16 bare containers started at once in the same run: the engine's own floor for a burst.
    measured: (f) =>
      f.has("concurrent16.p50")
        ? { shown: `${ms(f.get("concurrent16.p50")!)}${f.has("concurrent16.floor") ? ` (16 bare containers: ${ms(f.get("concurrent16.floor")!)})` : ""}`, met: f.get("concurrent16.p50")! <= 1000 }
        : undefined,
  },
  atMost("debug.node.p50", 300, "debug start → breakpoint (Node) ≤ 300 ms"),
  atMost("debug.python.p50", 600, "debug start → breakpoint (Python) ≤ 600 ms"),
  atMost("rss.idle", 60, "emulator idle RSS ≤ 60 MB", (v) => `${v.toFixed(1)} MB`),
];

/** The goals as a table: measured, met or not, or "not measured" when a part of the bench did not run. */
export function goalTable(rows: Row[]): { text: string; met: number; total: number } {
  const figures = new Map<string, number>();
  for (const row of rows) for (const [name, figure] of Object.entries(row.figures ?? {})) figures.set(name, figure);
  const lines = ["| issue 21 goal | this run | met |", "|---|---|---|"];
  let met = 0;
  for (const goal of GOALS) {
    const result = goal.measured(figures);
    if (result?.met) met++;
    lines.push(`| ${goal.text} | ${result?.shown ?? "not measured"} | ${result ? (result.met ? "yes" : "no") : "—"} |`);
  }
  return { text: lines.join("\n"), met, total: GOALS.length };
}
