import { join } from "node:path";
import * as vscode from "vscode";
import type { FunctionInfo } from "../../emulator/protocol";
import { triggerLabel } from "../../emulator/triggers/events/triggerSample";
import type { FunctionsModel } from "../model/functionsModel";
import { commandLink } from "../commands";
import { DisposableList } from "../util/disposableList";

/** The file a handler names, without extension: Node splits at the first dot after the last slash, Python at the last dot. */
export function handlerModule(fn: Pick<FunctionInfo, "handler" | "runtime" | "codeDir">, family: "nodejs" | "python"): { base: string; exportName: string } {
  if (family === "nodejs") {
    const dot = fn.handler.indexOf(".", fn.handler.lastIndexOf("/") + 1);
    return { base: join(fn.codeDir, fn.handler.slice(0, dot)), exportName: fn.handler.slice(dot + 1).split(".").pop()! };
  }
  const dot = fn.handler.lastIndexOf(".");
  return { base: join(fn.codeDir, fn.handler.slice(0, dot).replace(/\./g, "/")), exportName: fn.handler.slice(dot + 1) };
}

function familyOf(document: vscode.TextDocument): "nodejs" | "python" | undefined {
  if (document.languageId === "python") return "python";
  if (["javascript", "typescript", "javascriptreact", "typescriptreact"].includes(document.languageId)) return "nodejs";
  return undefined;
}

/** The line where `name` is defined as an export or a Python function, if it can be found. */
function definitionLine(document: vscode.TextDocument, name: string, family: "nodejs" | "python"): number | undefined {
  const n = name.replace(/[$]/g, "\\$");
  const patterns = family === "python"
    ? [new RegExp(`^\\s*(async\\s+)?def\\s+${n}\\s*\\(`)]
    : [
        new RegExp(`^\\s*export\\s+(async\\s+)?(function\\*?|const|let|var)\\s+${n}\\b`),
        new RegExp(`^\\s*(module\\.)?exports\\.${n}\\s*=`),
        new RegExp(`^\\s*export\\s*\\{[^}]*\\b${n}\\b`),
        new RegExp(`^\\s*(async\\s+)?function\\s+${n}\\s*\\(`),
        new RegExp(`\\b${n}\\s*[:=]\\s*(async\\s*)?(\\(|function)`),
      ];
  for (const pattern of patterns) {
    for (let line = 0; line < document.lineCount; line++) if (pattern.test(document.lineAt(line).text)) return line;
  }
  return undefined;
}

/** "Invoke | Debug | Logs | Deploy | Run <trigger>…" above each handler the manifests name. */
export class HandlerCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly disposables = new DisposableList();

  constructor(private readonly model: FunctionsModel) {
    this.disposables.push(this.changed, model.onDidChange(() => this.changed.fire()));
  }

  dispose(): void {
    this.disposables.dispose();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const family = familyOf(document);
    if (!family) return [];
    const path = document.uri.fsPath;
    const lenses: vscode.CodeLens[] = [];
    for (const fn of this.model.functions) {
      const fnFamily = /^python/i.test(fn.runtime) ? "python" : /^node/i.test(fn.runtime) ? "nodejs" : undefined;
      if (fnFamily !== family) continue;
      const { base, exportName } = handlerModule(fn, family);
      const extensions = family === "python" ? [".py", "/__init__.py"] : [".js", ".mjs", ".cjs", ".ts", ".mts", ".cts"];
      if (!extensions.some((ext) => base + ext === path)) continue;
      const line = definitionLine(document, exportName, family) ?? 0;
      const range = new vscode.Range(line, 0, line, 0);
      lenses.push(
        new vscode.CodeLens(range, commandLink(`$(play) Invoke ${fn.name}`, "faasbox.function.invoke", fn.name)),
        new vscode.CodeLens(range, commandLink("$(debug-alt) Debug", "faasbox.function.debug", fn.name)),
        new vscode.CodeLens(range, commandLink("$(output) Logs", "faasbox.function.showLogs", fn.name)),
        new vscode.CodeLens(range, commandLink("$(cloud-upload) Deploy", "faasbox.function.deploy", fn.name)),
        // Run now, one per trigger: the sample goes through the trigger itself (the gateway, the timer, the topic).
        ...fn.triggers.map((trigger, index) =>
          new vscode.CodeLens(range, commandLink(`$(run-all) Run ${triggerLabel(trigger)}`, "faasbox.trigger.run", { kind: "trigger", function: fn.name, trigger, index })),
        ),
      );
    }
    return lenses;
  }
}
