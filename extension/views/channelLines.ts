// The text the Output channels show for a log record. Free of `vscode`, so the unit tests
// load it directly.
import type { FunctionInfo, LogRecord } from "../../emulator/protocol";
import { mapLinePaths } from "../model/pathMapping";

/**
 * A record as a function's own channel shows it: the line as the cloud prints it (Lambda's
 * Node.js lines carry their time, request id and level; START/END/REPORT their request id),
 * with container paths rewritten to workspace paths so the Output view links stack frames.
 */
export function functionChannelText(fn: Pick<FunctionInfo, "codeDir"> | undefined, record: LogRecord): string {
  return mapLinePaths(fn, record.text).replace(/\n+$/, "");
}

/**
 * A record as the all-functions channel shows it, like `sam local`'s terminal with several
 * functions: each line (a traceback printed at once included) starts with its function's name.
 */
export function allFunctionsChannelText(fn: Pick<FunctionInfo, "codeDir"> | undefined, record: LogRecord): string {
  return functionChannelText(fn, record)
    .split("\n")
    .map((line) => `[${record.function}] ${line}`)
    .join("\n");
}
