import type { FailureKind, FunctionError } from "./functionError";
import type { LogRecord } from "../logs/logRecord";

/** What a caller gets back from one invocation, through the CLI, the API or the editor. */
export interface InvokeResult {
  requestId: string;
  function: string;
  ok: boolean;
  /** The function's result, parsed from JSON when it is JSON. */
  result?: unknown;
  error?: FunctionError;
  errorKind?: FailureKind;
  logs: LogRecord[];
  timings: {
    durationMs: number;
    billedMs: number;
    initMs?: number;
    cold: boolean;
    queuedMs: number;
  };
  memory: { sizeMb: number; maxUsedMb?: number };
  instanceId?: string;
}
