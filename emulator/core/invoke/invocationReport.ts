import type { InvokeResult } from "../../protocol";

/**
 * How one invocation went, as the engine reports it: the wire's result without the
 * parsed value, plus the runtime's answer exactly as it posted it. Each edge decodes the
 * answer once, and only when it needs to (the Invoke API passes it on untouched).
 */
export interface InvocationReport extends Omit<InvokeResult, "result"> {
  /** The runtime's response body, on success (none when a stream listener took it). */
  payload?: Buffer;
  /** The content type the runtime streamed its response with, when it streamed. */
  streamContentType?: string;
}

/** The wire result: the answer parsed from JSON when it is JSON, as text otherwise. */
export function toInvokeResult(report: InvocationReport): InvokeResult {
  const { payload, ...rest } = report;
  // The wire result has no content type: a streamed response's bytes went to the stream's listener.
  delete rest.streamContentType;
  const result: InvokeResult = rest;
  if (report.ok && payload) {
    const text = payload.toString("utf8");
    try {
      result.result = JSON.parse(text);
    } catch {
      result.result = text; // custom runtimes may answer with plain text, or nothing
    }
  }
  return result;
}
