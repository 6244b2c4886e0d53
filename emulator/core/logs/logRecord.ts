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

export type LogStream = "stdout" | "stderr" | "system";
