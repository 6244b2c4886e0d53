// What the invocation service reports, free of `vscode`: the invoke panel's messages
// (extension/webviews/messages.ts) and the unit tests use the same shapes.
import type { InvokeResult, LogRecord } from "../../emulator/protocol";

/** The cost estimate shown with a result: per invocation, and per month at the observed rate. */
export interface InvocationCost {
  perInvocation: number;
  currency: string;
  provider: string;
  monthly: number;
}

/** One invocation's life: started, any number of its own log lines, then finished or failed. */
export type InvocationEvent =
  | { type: "started"; function: string; requestId: string; event: unknown }
  | { type: "log"; function: string; requestId: string; record: LogRecord }
  | { type: "finished"; function: string; requestId: string; result: InvokeResult; cost?: InvocationCost }
  | { type: "failed"; function: string; requestId: string; message: string };
