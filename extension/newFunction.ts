import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import * as vscode from "vscode";
import { functionTemplate, isValidFunctionName, samLogicalId, triggersFor, type Language, type ManifestFormat, type TriggerKind } from "./templates/functionTemplates";

function pick<T extends string>(items: { label: string; value: T; detail?: string }[], title: string): Thenable<T | undefined> {
  return vscode.window.showQuickPick(items, { title, ignoreFocusOut: true }).then((choice) => choice?.value);
}

/** "Faasbox: New Function": asks language, trigger, format and name, writes a folder, opens the handler. */
export async function newFunction(root: string | undefined): Promise<string | undefined> {
  if (!root) {
    void vscode.window.showErrorMessage("Open a folder first: Faasbox creates the function inside it.");
    return undefined;
  }
  const language = await pick<Language>([
    { label: "$(symbol-event) Node.js", value: "nodejs" },
    { label: "$(symbol-method) Python", value: "python" },
    { label: "$(coffee) Java", value: "java", detail: "built with the JDK alone (build.sh: javac and jar)" },
  ], "New Function (1/4): language");
  if (!language) return undefined;
  const offered = triggersFor(language);
  const trigger = await pick<TriggerKind>([
    { label: "$(globe) HTTP", value: "http" as const, detail: "an API gateway route" },
    { label: "$(watch) Timer", value: "timer" as const, detail: "runs on a schedule" },
    { label: "$(mail) Topic", value: "topic" as const, detail: "runs for each message published to a topic" },
    { label: "$(server) SCF Web function", value: "web" as const, detail: language === "nodejs" ? "your own Express server, started by scf_bootstrap" : "your own Flask server, started by scf_bootstrap" },
  ].filter((item) => offered.includes(item.value)), "New Function (2/4): trigger");
  if (!trigger) return undefined;
  // Web functions are Tencent's only.
  const format = trigger === "web" ? "scf" : await pick<ManifestFormat>([
    { label: "Tencent Cloud SCF", value: "scf", detail: "serverless.yml (component scf)" },
    { label: "AWS Lambda", value: "sam", detail: "template.yaml (AWS SAM)" },
  ], "New Function (3/4): cloud");
  if (!format) return undefined;
  const name = await vscode.window.showInputBox({
    title: "New Function (4/4): name",
    value: `hello-${trigger}`,
    ignoreFocusOut: true,
    validateInput: (value) => {
      if (!isValidFunctionName(value)) return "Start with a letter; letters, digits, - and _ only (60 at most).";
      if (existsSync(join(root, value))) return `${value} already exists in the workspace.`;
      // Said before anything is written: the function keeps the name, the SAM resource cannot.
      if (format === "sam" && samLogicalId(value) !== value) {
        return {
          message: `SAM logical ids are letters and digits only: the resource will be ${samLogicalId(value)}, the function ${value} (its FunctionName).`,
          severity: vscode.InputBoxValidationSeverity.Info,
        };
      }
      return undefined;
    },
  });
  if (!name) return undefined;
  const folder = join(root, name);
  const { files, handlerFile, executable = [] } = functionTemplate({ name, language, trigger, format });
  await mkdir(folder, { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    await mkdir(dirname(join(folder, file)), { recursive: true }); // Java's src/main/java/example/
    await writeFile(join(folder, file), content, { mode: executable.includes(file) ? 0o755 : 0o644 });
  }
  await vscode.window.showTextDocument(vscode.Uri.file(join(folder, handlerFile)));
  return folder;
}
