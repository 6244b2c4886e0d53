import type { AsyncQueue } from "../async/asyncQueue";
import type { RuntimeFamily } from "../../config/runtimeFamily";
import type { Engine } from "../../core/engine";
import type { InvocationReport } from "../../core/invoke/invocationReport";
import type { ResponseStreamListener } from "../../core/runtime/streamedResponse";

/** What the Invoke API needs from the emulator: its functions, a synchronous run, the async queue. */
export interface InvokeApiTarget {
  hasFunction(name: string): boolean;
  functionNames(): string[];
  /** The function's runtime family: error payloads name the stack as that runtime does. */
  familyOf(name: string): RuntimeFamily;
  /**
   * How it went, with the payload as the runtime posted it; the request's log lines only when
   * `keepLogs` (LogType Tail). With `stream`, a streamed response goes there as it arrives.
   */
  invoke(name: string, payload: Buffer, options: { clientContext?: string; keepLogs?: boolean; requestId?: string; stream?: ResponseStreamListener }): Promise<InvocationReport>;
  enqueue(name: string, payload: string, source: string): Promise<{ id: string }>;
}

/** The usual target: an emulator's functions, with Event invocations through its async queue. */
export function emulatorTarget(emulator: Engine, queue: AsyncQueue): InvokeApiTarget {
  return {
    hasFunction: (name) => emulator.functions().some((f) => f.name === name),
    functionNames: () => emulator.functions().map((f) => f.name),
    familyOf: (name) => emulator.getFunction(name).family,
    invoke: (name, payload, options) => emulator.run(name, payload, options),
    enqueue: (name, payload, source) => queue.enqueue(name, payload, source),
  };
}
