// What a row of a function's history says about one finished invocation. Free of `vscode`,
// so the unit tests load it directly.
import type { InvocationSummary } from "../../emulator/protocol";

/** Long messages are cut here: the row is one line of the tree, the tooltip holds the rest. */
const MESSAGE_LENGTH = 80;

/**
 * "ok · 21.0 ms" for a success; a failure says what failed, as the cloud's error names it:
 * "✗ Error: boom · 21.0 ms", "✗ Runtime.ImportModuleError: Error: Cannot find module… · 3.2 ms",
 * or its kind ("✗ timeout") when the error has no type.
 */
export function invocationLabel(summary: Pick<InvocationSummary, "ok" | "errorKind" | "errorType" | "errorMessage" | "durationMs">): string {
  const duration = `${summary.durationMs.toFixed(1)} ms`;
  if (summary.ok) return `ok · ${duration}`;
  return `✗ ${failureText(summary)} · ${duration}`;
}

function failureText(summary: Pick<InvocationSummary, "errorKind" | "errorType" | "errorMessage">): string {
  const message = (summary.errorMessage ?? "").replace(/\s+/g, " ").trim();
  const short = message.length > MESSAGE_LENGTH ? `${message.slice(0, MESSAGE_LENGTH - 1)}…` : message;
  if (summary.errorType && short) return `${summary.errorType}: ${short}`;
  if (summary.errorType) return summary.errorType;
  if (short) return short;
  return summary.errorKind ?? "error";
}
