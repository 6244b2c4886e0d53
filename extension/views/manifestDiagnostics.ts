import * as vscode from "vscode";
import type { FunctionsModel } from "../model/functionsModel";
import { parseLocated } from "../model/locatedMessage";

/**
 * Manifest problems (errors: the function is left out) and warnings (not emulated, read
 * leniently) as the editor's diagnostics: underlined at their line in the manifest and listed in
 * the Problems panel, the way a compiler's are, kept in step with the Functions view.
 */
export function manifestDiagnostics(model: FunctionsModel): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection("faasbox");
  const update = () => {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    const add = (text: string, severity: vscode.DiagnosticSeverity) => {
      const located = parseLocated(text);
      if (!located) return;
      const line = Math.max(located.line - 1, 0);
      const diagnostic = new vscode.Diagnostic(new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER), `${located.field}: ${located.message}`, severity);
      diagnostic.source = "Faasbox";
      byFile.set(located.file, [...(byFile.get(located.file) ?? []), diagnostic]);
    };
    for (const problem of model.problems) add(problem, vscode.DiagnosticSeverity.Error);
    for (const warning of model.warnings) add(warning, vscode.DiagnosticSeverity.Warning);
    collection.clear();
    for (const [file, diagnostics] of byFile) collection.set(vscode.Uri.file(file), diagnostics);
  };
  update();
  const subscription = model.onDidChange(update);
  return { dispose: () => (subscription.dispose(), collection.dispose()) };
}
