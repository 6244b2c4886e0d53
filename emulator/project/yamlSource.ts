import { readFileSync } from "node:fs";
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document } from "yaml";
import { duplicateKeyWarnings } from "./duplicateKeys";
import { ManifestError, type FieldRef, type ManifestWarning } from "./errors";
import { INTRINSIC_TAGS, intrinsicName } from "./intrinsicTags";
import { formatPath, type FieldPath } from "./yamlPath";
import { isPlainMap } from "./plainMap";

export { formatPath, type FieldPath };
export { isPlainMap };

/**
 * A copy of manifest data in which `replace` may stand in for any value; where it gives
 * undefined the value is copied, its items going through `replace` in turn.
 * YamlSource.parse refuses alias cycles, YAML bombs and deep nesting, so manifest data is
 * a small finite tree. A cycle found here anyway is a bug in Faasbox, thrown as an error
 * (which the loader reports as one) rather than overflowing the stack.
 */
export function mapData(value: unknown, replace: (value: unknown) => { value: unknown } | undefined): unknown {
  const ancestors = new Set<object>();
  const walk = (item: unknown): unknown => {
    const replaced = replace(item);
    if (replaced) return replaced.value;
    if (typeof item !== "object" || item === null) return item;
    if (ancestors.has(item)) throw new Error("manifest data contains itself although its aliases were checked");
    ancestors.add(item);
    const copy = Array.isArray(item)
      ? item.map(walk)
      : Object.fromEntries(Object.entries(item).map(([key, child]) => [key, walk(child)]));
    ancestors.delete(item);
    return copy;
  };
  return walk(value);
}

/** A short description of a value for "got X; expected Y" messages. */
export function describeValue(value: unknown): string {
  if (value === undefined || value === null) return "nothing";
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return "a list";
  const intrinsic = intrinsicName(value);
  if (intrinsic) return `the intrinsic function ${intrinsic}`;
  if (typeof value === "object") return "a map";
  return String(value);
}

/**
 * One parsed YAML manifest. It keeps the syntax tree next to the plain data because
 * every error has to point at a line, and plain data has forgotten where it came from.
 */
export class YamlSource {
  readonly root: YamlField;

  private constructor(
    readonly file: string,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
    data: unknown,
    /** What was read leniently (a key written twice): the loader passes these on to the user. */
    readonly warnings: readonly ManifestWarning[],
  ) {
    this.root = new YamlField(this, [], data);
  }

  /**
   * Throws a ManifestError at the line of the first syntax error, or of the first alias
   * that would make the data endless or huge (see AliasCheck): the readers walk the
   * data freely and count on it being a small, finite tree.
   */
  static parse(file: string, text: string): YamlSource {
    const lines = new LineCounter();
    // prettyErrors would append a code excerpt to the message; the line is reported separately.
    // uniqueKeys: false because the clouds' tools accept a key written twice (last wins); see duplicateKeys.ts.
    const doc = parseDocument(text, { lineCounter: lines, customTags: INTRINSIC_TAGS, prettyErrors: false, uniqueKeys: false });
    const [first] = doc.errors;
    if (first) {
      const line = lines.linePos(first.pos[0]).line;
      // The parser recurses per level and reports running out of stack as an error of its own.
      const problem = /call stack/i.test(first.message)
        ? `nested too deeply to read; expected at most ${MAX_DEPTH} levels of nesting`
        : `${first.message}; expected valid YAML`;
      throw new ManifestError(file, line, "(syntax)", problem);
    }
    new AliasCheck(file, lines).document(doc);
    let data: unknown;
    try {
      // Aliases were measured above, more precisely than the yaml package's own alias
      // count (which says neither where nor why); shared values stay shared here.
      data = doc.toJS({ maxAliasCount: -1 });
    } catch (error) {
      // Not expected after the check above; whatever the yaml package still refuses is at least put at the file.
      throw new ManifestError(file, 1, "(syntax)", `${(error as Error).message}; expected valid YAML`);
    }
    return new YamlSource(file, doc, lines, data, duplicateKeyWarnings(doc.contents, lines, file));
  }

  static read(file: string): YamlSource {
    return YamlSource.parse(file, readManifestText(file));
  }

  /**
   * The line of the value at `path`: the line of its key for a map entry, the line of the
   * item for a list entry. A path that does not exist (a missing field) gets the line of
   * its nearest existing parent, which is where the user has to add it.
   */
  lineOf(path: FieldPath): number {
    let node: unknown = this.doc.contents;
    let offset = rangeStart(node) ?? 0;
    for (const part of path) {
      if (isMap(node)) {
        // The last of a key written twice: that is the value the data holds (see duplicateKeys.ts).
        const pair = [...node.items].reverse().find((item) => keyText(item.key) === String(part));
        if (!pair) break;
        offset = rangeStart(pair.key) ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof part === "number" && node.items[part] !== undefined) {
        node = node.items[part];
        offset = rangeStart(node) ?? offset;
      } else {
        // Includes a tagged scalar (`!Ref X`): it holds plain data, nothing inside has a line.
        break;
      }
    }
    return this.lines.linePos(offset).line;
  }

  field(path: FieldPath): YamlField {
    return path.reduce<YamlField>((field, part) => field.child(part), this.root);
  }
}

export function readManifestText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ManifestError(file, 1, "(file)", `cannot be read (${reason}); expected a readable YAML file`);
  }
}

/** Deeper than any real manifest, shallow enough for every recursive reader. */
export const MAX_DEPTH = 100;
/** Values that aliases may add to the data, counting each copy: a billion laughs needs far more. */
export const MAX_ALIAS_EXPANSION = 100_000;
/** Far more than any manifest uses; it also bounds the yaml package's alias lookup, which is quadratic. */
export const MAX_ALIASES = 2_000;

interface Measure {
  /** Values in the node once its aliases are expanded. */
  size: number;
  /** Levels of nesting below the node once its aliases are expanded. */
  height: number;
}

/**
 * Refuses, at the alias's own line, the aliases that plain data cannot hold: an alias
 * inside the value it names (`a: &x [*x]`), which would make the data endless, and
 * aliases that multiply (a billion laughs), which would make it huge. It walks the
 * syntax tree the way the yaml package resolves aliases (document order, the last
 * anchor of that name before the alias), measuring each anchored value once.
 */
class AliasCheck {
  private readonly anchors = new Map<string, object>();
  /** Where each anchored value was written, for messages. */
  private readonly anchorLines = new Map<object, number>();
  private readonly measured = new Map<object, Measure>();
  /** Anchored values whose end has not been reached yet: an alias to one of them is a cycle. */
  private readonly open = new Set<object>();
  private aliases = 0;
  private expansion = 0;

  constructor(
    private readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  document(doc: Document.Parsed): void {
    this.node(doc.contents, [], 0);
  }

  /** `keyOffset`: where a map entry's key starts; `key: &x` writes the anchor on that line. */
  private node(node: unknown, path: (string | number)[], depth: number, keyOffset?: number): Measure {
    if (isAlias(node)) return this.alias(node, path, depth);
    if (depth > MAX_DEPTH) {
      throw this.fail(node, path, `nested more than ${MAX_DEPTH} levels deep; expected a shallower structure`);
    }
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (anchor) {
      this.anchors.set(anchor, node as object);
      this.anchorLines.set(node as object, this.lines.linePos(keyOffset ?? rangeStart(node) ?? 0).line);
      this.open.add(node as object);
    }
    let measure: Measure = { size: 1, height: 0 };
    const add = (child: Measure) => {
      measure = { size: measure.size + child.size, height: Math.max(measure.height, child.height + 1) };
    };
    if (isMap(node)) {
      for (const pair of node.items) {
        // A key that is a list or map (`? [a]`) has no name to put in a field path.
        add(this.pair(pair, [...path, isScalar(pair.key) ? keyText(pair.key) : "(key)"], depth + 1));
      }
    } else if (isSeq(node)) {
      // A flow list may hold `key: value` pairs; each becomes a map of its own.
      node.items.forEach((item, index) => add(isPair(item) ? this.pair(item, [...path, index], depth + 1) : this.node(item, [...path, index], depth + 1)));
    }
    if (anchor) {
      this.open.delete(node as object);
      this.measured.set(node as object, measure);
    }
    return measure;
  }

  /** The key and the value, measured as one entry. */
  private pair(pair: { key: unknown; value: unknown }, path: (string | number)[], depth: number): Measure {
    const key = this.node(pair.key, path, depth);
    const value = this.node(pair.value, path, depth, rangeStart(pair.key));
    return { size: key.size + value.size, height: Math.max(key.height, value.height) };
  }

  private alias(node: { source: string }, path: (string | number)[], depth: number): Measure {
    const name = `*${node.source}`;
    if (++this.aliases > MAX_ALIASES) {
      throw this.fail(node, path, `more than ${MAX_ALIASES} aliases; expected a manifest that repeats itself less`);
    }
    const target = this.anchors.get(node.source);
    if (!target) throw this.fail(node, path, `${name} names no anchor; expected &${node.source} on a value before it`);
    if (this.open.has(target)) {
      throw this.fail(
        node,
        path,
        `${name} is inside the value anchored &${node.source} (line ${this.anchorLines.get(target)}), so that value would contain itself forever; ` +
          "expected an alias to a value outside it",
      );
    }
    const measure = this.measured.get(target) ?? { size: 1, height: 0 };
    this.expansion += measure.size;
    if (this.expansion > MAX_ALIAS_EXPANSION) {
      throw this.fail(
        node,
        path,
        `aliases expand to more than ${MAX_ALIAS_EXPANSION} values by here (a YAML bomb?); expected aliases that repeat small parts of the file`,
      );
    }
    if (depth + measure.height > MAX_DEPTH) {
      throw this.fail(node, path, `${name} nests the data more than ${MAX_DEPTH} levels deep; expected a shallower structure`);
    }
    return measure;
  }

  private lineOf(node: unknown): number {
    return this.lines.linePos(rangeStart(node) ?? 0).line;
  }

  private fail(node: unknown, path: FieldPath, problem: string): ManifestError {
    return new ManifestError(this.file, this.lineOf(node), formatPath(path), problem);
  }
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range?.[0];
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

/**
 * A value in a manifest together with where it is, so that reading it with the wrong type
 * or finding it out of range produces an error naming the file, line and field.
 * Absent fields are YamlFields too (with an undefined value): reading them gives undefined.
 */
export class YamlField {
  constructor(
    readonly source: YamlSource,
    readonly path: FieldPath,
    readonly value: unknown,
  ) {}

  get field(): string {
    return formatPath(this.path);
  }

  get line(): number {
    return this.source.lineOf(this.path);
  }

  get ref(): FieldRef {
    return { file: this.source.file, line: this.line, field: this.field };
  }

  /** YAML `key:` with nothing after it is null; both mean "not given". */
  get isSet(): boolean {
    return this.value !== undefined && this.value !== null;
  }

  child(key: string | number): YamlField {
    let value: unknown;
    if (typeof key === "number") value = Array.isArray(this.value) ? this.value[key] : undefined;
    else value = isPlainMap(this.value) ? this.value[key] : undefined;
    return new YamlField(this.source, [...this.path, key], value);
  }

  /** The same place holding another value, e.g. after resolving a template parameter. */
  withValue(value: unknown): YamlField {
    return new YamlField(this.source, this.path, value);
  }

  fail(problem: string): ManifestError {
    return new ManifestError(this.source.file, this.line, this.field, problem);
  }

  wrongType(expected: string): ManifestError {
    return this.fail(`got ${describeValue(this.value)}; expected ${expected}`);
  }

  missing(expected: string): ManifestError {
    return this.fail(`missing; expected ${expected}`);
  }

  string(expected = "a string"): string | undefined {
    if (!this.isSet) return undefined;
    if (typeof this.value !== "string") throw this.wrongType(expected);
    return this.value;
  }

  requireString(expected = "a string"): string {
    const value = this.string(expected);
    if (value === undefined) throw this.missing(expected);
    if (value === "") throw this.wrongType(expected);
    return value;
  }

  /** Any scalar as text: environment values and messages are often written as numbers or booleans. */
  text(expected = "a string"): string | undefined {
    if (!this.isSet) return undefined;
    if (typeof this.value === "string" || typeof this.value === "number" || typeof this.value === "boolean") {
      return String(this.value);
    }
    throw this.wrongType(expected);
  }

  /** Numeric strings count too: CloudFormation accepts `MemorySize: "256"`. */
  number(expected = "a number"): number | undefined {
    if (!this.isSet) return undefined;
    if (typeof this.value === "number" && Number.isFinite(this.value)) return this.value;
    if (typeof this.value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(this.value)) return Number(this.value);
    throw this.wrongType(expected);
  }

  /** A whole number of at least `min`. */
  integer(expected: string, min: number): number | undefined {
    const value = this.number(expected);
    if (value !== undefined && (!Number.isInteger(value) || value < min)) throw this.wrongType(expected);
    return value;
  }

  boolean(expected = "true or false"): boolean | undefined {
    if (!this.isSet) return undefined;
    if (typeof this.value === "boolean") return this.value;
    if (typeof this.value === "string" && /^(true|false)$/i.test(this.value)) return this.value.toLowerCase() === "true";
    throw this.wrongType(expected);
  }

  isMap(): boolean {
    return isPlainMap(this.value) && intrinsicName(this.value) === undefined;
  }

  /** A map's entries as fields; nothing when the field is not set. */
  entries(expected = "a map"): Array<[string, YamlField]> {
    if (!this.isSet) return [];
    if (!this.isMap()) throw this.wrongType(expected);
    return Object.keys(this.value as object).map((key) => [key, this.child(key)]);
  }

  /** A list's items as fields; nothing when the field is not set. */
  items(expected = "a list"): YamlField[] {
    if (!this.isSet) return [];
    if (!Array.isArray(this.value)) throw this.wrongType(expected);
    return this.value.map((_, index) => this.child(index));
  }

  /** A string or a list of strings (S3/COS event names, env files). */
  stringList(expected: string): string[] | undefined {
    if (!this.isSet) return undefined;
    if (typeof this.value === "string") return [this.value];
    return this.items(expected).map((item) => item.requireString(expected));
  }

  /** For Faasbox's own format, where an unknown key is almost always a typo. */
  rejectUnknownKeys(allowed: readonly string[]): void {
    // Not a map at all is the reader's error to report, with the shape it expects.
    if (!this.isMap()) return;
    for (const [key, field] of this.entries()) {
      if (!allowed.includes(key)) throw field.fail(`unknown field; expected one of ${allowed.join(", ")}`);
    }
  }
}
