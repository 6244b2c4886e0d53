// Wire shapes of invocations, their errors and their log lines. A leaf.

/** The error shape both clouds return: what the runtime posted, or what the platform says. */
export interface FunctionError {
  errorType: string;
  errorMessage: string;
  stackTrace?: string[];
}

/** Why an invocation failed; `function` is the handler's own error, the rest are the platform's. */
export type FailureKind = "function" | "init" | "timeout" | "oom" | "exit" | "throttle" | "platform";

export type LogStream = "stdout" | "stderr" | "system";

/** One line a function printed, or one of the START/END/REPORT lines the platform prints. */
export interface LogRecord {
  function: string;
  /** Absent for lines printed outside any invocation (init code, background timers). */
  requestId?: string;
  stream: LogStream;
  /** Milliseconds since the epoch. */
  time: number;
  text: string;
  instanceId?: string;
}

export interface InvokeParams {
  function: string;
  /** The event, any JSON value (default `{}`). */
  event?: unknown;
  /**
   * The event as JSON text, given to the runtime byte for byte instead of `event`: what the
   * user typed reaches the handler unchanged (integers past 2^53 included).
   */
  eventText?: string;
  /**
   * The invocation's request id, chosen by the caller so that it can follow the request's
   * logs from the first line: the runtime sees it, every log line carries it, the result repeats it.
   */
  requestId?: string;
}

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
  /**
   * Set when the function streamed its response (Lambda's response streaming): the bytes it
   * streamed. Lambda bills streamed bytes apart, past the first 6 MB of each response
   * (https://aws.amazon.com/lambda/pricing/); Faasbox's cost estimate leaves them out.
   */
  streamedBytes?: number;
  /** What brought the event when a trigger did, e.g. "database:shop" (absent for direct invocations). */
  source?: string;
  /**
   * Set when a debug session's instance ran it: a person may have held it at a breakpoint,
   * so its duration, cost and start say nothing about the function (metrics leave it out).
   */
  debug?: true;
}

/** A finished invocation, from any source (editor, CLI, HTTP, timers), for the editor's history. */
export interface InvocationSummary {
  requestId: string;
  function: string;
  ok: boolean;
  errorKind?: FailureKind;
  /** What failed, as the result's error names it (`Error`, `Runtime.ImportModuleError`, `Sandbox.Timedout`…). */
  errorType?: string;
  errorMessage?: string;
  durationMs: number;
  billedMs: number;
  cold: boolean;
  /** Ran in a debug session's instance (see InvokeResult.debug): neither cold nor warm. */
  debug?: true;
  /** What brought the event when a trigger did (InvokeResult.source). */
  source?: string;
  /** Milliseconds since the epoch, when it finished. */
  time: number;
}

export interface LogFilter {
  function?: string;
  requestId?: string;
  stream?: LogStream;
  /** Case-insensitive substring. */
  text?: string;
}

export interface LogsQueryParams extends LogFilter {
  /** Milliseconds since the epoch. */
  since?: number;
  until?: number;
  /** The newest `limit` matches (default 1000). */
  limit?: number;
}

/** An event of an asynchronous invocation (timers, topics, buckets, Invoke API `Event`). */
export interface AsyncEventInfo {
  /** Also the request id of each attempt, so its logs are found by it. */
  id: string;
  function: string;
  /** Where it came from: "invoke-api", "timer:NAME", "topic:NAME", "storage:BUCKET"… */
  source: string;
  /** The event as JSON text. */
  payload: string;
  enqueuedAt: number;
  /** Attempts made so far. */
  attempts: number;
  lastError?: FunctionError;
  /** Set when it was moved to the dead-letter queue. */
  deadAt?: number;
}
