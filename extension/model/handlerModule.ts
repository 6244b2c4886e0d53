import { join } from "node:path";
import type { FunctionInfo } from "../../emulator/protocol";

/** The file a handler names, without extension: Node splits at the first dot after the last slash, Python at the last dot. */
export function handlerModule(fn: Pick<FunctionInfo, "handler" | "runtime" | "codeDir">, family: "nodejs" | "python"): { base: string; exportName: string } {
  if (family === "nodejs") {
    const dot = fn.handler.indexOf(".", fn.handler.lastIndexOf("/") + 1);
    return { base: join(fn.codeDir, fn.handler.slice(0, dot)), exportName: fn.handler.slice(dot + 1).split(".").pop()! };
  }
  const dot = fn.handler.lastIndexOf(".");
  return { base: join(fn.codeDir, fn.handler.slice(0, dot).replace(/\./g, "/")), exportName: fn.handler.slice(dot + 1) };
}
