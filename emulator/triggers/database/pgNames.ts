import { createHash } from "node:crypto";

/**
 * The names Faasbox gives its replication slots and publications. PostgreSQL limits them to
 * 63 bytes and a slot name to [a-z0-9_] (https://www.postgresql.org/docs/current/warm-standby.html#STREAMING-REPLICATION-SLOTS-MANIPULATION).
 * The project's hash in every name lets one database serve several projects, and lets a
 * project find (and drop) the slots it made and no longer uses.
 */

const MAX_NAME = 63;

/** 8 hex digits of the project root's hash: `faasbox_<hash>_` starts every name of the project. */
export function projectHash(root: string): string {
  return createHash("sha256").update(root).digest("hex").slice(0, 8);
}

export function projectPrefix(root: string): string {
  return `faasbox_${projectHash(root)}_`;
}

/** A name within PostgreSQL's limit: lower-case [a-z0-9_], a hash of the original when it had to be cut. */
function qualified(prefix: string, name: string): string {
  const clean = name.toLowerCase().replace(/[^a-z0-9_]+/g, "_").replace(/^_+|_+$/g, "") || "x";
  const room = MAX_NAME - prefix.length;
  if (clean.length <= room && clean === name) return prefix + clean;
  // Cut or changed: a hash of the original keeps two consumers whose names clean alike apart.
  const tag = createHash("sha256").update(name).digest("hex").slice(0, 6);
  return `${prefix}${clean.slice(0, room - tag.length - 1)}_${tag}`;
}

/** The slot of one consumer (a function's trigger): each reads every change at its own pace. */
export function slotName(root: string, functionName: string, triggerName: string): string {
  return qualified(projectPrefix(root), `${functionName}_${triggerName}`);
}

/** The publication of one source, FOR TABLE its tables. */
export function publicationName(root: string, sourceName: string): string {
  return qualified(projectPrefix(root), sourceName);
}

/** "schema.table" or "table" → its quoted SQL name (schema defaults to public). */
export function splitTable(table: string): { schema: string; table: string } {
  const dot = table.indexOf(".");
  return dot < 0 ? { schema: "public", table } : { schema: table.slice(0, dot), table: table.slice(dot + 1) };
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quotedTable(table: string): string {
  const { schema, table: name } = splitTable(table);
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}
