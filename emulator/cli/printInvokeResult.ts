import { formatLogLine } from "../core/logs/formatLog";
import type { InvokeResult } from "../protocol";

/** Prints the result on stdout and the logs on stderr; exit 0 on success, 1 on a function error. */
export function printInvokeResult(result: InvokeResult): number {
  for (const record of result.logs) process.stderr.write(`${formatLogLine(record)}\n`);
  if (result.ok) {
    // Always JSON, as the CLI contract says: a custom runtime's plain text is a JSON string here.
    process.stdout.write(`${JSON.stringify(result.result, null, 2)}\n`);
    return 0;
  }
  process.stdout.write(`${JSON.stringify(result.error, null, 2)}\n`);
  process.stderr.write(`error: ${result.function} failed (${result.errorKind}): ${result.error?.errorType}: ${result.error?.errorMessage}\n`);
  return 1;
}
