// Messages between the extension and its webviews (media/invokePanel.js,
// media/metricsView.js), declared once. The webview scripts are plain JS checked against
// these shapes (// @ts-check with JSDoc imports; `npx tsc -p media`), so keep this file
// free of `vscode` and of anything but types.
import type { FunctionCost, FunctionMetrics, InvocationSummary, InvokeResult, LogRecord, MetricsSample, SampleEvent } from "../../emulator/protocol";
import type { InvocationCost } from "../invocations/invocationEvents";

// The shapes the messages carry, for the webview scripts' JSDoc imports.
export type { FunctionCost, FunctionMetrics, InvocationCost, InvocationSummary, InvokeResult, LogRecord, MetricsSample, SampleEvent };

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
  /** An invocation started: from now on the panel shows only `requestId`'s log lines. */
  | { type: "invoking"; requestId: string }
  | { type: "log"; record: LogRecord }
  | { type: "result"; result: InvokeResult; cost?: InvocationCost }
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
  /** The emulator's metrics, the one source of the cards' numbers and of their charts (`recent`). */
  functions: FunctionMetrics[];
  costs: FunctionCost[];
  /** The project's functions, so one not invoked yet still has its card. */
  names: string[];
  connected: boolean;
};

/** Metrics view → extension. */
export type FromMetricsView = { type: "ready" } | { type: "openInvokePanel"; function: string };

/**
 * What the webview host gives a page's scripts (`acquireVsCodeApi()`, once per page):
 * `Message` is what the page may post to the extension, `State` what it keeps while hidden.
 */
export interface WebviewApi<Message, State> {
  postMessage(message: Message): void;
  getState(): State | undefined;
  setState(state: State): void;
}
