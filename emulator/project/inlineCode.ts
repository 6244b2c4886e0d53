import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RuntimeFamily } from "../config/runtimeFamily";
import type { YamlField } from "./yamlSource";

/**
 * CloudFormation puts inline source (`Code.ZipFile`, SAM's `InlineCode`, which SAM turns
 * into it) "in a file named index" with the runtime's extension, for Node.js and Python
 * only: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-lambda-function-code.html
 * (ZipFile; "the index file that CloudFormation creates uses the extension .js").
 */
const INLINE_FILES: Partial<Record<RuntimeFamily, string>> = { nodejs: "index.js", python: "index.py" };

/**
 * Writes a function's inline source into `<cacheDir>/inline/<folder>/index.<ext>` and gives
 * that folder as its code folder. The folder is named by the template, the logical id and
 * the source's hash, so it is written once, a changed template gives a new folder (and so
 * a new spec, which restarts the function's instances), and the function's older folders
 * are removed. The cache is under the project's `.faasbox/`, which the watcher leaves out.
 */
export function inlineCodeDir(code: YamlField, family: RuntimeFamily, owner: { cacheDir: string; logicalId: string }): string {
  const source = code.requireString("the function's source code as a string");
  const fileName = INLINE_FILES[family];
  if (!fileName) throw code.fail(`inline code runs only on Node.js and Python runtimes in Lambda; expected CodeUri (or Code) naming the folder of the code`);
  const owned = `${owner.logicalId.replace(/[^A-Za-z0-9_-]/g, "_")}-${hash(code.source.file).slice(0, 8)}-`;
  const folder = join(owner.cacheDir, "inline", `${owned}${hash(`${fileName}\0${source}`).slice(0, 12)}`);
  const file = join(folder, fileName);
  try {
    if (readIfPresent(file) !== source) {
      mkdirSync(folder, { recursive: true });
      writeFileSync(file, source);
    }
    for (const old of readdirSync(join(owner.cacheDir, "inline"))) {
      if (old.startsWith(owned) && join(owner.cacheDir, "inline", old) !== folder) rmSync(join(owner.cacheDir, "inline", old), { recursive: true, force: true });
    }
  } catch (error) {
    throw code.fail(`cannot write the inline code to ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); expected a writable project folder`);
  }
  return folder;
}

function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}
