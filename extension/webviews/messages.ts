// Messages between the extension and its webviews (media/invokePanel.js,
// media/metricsView.js), declared once. The webview scripts are plain JS; they follow
// these shapes.
import type { FunctionCost, FunctionMetrics, InvocationSummary, InvokeResult, LogRecord, SampleEvent } from "../../emulator/protocol/index";

export interface PanelFunction {
  name: string;
  runtime: string;
  dialect: "scf" | "aws";
  handler: string;
  memoryMb: number;
  timeoutSec: number;
  isolated: boolean;
}

/** Extension → invoke panel. */
export type ToInvokePanel =
  | { type: "init"; fn: PanelFunction; savedEvents: string[]; templates: SampleEvent[]; eventText: string }
  | { type: "savedEvents"; names: string[]; selected?: string }
  | { type: "eventText"; text: string; name?: string }
  | { type: "invoking"; requestId?: string }
  | { type: "log"; record: LogRecord }
  | { type: "result"; result: InvokeResult; cost?: { perInvocation: number; currency: string; provider: string; monthly: number } }
  | { type: "failed"; message: string };

/** Invoke panel → extension. */
export type FromInvokePanel =
  | { type: "ready" }
  | { type: "invoke"; text: string }
  | { type: "loadSaved"; name: string }
  | { type: "save"; name: string; text: string }
  | { type: "deleteSaved"; name: string }
  | { type: "openLogs" }
  | { type: "openFrame"; path: string; line: number; column?: number };

/** Extension → metrics view. */
export type ToMetricsView = {
  type: "metrics";
  functions: FunctionMetrics[];
  costs: FunctionCost[];
  /** Recent invocations per function, oldest first, for the chart. */
  history: Record<string, Pick<InvocationSummary, "time" | "durationMs" | "ok" | "cold">[]>;
  connected: boolean;
};

/** Metrics view → extension. */
export type FromMetricsView = { type: "ready" } | { type: "openInvokePanel"; function: string };
