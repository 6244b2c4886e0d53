// faasbox.yml `databases:`: the databases whose row changes run functions. Each source is read
// here (URL, tables, operations, columns, the Kinesis stream or CKafka topic it feeds); the
// emulator's database source (triggers/database) connects to it and delivers to its consumers.
import { collectProblem, ManifestWarning, type FieldRef, type ManifestError } from "./errors";
import { parseDatabaseUrl, maskUrl, type DatabaseUrl } from "./databaseUrl";
import { describeValue, type YamlField } from "./yamlSource";

export type ChangeOperation = "insert" | "update" | "delete";
export const CHANGE_OPERATIONS: readonly ChangeOperation[] = ["insert", "update", "delete"];

/** A table as the database names it: schema `public` (PostgreSQL) or the URL's database (MySQL) unless the manifest says `schema.table`. */
export interface TableName {
  schema: string;
  table: string;
}

/** One `databases:` entry, its URL resolved. */
export interface DatabaseSourceSpec {
  name: string;
  /** Password included in `url.url`; show only `url.masked`. */
  url: DatabaseUrl;
  /** At least one, no duplicates. */
  tables: TableName[];
  /** The operations that fire; all three unless the manifest narrows them. */
  operations: ChangeOperation[];
  /** An UPDATE fires only when one of these columns changed; absent: every update. */
  columns?: string[];
  /** The local Kinesis stream the changes are put on (DMS JSON records, for SAM Kinesis events). */
  kinesis?: string;
  /** The CKafka topic the changes are published to (DTS JSON in msgBody, for SCF ckafka triggers). */
  ckafka?: string;
  /** The entry (`databases.shop`), for messages about the source as a whole. */
  at: FieldRef;
  /** The `url` field, for connection errors (unreachable, wal_level, privileges). */
  urlAt: FieldRef;
}

const SOURCE_KEYS = ["url", "tables", "operations", "columns", "kinesis", "ckafka"];
/** Replication slot and publication names are built from it (≤ 63 characters, see the design): keep it short and plain. */
const SOURCE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,39}$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;
const ENV_REFERENCE = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** "public.orders". */
export function qualifiedName(table: TableName): string {
  return `${table.schema}.${table.table}`;
}

/**
 * Every entry of `databases:`; a bad one is reported at its field and left out, the others
 * still load. `env` resolves `${env:X}` in URLs (the shell, then .env files, as for functions).
 */
export function readDatabaseSources(
  field: YamlField,
  env: Readonly<Record<string, string | undefined>>,
  problems: ManifestError[],
  warn: (warning: ManifestWarning) => void = () => undefined,
): DatabaseSourceSpec[] {
  const entries = collectProblem(problems, () => {
    if (field.isSet && !field.isMap()) throw wrongType(field, "a map of source names to {url, tables}");
    return field.entries();
  }) ?? [];
  const sources: DatabaseSourceSpec[] = [];
  for (const [name, body] of entries) {
    const source = collectProblem(problems, () => readSource(name, body, env), () => body.ref);
    const url = body.child("url");
    if (source && typeof url.value === "string" && hasWrittenPassword(url.value)) {
      warn(ManifestWarning.at(url.ref, `the password is written in faasbox.yml (${source.url.masked}), which is usually committed; keep the URL in .env (${envName(name)}=...) and write url: \${env:${envName(name)}}`));
    }
    if (!source) continue;
    // A consumer is a function's trigger reading one source (one slot each, named after the trigger):
    // a stream or topic fed by two sources would give one trigger two consumers of the same name.
    const feeding = (key: "kinesis" | "ckafka") => sources.find((other) => source[key] !== undefined && other[key] === source[key]);
    const clash = (["kinesis", "ckafka"] as const).find((key) => feeding(key));
    if (clash) {
      problems.push(body.child(clash).fail(`${JSON.stringify(source[clash])} is already fed by source ${JSON.stringify(feeding(clash)?.name)}; expected each ${clash === "kinesis" ? "stream" : "topic"} fed by one source (one source can list several tables)`));
      continue;
    }
    sources.push(source);
  }
  return sources;
}

function readSource(name: string, body: YamlField, env: Readonly<Record<string, string | undefined>>): DatabaseSourceSpec {
  if (!SOURCE_NAME.test(name)) throw body.fail(`source name ${JSON.stringify(name)}; expected a letter, then letters, digits, _ or - (at most 40 characters)`);
  if (!body.isMap()) throw wrongType(body, "a map with url and tables, such as {url: ${env:SHOP_DATABASE_URL}, tables: [orders]}");
  body.rejectUnknownKeys(SOURCE_KEYS);
  const operations = readOperations(body.child("operations"));
  const columnsField = body.child("columns");
  const columns = readColumns(columnsField);
  if (columns && !operations.includes("update")) throw columnsField.fail("columns only narrow which updates fire, and operations leaves update out; expected update in operations, or no columns");
  const urlField = body.child("url");
  const url = readUrl(urlField, env);
  return {
    name,
    url,
    // MySQL's schema is its database: a table without one is in the URL's database.
    tables: readTables(body.child("tables"), url.kind === "mysql" ? url.database : "public"),
    operations,
    ...(columns ? { columns } : {}),
    ...optionalName(body.child("kinesis"), "a Kinesis stream name such as shop-changes", "kinesis"),
    ...optionalName(body.child("ckafka"), "a CKafka topic name such as shop-changes", "ckafka"),
    at: body.ref,
    urlAt: urlField.ref,
  };
}

/**
 * `${env:X}` is replaced by the variable; an unset one is an error naming it. Messages show the
 * URL masked: a password never reaches the problems list.
 */
function readUrl(field: YamlField, env: Readonly<Record<string, string | undefined>>): DatabaseUrl {
  const expected = "a database URL such as ${env:SHOP_DATABASE_URL}, postgres://user:password@127.0.0.1:5432/shop or mysql://user:password@127.0.0.1:3306/shop";
  if (!field.isSet) throw field.missing(expected);
  // Not wrongType for strings: it would quote the value, password and all.
  if (typeof field.value !== "string" || field.value.trim() === "") throw field.fail(`got ${typeof field.value === "string" ? "an empty string" : typeof field.value}; expected ${expected}`);
  const written = field.value.trim();
  const unset: string[] = [];
  const url = written.replace(ENV_REFERENCE, (whole, variable: string) => {
    const value = env[variable];
    if (value === undefined || value === "") unset.push(variable);
    return value ?? whole;
  });
  if (unset.length) {
    throw field.fail(`${unset.join(", ")} ${unset.length === 1 ? "is" : "are"} not set; expected ${unset.length === 1 ? "it" : "them"} in the shell's environment, the project's .env or an envFiles file of faasbox.yml`);
  }
  if (/\$\{[^}]*\}/.test(url)) throw field.fail(`${maskUrl(url)} has a variable other than \${env:NAME}; expected ${expected}`);
  try {
    return parseDatabaseUrl(url);
  } catch (error) {
    throw field.fail((error as Error).message);
  }
}

/**
 * YamlField.wrongType quotes the value: a URL written where a map or a name was expected (`shop:
 * postgres://…`) would show its password. Every "got X" of this section goes through here.
 */
function wrongType(field: YamlField, expected: string): ManifestError {
  return field.fail(`got ${describeValue(typeof field.value === "string" ? maskUrl(field.value) : field.value)}; expected ${expected}`);
}

/** A password in the URL as written, not one that comes from a variable. */
function hasWrittenPassword(written: string): boolean {
  try {
    const url = new URL(written.replace(ENV_REFERENCE, ""));
    return url.password !== "" || Boolean(url.searchParams.get("password"));
  } catch {
    return false;
  }
}

/** shop → SHOP_DATABASE_URL, as the examples name it. */
function envName(source: string): string {
  return `${source.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_DATABASE_URL`;
}

function readTables(field: YamlField, defaultSchema: string): TableName[] {
  const expected = `a list of tables such as [orders, billing.invoices] (schema ${defaultSchema} unless given)`;
  if (!field.isSet) throw field.missing(expected);
  const items = typeof field.value === "string" ? [field] : field.items(expected);
  if (items.length === 0) throw field.fail(`an empty list; expected ${expected}`);
  const seen = new Set<string>();
  return items.map((item) => {
    const written = item.requireString(expected).trim();
    const parts = written.split(".");
    if (parts.length > 2 || !parts.every((part) => IDENTIFIER.test(part))) {
      throw item.fail(`${JSON.stringify(maskUrl(written))} is not a table name; expected table or schema.table, each a letter or _ followed by letters, digits, _ or $`);
    }
    const table = parts.length === 2 ? { schema: parts[0], table: parts[1] } : { schema: defaultSchema, table: parts[0] };
    const qualified = qualifiedName(table);
    if (seen.has(qualified)) throw item.fail(`${qualified} is listed twice; expected each table once`);
    seen.add(qualified);
    return table;
  });
}

function readOperations(field: YamlField): ChangeOperation[] {
  const expected = `a list of ${CHANGE_OPERATIONS.join(", ")}`;
  const written = field.stringList(expected);
  if (written === undefined) return [...CHANGE_OPERATIONS];
  if (written.length === 0) throw field.fail(`an empty list; expected ${expected} (leave it out for all three)`);
  const operations = written.map((op, index) => {
    const normalised = op.trim().toLowerCase();
    if (!CHANGE_OPERATIONS.includes(normalised as ChangeOperation)) {
      const item = typeof field.value === "string" ? field : field.child(index);
      throw wrongType(item, expected);
    }
    return normalised as ChangeOperation;
  });
  // In the order PostgreSQL's publication option lists them, once each.
  return CHANGE_OPERATIONS.filter((op) => operations.includes(op));
}

function readColumns(field: YamlField): string[] | undefined {
  const expected = "a list of column names such as [status, total]";
  const columns = field.stringList(expected);
  if (columns === undefined) return undefined;
  if (columns.length === 0) throw field.fail(`an empty list; expected ${expected} (leave it out for every update)`);
  return [...new Set(columns.map((column) => column.trim()))];
}

function optionalName<K extends "kinesis" | "ckafka">(field: YamlField, expected: string, key: K): Partial<Record<K, string>> {
  const value = field.string(expected);
  if (value === undefined) return {};
  if (value.trim() === "") throw field.wrongType(expected);
  return { [key]: value.trim() } as Partial<Record<K, string>>;
}
