import { maskPassword, ReadinessError } from "./pgErrors";

/**
 * MySQL/MariaDB connection and binlog problems in words a user can act on: what is wrong and what to
 * change. Every message passes through maskPassword: a connection URL's password is never printed.
 * Error numbers: https://mariadb.com/kb/en/mariadb-error-code-reference/ (the same as MySQL's for these).
 */

interface MysqlError extends Error {
  code?: string;
  errno?: number;
}

export function describeMysqlError(error: unknown, url: string): string {
  const e = error as MysqlError;
  if (error instanceof ReadinessError) return maskPassword(e.message, url);
  const where = mysqlHostOf(url);
  let text: string;
  switch (e.code) {
    case "ECONNREFUSED":
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
      text = `cannot reach MySQL at ${where} (${e.code}): is the server running and listening there?`;
      break;
    case "ECONNRESET":
    case "PROTOCOL_CONNECTION_LOST":
      text = `the connection to MySQL at ${where} was lost (${e.code}); reconnecting`;
      break;
    case "ER_ACCESS_DENIED_ERROR":
    case "ER_DBACCESS_DENIED_ERROR":
      text = `MySQL at ${where} refused the login: ${e.message} (check the user and password in the URL, and that the user may connect from this host)`;
      break;
    case "ER_BAD_DB_ERROR":
      text = `${e.message} at ${where} (check the database name in the URL)`;
      break;
    case "ER_SPECIFIC_ACCESS_DENIED_ERROR":
      text = /SLAVE|REPLICA|BINLOG|CLIENT|SUPER/i.test(e.message) ? grantsMessage(userOf(url), where) : `MySQL at ${where}: ${e.message}`;
      break;
    case "ER_SERVER_SHUTDOWN":
    case "ER_CON_COUNT_ERROR":
      text = `MySQL at ${where} is shutting down or busy (${e.message}); retrying`;
      break;
    default:
      if (e.errno === 1236 || /could not find first log file|purged|binary log is not open/i.test(e.message)) {
        text = `MySQL at ${where} cannot send the binlog from where this trigger stopped: ${e.message}`;
      } else if (/closed state|Connection lost|read ECONNRESET/i.test(e.message)) {
        text = `the connection to MySQL at ${where} was lost (${e.message}); reconnecting`;
      } else text = `MySQL at ${where}: ${e.message}`;
  }
  return maskPassword(text, url);
}

export function grantsMessage(user: string, where: string): string {
  return `the user ${user} at ${where} may not read the binlog: run GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO ${user}; as an administrator (reading the binlog needs both)`;
}

/** "127.0.0.1:3306/shop". */
export function mysqlHostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || "3306"}${parsed.pathname}`;
  } catch {
    return "(unparsable URL)";
  }
}

function userOf(url: string): string {
  try {
    const user = decodeURIComponent(new URL(url).username);
    return user ? `'${user}'@'%'` : "(the URL's user)";
  } catch {
    return "(the URL's user)";
  }
}

export { userOf as mysqlUserOf };
