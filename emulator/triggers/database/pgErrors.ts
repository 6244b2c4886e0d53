import { describeDriverError, hostOfUrl, problemText as said, UNREACHABLE_CODES, userOfUrl } from "./connectionErrors";

/**
 * PostgreSQL connection problems in words a user can act on: what is wrong and what to change.
 * The words and the password masking both servers share are connectionErrors.ts's.
 */

const SERVER = "PostgreSQL";

/**
 * The message for an error met while connecting, checking or replicating. Codes:
 * https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
export function describePgError(error: unknown, url: string): string {
  return describeDriverError(error, url, (e) => {
    const where = hostOf(url);
    // PostgreSQL's driver reports a reset connection while connecting: the server is not reachable.
    if (e.code && (UNREACHABLE_CODES.includes(e.code) || e.code === "ECONNRESET")) return said.unreachable(SERVER, where, e.code);
    switch (e.code) {
      case "28P01":
      case "28000":
        return said.loginRefused(SERVER, where, e.message, `pg_hba.conf allows "replication" connections for it`);
      case "3D000":
        return said.noDatabase(where, e.message);
      case "57P01":
      case "57P02":
      case "57P03":
        return said.notServing(SERVER, where, "shutting down or starting up", e.message);
    }
    if (/wal_level/i.test(e.message)) return walLevelMessage(where);
    if (/must be superuser or replication role|permission denied to (start|use) (WAL sender|replication)|REPLICATION attribute/i.test(e.message)) {
      return replicationMessage(userOf(url), where);
    }
    if (/terminat|Connection terminated|ended unexpectedly/i.test(e.message)) return said.lost(SERVER, where, e.message);
    return said.other(SERVER, where, e.message);
  });
}

export function walLevelMessage(where: string, current?: string): string {
  return `PostgreSQL at ${where} has wal_level = ${current ?? "below logical"}: logical replication needs wal_level = logical. Set wal_level = logical in postgresql.conf (or ALTER SYSTEM SET wal_level = logical) and restart the server`;
}

export function replicationMessage(user: string, where: string): string {
  return `the role ${user} at ${where} may not replicate: run ALTER ROLE ${user} REPLICATION; as a superuser (a replication slot needs the REPLICATION attribute)`;
}

/** "127.0.0.1:5432/shop". */
export function hostOf(url: string): string {
  return hostOfUrl(url, "5432");
}

export function userOf(url: string): string {
  return userOfUrl(url);
}
