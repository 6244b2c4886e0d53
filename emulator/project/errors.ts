/** Where a value was written: the file, its 1-based line and the dotted field path. */
export interface FieldRef {
  file: string;
  line: number;
  field: string;
}

/**
 * A problem in a manifest. The message always has the same `FILE:LINE: FIELD: PROBLEM`
 * shape so that terminals and editors can turn it into a link, and the parts are kept
 * separately so the extension can put a diagnostic on the right line.
 */
export class ManifestError extends Error {
  readonly file: string;
  readonly line: number;
  readonly field: string;
  /** What is wrong and what is expected instead. */
  readonly problem: string;

  constructor(file: string, line: number, field: string, problem: string) {
    const shortProblem = shorten(problem);
    super(`${file}:${line}: ${field}: ${shortProblem}`);
    this.name = "ManifestError";
    this.file = file;
    this.line = line;
    this.field = field;
    this.problem = shortProblem;
  }

  static at(ref: FieldRef, problem: string): ManifestError {
    return new ManifestError(ref.file, ref.line, ref.field, problem);
  }
}

/**
 * Something a manifest says that Faasbox reads differently from the cloud, or does not emulate:
 * the function still loads, and the user is told where and what it means locally (same
 * `FILE:LINE: FIELD: MESSAGE` shape). A lenient parse (a duplicate key, last wins) is one too.
 */
export class ManifestWarning extends ManifestError {
  constructor(file: string, line: number, field: string, problem: string) {
    super(file, line, field, problem);
    this.name = "ManifestWarning";
  }

  static override at(ref: FieldRef, problem: string): ManifestWarning {
    return new ManifestWarning(ref.file, ref.line, ref.field, problem);
  }
}

/** Far longer than any message of ours: the rest is a value quoted from the manifest (a megabyte of handler name). */
const MAX_PROBLEM_LENGTH = 2000;

/** Keeps both ends, where the field's value starts and what is expected. */
function shorten(problem: string): string {
  if (problem.length <= MAX_PROBLEM_LENGTH) return problem;
  const head = problem.slice(0, 1200);
  const tail = problem.slice(-600);
  return `${head}…(${problem.length - head.length - tail.length} characters left out)…${tail}`;
}

/**
 * Runs one unit of reading (a manifest, a function, an event) so that its failure is
 * recorded and the caller carries on with the next one. A ManifestError is the user's to
 * fix. Anything else is a bug in Faasbox: with `at` (where the unit is written) it is
 * recorded there as one, so the rest of the project still loads and the user knows what
 * to report; without `at` it goes up to the enclosing unit, which knows the place.
 */
export function collectProblem<T>(problems: ManifestError[], read: () => T, at?: () => FieldRef): T | undefined {
  try {
    return read();
  } catch (error) {
    if (error instanceof ManifestError) {
      problems.push(error);
      return undefined;
    }
    if (!at) throw error;
    problems.push(internalError(at(), error));
    return undefined;
  }
}

/** An unexpected exception while reading what `at` points at, told as the bug it is. */
export function internalError(at: FieldRef, error: unknown): ManifestError {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const problem = new ManifestError(
    at.file,
    at.line,
    at.field,
    `Faasbox failed to read this (${reason}); this is a bug in Faasbox, please report it with this file`,
  );
  problem.cause = error;
  return problem;
}

/** Where a whole file is reported when nothing more precise is known. */
export function fileRef(file: string): FieldRef {
  return { file, line: 1, field: "(file)" };
}
