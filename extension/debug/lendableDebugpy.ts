import { existsSync } from "node:fs";
import { join } from "node:path";
import * as vscode from "vscode";

/** Where extensions that ship debugpy keep it: the Python Debugger extension, then older Python extensions. */
const BUNDLED_DEBUGPY = [
  { extension: "ms-python.debugpy", folder: ["bundled", "libs"] },
  { extension: "ms-python.python", folder: ["python_files", "lib", "python"] },
  { extension: "ms-python.python", folder: ["pythonFiles", "lib", "python"] },
] as const;

/**
 * A debugpy the emulator can lend to a Python image that has none: the user's
 * `faasbox.python.debugpyPath`, else the copy an installed Python extension ships.
 * A configured path is passed on as it is, so the emulator can say what is wrong with it.
 */
export function lendableDebugpy(): string | undefined {
  const configured = vscode.workspace.getConfiguration("faasbox").get<string>("python.debugpyPath", "").trim();
  if (configured) return configured;
  for (const { extension, folder } of BUNDLED_DEBUGPY) {
    const root = vscode.extensions.getExtension(extension)?.extensionPath;
    if (!root) continue;
    const dir = join(root, ...folder);
    if (existsSync(join(dir, "debugpy", "__init__.py"))) return dir;
  }
  return undefined;
}
