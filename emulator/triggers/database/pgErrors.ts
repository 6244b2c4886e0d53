import { maskSecrets, maskUrl, parseDatabaseUrl } from "../../project/databaseUrl";

/**
 * PostgreSQL connection problems in words a user can act on: what is wrong and what to change.
 * Every message passes through `maskPassword`: a connection URL's password is never printed.
 */

/**
 * `text` with the URL's password masked wherever it appears (the one masking, databaseUrl.ts's).
 * Works for a URL that does not parse too: its user:password@ part is masked all the same.
 */
export function maskPassword(text: string, url: string): string {
  let password: string | undefined;
  try {
    password = parseDatabaseUrl(url).password;
  } catch {
    password = undefined;
  }
  return maskSecrets(text, { url, masked: maskUrl(url), password });
}

/** Why a URL is not a PostgreSQL connection URL (password masked), or undefined when it is one. */
export function badUrlReason(url: string): string | undefined {
  try {
    parseDatabaseUrl(url);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** A problem Faasbox's own checks found: its message already says what to change. */
export class ReadinessError extends Error {}

interface PgError extends Error {
  code?: string;
  address?: string;
  port?: number;
}

/**
 * The message for an error met while connecting, checking or replicating. Codes:
 * https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
export function describePgError(error: unknown, url: string): string {
  const e = error as PgError;
  if (error instanceof ReadinessError) return maskPassword(e.message, url);
  const where = hostOf(url);
  let text: string;
  switch (e.code) {
    case "ECONNREFUSED":
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
    case "ECONNRESET":
      text = `cannot reach PostgreSQL at ${where} (${e.code}): is the server running and listening there?`;
      break;
    case "28P01":
    case "28000":
      text = `PostgreSQL at ${where} refused the login: ${e.message} (check the user and password in the URL, and pg_hba.conf allows "replication" connections for it)`;
      break;
    case "3D000":
      text = `${e.message} at ${where} (check the database name in the URL)`;
      break;
    case "57P01":
    case "57P02":
    case "57P03":
      text = `PostgreSQL at ${where} is shutting down or starting up (${e.message}); retrying`;
      break;
    default:
      if (/wal_level/i.test(e.message)) text = walLevelMessage(where);
      else if (/must be superuser or replication role|permission denied to (start|use) (WAL sender|replication)|REPLICATION attribute/i.test(e.message)) {
        text = replicationMessage(userOf(url), where);
      } else if (/terminat|Connection terminated|ended unexpectedly/i.test(e.message)) {
        text = `the connection to PostgreSQL at ${where} was lost (${e.message}); reconnecting`;
      } else text = `PostgreSQL at ${where}: ${e.message}`;
  }
  return maskPassword(text, url);
}

export function walLevelMessage(where: string, current?: string): string {
  return `PostgreSQL at ${where} has wal_level = ${current ?? "below logical"}: logical replication needs wal_level = logical. Set wal_level = logical in postgresql.conf (or ALTER SYSTEM SET wal_level = logical) and restart the server`;
}

export function replicationMessage(user: string, where: string): string {
  return `the role ${user} at ${where} may not replicate: run ALTER ROLE ${user} REPLICATION; as a superuser (a replication slot needs the REPLICATION attribute)`;
}

export function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || "5432"}${parsed.pathname}`;
  } catch {
    return "(unparsable URL)";
  }
}

export function userOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).username) || "(the URL's user)";
  } catch {
    return "(the URL's user)";
  }
}
