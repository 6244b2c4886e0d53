import { describeDriverError, hostOfUrl, problemText as said, UNREACHABLE_CODES, userOfUrl } from "./connectionErrors";

/**
 * MySQL/MariaDB connection and binlog problems in words a user can act on: what is wrong and what to
 * change. The words and the password masking both servers share are connectionErrors.ts's.
 * Error numbers: https://mariadb.com/kb/en/mariadb-error-code-reference/ (the same as MySQL's for these).
 */

const SERVER = "MySQL";

export function describeMysqlError(error: unknown, url: string): string {
  return describeDriverError(error, url, (e) => {
    const where = mysqlHostOf(url);
    if (e.code && UNREACHABLE_CODES.includes(e.code)) return said.unreachable(SERVER, where, e.code);
    switch (e.code) {
      case "ECONNRESET":
      case "PROTOCOL_CONNECTION_LOST":
        return said.lost(SERVER, where, e.code);
      case "ER_ACCESS_DENIED_ERROR":
      case "ER_DBACCESS_DENIED_ERROR":
        return said.loginRefused(SERVER, where, e.message, "that the user may connect from this host");
      case "ER_BAD_DB_ERROR":
        return said.noDatabase(where, e.message);
      case "ER_SPECIFIC_ACCESS_DENIED_ERROR":
        return /SLAVE|REPLICA|BINLOG|CLIENT|SUPER/i.test(e.message) ? grantsMessage(mysqlUserOf(url), where) : said.other(SERVER, where, e.message);
      case "ER_SERVER_SHUTDOWN":
      case "ER_CON_COUNT_ERROR":
        return said.notServing(SERVER, where, "shutting down or busy", e.message);
    }
    if (e.errno === 1236 || /could not find first log file|purged|binary log is not open/i.test(e.message)) {
      return `MySQL at ${where} cannot send the binlog from where this trigger stopped: ${e.message}`;
    }
    if (/closed state|Connection lost|read ECONNRESET/i.test(e.message)) return said.lost(SERVER, where, e.message);
    return said.other(SERVER, where, e.message);
  });
}

export function grantsMessage(user: string, where: string): string {
  return `the user ${user} at ${where} may not read the binlog: run GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO ${user}; as an administrator (reading the binlog needs both)`;
}

/** "127.0.0.1:3306/shop". */
export function mysqlHostOf(url: string): string {
  return hostOfUrl(url, "3306");
}

/** 'name'@'%', as GRANT takes it. */
export function mysqlUserOf(url: string): string {
  return userOfUrl(url, (user) => `'${user}'@'%'`);
}
