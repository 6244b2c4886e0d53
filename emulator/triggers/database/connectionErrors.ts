import { maskSecrets, maskUrl, parseDatabaseUrl } from "../../project/databaseUrl";

/**
 * What PostgreSQL's and MySQL's connection problems have in common (pgErrors.ts and mysqlErrors.ts
 * hold each server's own codes): the same words for the same problem, and every message passes
 * through `maskPassword`: a connection URL's password is never printed.
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

/** Why a URL is not a database connection URL (password masked), or undefined when it is one. */
export function badUrlReason(url: string): string | undefined {
  try {
    parseDatabaseUrl(url);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * A problem Faasbox's own checks found: its message already says what to change. Recognised by its
 * name, not `instanceof`: the database drivers' bundle throws its own copy of this class
 * (databaseDrivers.ts), which the engine's `faasbox doctor` describes.
 */
export class ReadinessError extends Error {
  override readonly name = "ReadinessError";
}

function isReadinessError(error: unknown): boolean {
  return error instanceof Error && error.name === "ReadinessError";
}

/** An error of a database driver or of the network below it. */
export interface DriverError extends Error {
  code?: string;
  errno?: number;
}

/** Network error codes that mean the server could not be reached at all. */
export const UNREACHABLE_CODES: readonly string[] = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH"];

/**
 * The message for an error met while connecting, checking or streaming: a ReadinessError's own
 * message, else what `describe` (the server's own codes) says; password masked either way.
 */
export function describeDriverError(error: unknown, url: string, describe: (e: DriverError) => string): string {
  const e = error as DriverError;
  return maskPassword(isReadinessError(error) ? e.message : describe(e), url);
}

/** The words both servers' messages share, `server` being "PostgreSQL" or "MySQL" and `where` host:port/database. */
export const problemText = {
  unreachable: (server: string, where: string, code: string) => `cannot reach ${server} at ${where} (${code}): is the server running and listening there?`,
  loginRefused: (server: string, where: string, message: string, alsoCheck: string) =>
    `${server} at ${where} refused the login: ${message} (check the user and password in the URL, and ${alsoCheck})`,
  noDatabase: (where: string, message: string) => `${message} at ${where} (check the database name in the URL)`,
  lost: (server: string, where: string, why: string) => `the connection to ${server} at ${where} was lost (${why}); reconnecting`,
  notServing: (server: string, where: string, state: string, message: string) => `${server} at ${where} is ${state} (${message}); retrying`,
  other: (server: string, where: string, message: string) => `${server} at ${where}: ${message}`,
};

/** "127.0.0.1:5432/shop": the URL's host, port (`defaultPort` when it has none) and database. */
export function hostOfUrl(url: string, defaultPort: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || defaultPort}${parsed.pathname}`;
  } catch {
    return "(unparsable URL)";
  }
}

/** The URL's user as `name` writes it for a message, or "(the URL's user)" when it has none or does not parse. */
export function userOfUrl(url: string, name: (user: string) => string = (user) => user): string {
  try {
    const user = decodeURIComponent(new URL(url).username);
    return user ? name(user) : "(the URL's user)";
  } catch {
    return "(the URL's user)";
  }
}
