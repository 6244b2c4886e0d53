import { nodeInspectorFlags } from "../debug/inspectorAddress";
import type { FunctionSpec } from "../../project/spec";
import type { DebugListen } from "./runtimeEnv";

/**
 * A web function's debugger: scf_bootstrap starts the interpreter itself, so the debugger comes
 * through the environment. Node reads NODE_OPTIONS (`--inspect-brk`: the server waits for the
 * debugger before its first line, as event functions do); Python imports `sitecustomize` from
 * PYTHONPATH at start-up, which starts debugpy (shims/python/webdebug). Either prints the line
 * the instance waits for (`Debugger listening on ws://`, `faasbox: debugpy listening on`).
 */
export function webDebugEnv(spec: FunctionSpec, debug: DebugListen | undefined, shimRoot: string, env: Record<string, string>): Record<string, string> {
  if (!debug) return {};
  if (spec.family === "nodejs") return { NODE_OPTIONS: [...nodeInspectorFlags(debug.port), env.NODE_OPTIONS].filter(Boolean).join(" ") };
  if (spec.family === "python") return { PYTHONPATH: [`${shimRoot}/python/webdebug`, env.PYTHONPATH].filter(Boolean).join(":") };
  return {};
}
