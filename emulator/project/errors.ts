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
    super(`${file}:${line}: ${field}: ${problem}`);
    this.name = "ManifestError";
    this.file = file;
    this.line = line;
    this.field = field;
    this.problem = problem;
  }

  static at(ref: FieldRef, problem: string): ManifestError {
    return new ManifestError(ref.file, ref.line, ref.field, problem);
  }
}

/**
 * Runs one unit of reading (a function, an event) so that its failure is recorded and
 * the caller carries on with the next one; anything but a ManifestError is a bug and
 * is not swallowed.
 */
export function collectProblem<T>(problems: ManifestError[], read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (error instanceof ManifestError) {
      problems.push(error);
      return undefined;
    }
    throw error;
  }
}
