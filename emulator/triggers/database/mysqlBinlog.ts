import { createConnection, type Connection, type ConnectionOptions, type RowDataPacket } from "mysql2/promise";
import { parseDatabaseUrl } from "../../project/databaseUrl";
import { binlogLagBytes, type BinlogPosition } from "./binlogPosition";
import { grantsMessage, mysqlHostOf, mysqlUserOf } from "./mysqlErrors";
import { ReadinessError } from "./connectionErrors";
import { splitTable } from "./pgNames";

/**
 * What a binlog reader needs of a MySQL/MariaDB server, checked over an ordinary connection in the
 * order a user would fix it, each failure saying what to change; and the server's binlog positions.
 */

/** mysql2's connection options for a mysql:// or mariadb:// URL. Dates stay the server's text (no time zone guessed). */
export function mysqlConnectionOptions(url: string): ConnectionOptions {
  const parsed = parseDatabaseUrl(url);
  return {
    host: parsed.host,
    port: parsed.port,
    user: parsed.user,
    password: parsed.password ?? "",
    database: parsed.database,
    connectTimeout: 10_000,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: false,
  };
}

export async function withMysql<T>(url: string, use: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await createConnection(mysqlConnectionOptions(url));
  connection.on("error", () => undefined);
  try {
    return await use(connection);
  } finally {
    await connection.end().catch(() => connection.destroy());
  }
}

export interface BinlogServer {
  serverId: number;
  serverVersion: string;
  /** "database.table" → its primary key's columns, in key order. */
  primaryKeys: Map<string, string[]>;
}

/** Checks log_bin, binlog_format, binlog_row_image, the user's grants and the tables; throws the message that says what to change. */
export async function checkBinlogReady(connection: Connection, url: string, tables: readonly string[]): Promise<BinlogServer> {
  const where = mysqlHostOf(url);
  const [[settings]] = await connection.query<RowDataPacket[]>(
    "SELECT @@log_bin AS logBin, @@binlog_format AS format, @@binlog_row_image AS image, @@server_id AS serverId, VERSION() AS version");
  // https://mariadb.com/kb/en/activating-the-binary-log/, https://dev.mysql.com/doc/refman/8.0/en/replication-options-binary-log.html
  if (Number(settings.logBin) !== 1) {
    throw new ReadinessError(`MySQL at ${where} has log_bin off: row changes are read from the binary log. Start the server with log_bin (in my.cnf's [mysqld]: log_bin = mysql-bin and server_id = 1) and restart it`);
  }
  if (String(settings.format).toUpperCase() !== "ROW") {
    throw new ReadinessError(`MySQL at ${where} has binlog_format = ${settings.format}: row changes need binlog_format = ROW. Set binlog_format = ROW in my.cnf's [mysqld] (or SET GLOBAL binlog_format = 'ROW'; new sessions use it) and restart the clients that write`);
  }
  if (String(settings.image).toUpperCase() !== "FULL") {
    throw new ReadinessError(`MySQL at ${where} has binlog_row_image = ${settings.image}: the rows before an update or delete (and the "columns" filter) need every column. Set binlog_row_image = FULL in my.cnf's [mysqld] (or SET GLOBAL binlog_row_image = 'FULL')`);
  }
  const [grants] = await connection.query<RowDataPacket[]>("SHOW GRANTS FOR CURRENT_USER()");
  const granted = grants.map((row) => String(Object.values(row)[0])).join("\n");
  const global = granted.split("\n").filter((line) => / ON \*\.\* TO /i.test(line)).join("\n");
  // MariaDB 10.5+ shows REPLICATION CLIENT as BINLOG MONITOR (https://mariadb.com/kb/en/grant/#global-privileges).
  const canDump = /ALL PRIVILEGES|REPLICATION SLAVE(?! ADMIN)|REPLICATION REPLICA(?! ADMIN)/i.test(global);
  const canMonitor = /ALL PRIVILEGES|REPLICATION CLIENT|BINLOG MONITOR|SUPER/i.test(global);
  if (!canDump || !canMonitor) throw new ReadinessError(grantsMessage(mysqlUserOf(url), where));
  const database = parseDatabaseUrl(url).database;
  const primaryKeys = new Map<string, string[]>();
  for (const table of tables) {
    const { schema: owner, table: name } = mysqlTable(table, database);
    const [found] = await connection.query<RowDataPacket[]>(
      "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?", [owner, name]);
    if (found.length === 0) throw new ReadinessError(`the table ${owner}.${name} does not exist in ${where} (tables: lists table or database.table, the URL's database by default)`);
    const [keys] = await connection.query<RowDataPacket[]>(
      `SELECT COLUMN_NAME AS name FROM information_schema.KEY_COLUMN_USAGE
        WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION`, [owner, name]);
    primaryKeys.set(`${owner}.${name}`, keys.map((k) => String(k.name)));
  }
  return { serverId: Number(settings.serverId), serverVersion: String(settings.version), primaryKeys };
}

/** "database.table" or "table" (in the URL's database) → its database and name. */
export function mysqlTable(table: string, database: string): { schema: string; table: string } {
  return table.includes(".") ? splitTable(table) : { schema: database, table };
}

/** The server's current binlog position (SHOW MASTER STATUS: needs REPLICATION CLIENT). */
export async function currentBinlogPosition(connection: Connection): Promise<BinlogPosition> {
  let status: RowDataPacket | undefined;
  try {
    [[status]] = await connection.query<RowDataPacket[]>("SHOW MASTER STATUS");
  } catch (error) {
    // MySQL 8.4 removed SHOW MASTER STATUS for SHOW BINARY LOG STATUS (https://dev.mysql.com/doc/refman/8.4/en/show-binary-log-status.html); MariaDB keeps it.
    if ((error as { code?: string }).code !== "ER_PARSE_ERROR") throw error;
    [[status]] = await connection.query<RowDataPacket[]>("SHOW BINARY LOG STATUS");
  }
  if (!status) throw new ReadinessError("the server reports no binlog position (SHOW MASTER STATUS is empty): is log_bin on?");
  return { file: String(status.File), position: Number(status.Position) };
}

/** The binlog files the server still has, with their sizes (SHOW BINARY LOGS). */
export async function binaryLogs(connection: Connection): Promise<Array<{ file: string; size: number }>> {
  const [rows] = await connection.query<RowDataPacket[]>("SHOW BINARY LOGS");
  return rows.map((r) => ({ file: String(r.Log_name), size: Number(r.File_size) }));
}

/** Bytes of binlog the server has written after `from`. */
export async function binlogLag(connection: Connection, from: BinlogPosition): Promise<number> {
  const current = await currentBinlogPosition(connection);
  return binlogLagBytes(from, current, await binaryLogs(connection));
}
