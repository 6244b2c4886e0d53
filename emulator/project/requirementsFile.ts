import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** One package a requirements file asks for, and where. */
export interface Requirement {
  /** As written (`Flask`, `typing_extensions`); compare with normalizedName. */
  name: string;
  file: string;
  line: number;
}

export interface RequirementsRead {
  requirements: Requirement[];
  /** Lines that cannot be understood or included files that cannot be read: `FILE:LINE: what`. */
  problems: { file: string; line: number; message: string }[];
}

/**
 * The package names a pip requirements file lists, following `-r`/`--requirement`
 * includes (relative to the including file, as pip resolves them). The format is pip's:
 * https://pip.pypa.io/en/stable/reference/requirements-file-format/ (comments from ` #`,
 * `\` continuations, option lines, `name[extras] specifiers ; markers`, `name @ URL`).
 * Environment markers are not evaluated: a package listed for another Python is still
 * expected, which at worst says a package is missing that the function would not load.
 * Lines naming a file or URL without a name (`./pkg.whl`, `-e .`) cannot be checked and
 * are skipped, as are constraint files (`-c`), which install nothing by themselves.
 */
export function readRequirements(file: string, seen: Set<string> = new Set()): RequirementsRead {
  const result: RequirementsRead = { requirements: [], problems: [] };
  const path = resolve(file);
  if (seen.has(path)) return result;
  seen.add(path);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    result.problems.push({ file: path, line: 1, message: `cannot be read (${(error as Error).message})` });
    return result;
  }
  for (const { line, text: logical } of logicalLines(text)) {
    const include = /^(?:-r|--requirement)(?:\s*=\s*|\s+|(?=\S))(\S+)$/.exec(logical);
    if (include) {
      const included = resolve(dirname(path), include[1]);
      const read = readRequirements(included, seen);
      if (read.problems.some((p) => p.file === included && p.line === 1 && p.message.startsWith("cannot be read"))) {
        result.problems.push({ file: path, line, message: `includes ${include[1]}, which cannot be read; expected a requirements file at ${included}` });
        read.problems = read.problems.filter((p) => p.file !== included || p.line !== 1);
      }
      result.requirements.push(...read.requirements);
      result.problems.push(...read.problems);
      continue;
    }
    if (logical.startsWith("-")) continue; // -i, --find-links, -c, -e and the other options install no named package here
    const name = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*(?:[<>=!~;@(]|$)/.exec(logical);
    if (name) result.requirements.push({ name: name[1], file: path, line });
    else if (!/^(\.|\/|[a-z+]+:\/\/)/i.test(logical)) {
      result.problems.push({ file: path, line, message: `cannot read ${JSON.stringify(logical)}; expected a requirement such as requests>=2.31 or requests[socks]` });
    }
  }
  return result;
}

/** PEP 503's normalized name: pip compares `Typing_Extensions` and `typing-extensions` as one. */
export function normalizedName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

/** Lines with continuations joined and comments removed, each with the line it starts on. */
function logicalLines(text: string): { line: number; text: string }[] {
  const lines = text.split(/\r?\n/);
  const result: { line: number; text: string }[] = [];
  let pending: { line: number; text: string } | undefined;
  lines.forEach((raw, index) => {
    const continued = raw.endsWith("\\");
    const body = continued ? raw.slice(0, -1) : raw;
    pending = pending ? { line: pending.line, text: pending.text + body } : { line: index + 1, text: body };
    if (continued) return;
    // pip: a comment starts at a # at the line's start or after whitespace.
    const stripped = pending.text.replace(/(^|\s)#.*$/, "").trim();
    if (stripped) result.push({ line: pending.line, text: stripped });
    pending = undefined;
  });
  if (pending) {
    const stripped = pending.text.replace(/(^|\s)#.*$/, "").trim();
    if (stripped) result.push({ line: pending.line, text: stripped });
  }
  return result;
}
