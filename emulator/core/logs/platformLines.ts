import type { Dialect } from "../../project/spec";

export interface ReportFields {
  requestId: string;
  durationMs: number;
  billedMs: number;
  memoryMb: number;
  maxUsedMb?: number;
  initMs?: number;
  status?: string;
}

/** The START / END / REPORT lines each cloud prints around an invocation. */
export const platformLines = {
  start(dialect: Dialect, requestId: string): string {
    return dialect === "aws" ? `START RequestId: ${requestId} Version: $LATEST` : `START RequestId:${requestId}`;
  },
  end(dialect: Dialect, requestId: string): string {
    return dialect === "aws" ? `END RequestId: ${requestId}` : `END RequestId:${requestId}`;
  },
  report(dialect: Dialect, r: ReportFields): string {
    const used = r.maxUsedMb === undefined ? "n/a" : `${r.maxUsedMb} MB`;
    if (dialect === "aws") {
      let line = `REPORT RequestId: ${r.requestId}\tDuration: ${r.durationMs.toFixed(2)} ms\tBilled Duration: ${r.billedMs} ms\tMemory Size: ${r.memoryMb} MB\tMax Memory Used: ${used}`;
      if (r.initMs !== undefined) line += `\tInit Duration: ${r.initMs.toFixed(2)} ms`;
      if (r.status) line += `\tStatus: ${r.status}`;
      return line;
    }
    let line = `Report RequestId:${r.requestId} Duration:${r.durationMs.toFixed(2)}ms Billed Duration:${r.billedMs}ms Memory Size:${r.memoryMb}MB Max Memory Used:${used.replace(" ", "")}`;
    if (r.initMs !== undefined) line += ` Init Duration:${r.initMs.toFixed(2)}ms`;
    if (r.status) line += ` Status:${r.status}`;
    return line;
  },
};
