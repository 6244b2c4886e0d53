// A database connection URL (postgres://, or mysql:// / mariadb:// for MySQL and MariaDB:
// user:password@host:port/database) read from faasbox.yml,
// and the one way any part of Faasbox shows it: with its password masked. The password is
// never in a message, a listing or a log line, even when the URL does not parse.

/** What replaces a password wherever a URL or a message shows one. */
export const MASK = "***";

/** Which server the URL names, and so which change source reads it (logical replication or the binlog). */
export type DatabaseKind = "postgresql" | "mysql";

export interface DatabaseUrl {
  kind: DatabaseKind;
  /** As written, password included: only for connecting. */
  url: string;
  /** For every message and listing. */
  masked: string;
  user: string;
  host: string;
  port: number;
  database: string;
  /** Only to mask it in messages from the driver and the server (see maskSecrets). */
  password?: string;
}

/**
 * PostgreSQL's own URL schemes, as libpq accepts them (https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-URIS);
 * mysql:// as MySQL's connectors write it (https://dev.mysql.com/doc/refman/8.0/en/connecting-using-uri-or-key-value-pairs.html,
 * default port 3306), and mariadb:// for the same server.
 */
const SCHEMES: Record<string, { kind: DatabaseKind; port: number }> = {
  "postgres:": { kind: "postgresql", port: 5432 },
  "postgresql:": { kind: "postgresql", port: 5432 },
  "mysql:": { kind: "mysql", port: 3306 },
  "mariadb:": { kind: "mysql", port: 3306 },
};

/** The kind of database a URL names, or undefined for another scheme (or no URL). */
export function databaseKindOf(url: string): DatabaseKind | undefined {
  return SCHEMES[/^[A-Za-z][A-Za-z0-9+.-]*:/.exec(url)?.[0].toLowerCase() ?? ""]?.kind;
}

/**
 * The URL with its password replaced by ***, whether or not it parses: the user part of
 * `scheme://user:password@`, and `password=` in the query string (libpq accepts both).
 */
export function maskUrl(url: string): string {
  return maskUserinfo(url).replace(/([?&]password=)[^&#]*/gi, (_, head: string) => `${head}${MASK}`);
}

/**
 * `user:password@` → `user:***@`. Lenient on purpose, for URLs that do not parse (a missing colon
 * after the scheme, an unencoded @ or / in the password): everything between the user's colon and
 * the last @ before the query is the password.
 */
function maskUserinfo(url: string): string {
  const slashes = url.indexOf("//");
  const from = slashes >= 0 ? slashes + 2 : 0;
  const rest = url.slice(from);
  const query = rest.search(/[?#]/);
  const head = query >= 0 ? rest.slice(0, query) : rest;
  const at = head.lastIndexOf("@");
  if (at < 0) return url;
  const colon = head.slice(0, at).indexOf(":");
  if (colon < 0) return url;
  return `${url.slice(0, from)}${head.slice(0, colon + 1)}${MASK}${rest.slice(at)}`;
}

/** `text` (a driver's error, a server's notice) with every occurrence of the URL's password, and the URL itself, masked. */
export function maskSecrets(text: string, url: Pick<DatabaseUrl, "url" | "masked" | "password">): string {
  let masked = text.split(url.url).join(url.masked);
  // A very short password would mask ordinary words; those are still masked inside the URL above.
  if (url.password && url.password.length >= 3) masked = masked.split(url.password).join(MASK);
  return masked;
}

/**
 * Checks a resolved URL and takes it apart; throws an Error whose message shows only the
 * masked URL and says what is expected.
 */
export function parseDatabaseUrl(url: string): DatabaseUrl {
  const masked = maskUrl(url);
  const expected = "a database URL such as postgres://user:password@127.0.0.1:5432/database or mysql://user:password@127.0.0.1:3306/database";
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${masked} is not a URL; expected ${expected}`);
  }
  const scheme = SCHEMES[parsed.protocol];
  if (!scheme) {
    throw new Error(`${masked} is a ${parsed.protocol.replace(/:$/, "")} URL; expected ${expected} (PostgreSQL: postgres:// or postgresql://; MySQL and MariaDB: mysql:// or mariadb://)`);
  }
  if (!parsed.hostname) throw new Error(`${masked} names no host; expected ${expected}`);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  if (!database || database.includes("/")) throw new Error(`${masked} names no database (the path after the host); expected ${expected}`);
  const user = decodeURIComponent(parsed.username);
  if (!user) throw new Error(`${masked} names no user; expected ${expected}`);
  const port = parsed.port ? Number(parsed.port) : scheme.port;
  const password = parsed.password ? decodeURIComponent(parsed.password) : (parsed.searchParams.get("password") ?? undefined);
  return { kind: scheme.kind, url, masked, user, host: parsed.hostname.replace(/^\[(.*)\]$/, "$1"), port, database, ...(password ? { password } : {}) };
}
