import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { ManifestError } from "../../../emulator/project/errors";
import { loadProject, type LoadResult } from "../../../emulator/project/loadProject";

export const FIXTURES = resolve(__dirname, "..", "..", "fixtures", "projects");

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

/**
 * A throwaway project from relative paths to contents. Tests that check a line number
 * write the manifest inline, so the line can be counted right there in the test.
 */
export function writeProject(files: Record<string, string>): string {
  // realpath: on some systems tmpdir is a symlink, and the loader reports resolved paths.
  const root = realpathSync(mkdtempSync(join(tmpdir(), "faasbox-project-")));
  for (const [path, content] of Object.entries(files)) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return root;
}

/** Loads without the host's AWS_REGION or other variables leaking into the result. */
export function load(root: string, env: Record<string, string> = {}): LoadResult {
  return loadProject(root, { env });
}

export function where(problem: ManifestError): { file: string; line: number; field: string } {
  return { file: problem.file, line: problem.line, field: problem.field };
}

export const NODE_HANDLER = "exports.handler = async () => 'ok';\n";
export const SCF_NODE_HANDLER = "exports.main_handler = async () => 'ok';\n";
export const PYTHON_HANDLER = "def handler(event, context):\n    return 'ok'\n";
