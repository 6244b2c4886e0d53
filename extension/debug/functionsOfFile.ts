import type { FunctionInfo } from "../../emulator/protocol";
import { handlerModule } from "../model/handlerModule";
import { isJavaHandlerSource, isJavaRuntime } from "../model/javaHandler";

const NODE_EXTENSIONS = [".js", ".mjs", ".cjs", ".ts", ".mts", ".cts"];
const PYTHON_EXTENSIONS = [".py", "/__init__.py"];

/** The functions whose handler is the file at `path` (the file open in the editor, for F5). */
export function functionsOfFile(functions: readonly FunctionInfo[], path: string): FunctionInfo[] {
  return functions.filter((fn) => {
    if (isJavaRuntime(fn.runtime)) return isJavaHandlerSource(fn, path);
    const family = /^python/i.test(fn.runtime) ? "python" : /^node/i.test(fn.runtime) ? "nodejs" : undefined;
    if (!family) return false;
    const { base } = handlerModule(fn, family);
    return (family === "python" ? PYTHON_EXTENSIONS : NODE_EXTENSIONS).some((ext) => base + ext === path);
  });
}
