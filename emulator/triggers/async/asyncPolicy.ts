import type { FunctionSpec } from "../../project/spec";
import type { AsyncPolicy } from "./asyncQueue";

/** A function's asynchronous-invocation settings as the queue takes them; none for a function no longer loaded. */
export function asyncPolicy(spec: FunctionSpec | undefined): AsyncPolicy {
  if (!spec) return {};
  return {
    ...(spec.asyncRetries !== undefined ? { retries: spec.asyncRetries } : {}),
    ...(spec.asyncMaxEventAgeSec !== undefined ? { maxEventAgeMs: spec.asyncMaxEventAgeSec * 1000 } : {}),
  };
}
