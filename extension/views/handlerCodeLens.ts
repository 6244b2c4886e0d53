import * as vscode from "vscode";
import type { FunctionInfo } from "../../emulator/protocol";
import { triggerLabel } from "../../emulator/triggers/events/triggerSample";
import type { FunctionsModel } from "../model/functionsModel";
import { commandLink } from "../commands";
import { DisposableList } from "../util/disposableList";
import { handlerModule } from "../model/handlerModule";
import { isJavaHandlerSource, javaMethodLine, parseJavaHandler } from "../model/javaHandler";

function familyOf(document: vscode.TextDocument): "nodejs" | "python" | "java" | undefined {
  if (document.languageId === "python") return "python";
  if (document.languageId === "java") return "java";
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

/** The line of `fn`'s handler in a Node or Python file, undefined when the file is not its handler's. */
function scriptHandlerLine(document: vscode.TextDocument, fn: FunctionInfo, family: "nodejs" | "python"): number | undefined {
  const fnFamily = /^python/i.test(fn.runtime) ? "python" : /^node/i.test(fn.runtime) ? "nodejs" : undefined;
  if (fnFamily !== family) return undefined;
  const { base, exportName } = handlerModule(fn, family);
  const extensions = family === "python" ? [".py", "/__init__.py"] : [".js", ".mjs", ".cjs", ".ts", ".mts", ".cts"];
  if (!extensions.some((ext) => base + ext === document.uri.fsPath)) return undefined;
  return definitionLine(document, exportName, family) ?? 0;
}

/** The line of `fn`'s handler method in a .java file, undefined when the file is not its handler class's source. */
function javaHandlerLine(document: vscode.TextDocument, fn: FunctionInfo): number | undefined {
  if (!isJavaHandlerSource(fn, document.uri.fsPath)) return undefined;
  const lines = Array.from({ length: document.lineCount }, (_, line) => document.lineAt(line).text);
  return javaMethodLine(lines, parseJavaHandler(fn.handler).method) ?? 0;
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
    const lenses: vscode.CodeLens[] = [];
    for (const fn of this.model.functions) {
      const line = family === "java" ? javaHandlerLine(document, fn) : scriptHandlerLine(document, fn, family);
      if (line === undefined) continue;
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
