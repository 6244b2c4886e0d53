import assert from "node:assert/strict";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { createConnection, type Connection } from "mysql2/promise";
import { serverPlace, throwawayServer, type ThrowawayServer } from "./throwawayServer";

const run = promisify(execFile);

/**
 * A throwaway MariaDB server for the tests: mariadb-install-db in a temporary folder, mariadbd
 * listening on 127.0.0.1 on a free port with the binlog on, removed by `remove()`. No mock: the
 * MySQL database triggers are tested against the real server's binlog. Its url is
 * mysql://faasbox:PASSWORD@127.0.0.1:PORT/shop (a user with the replication grants unless told
 * otherwise); query() runs as root in the shop database; stop() is a clean shutdown.
 */
export type MariadbServer = ThrowawayServer;

export interface MariadbOptions {
  /** ROW by default; STATEMENT or MIXED for the error tests. */
  binlogFormat?: "ROW" | "STATEMENT" | "MIXED";
  /** The binlog on (default) or off. */
  logBin?: boolean;
  /** FULL by default. */
  binlogRowImage?: "FULL" | "MINIMAL" | "NOBLOB";
  /** Whether the test user has REPLICATION SLAVE and REPLICATION CLIENT (default true). */
  replication?: boolean;
}

const DATABASE = "shop";
const USER = "faasbox";

/** mariadbd's path, or a failure that says what to install. */
export function mariadbBin(): { server: string; installDb: string } {
  const server = ["/usr/sbin/mariadbd", "/usr/bin/mariadbd"].find((p) => existsSync(p));
  const installDb = ["/usr/bin/mariadb-install-db", "/usr/bin/mysql_install_db"].find((p) => existsSync(p));
  if (!server || !installDb) {
    assert.fail("the MySQL database trigger tests need MariaDB's server (mariadbd, mariadb-install-db): run 'npm run setup' or apt-get install mariadb-server");
  }
  return { server, installDb };
}

export async function startMariadbServer(options: MariadbOptions = {}): Promise<MariadbServer> {
  const bin = mariadbBin();
  const { dir, port, password } = await serverPlace("my");
  await chmod(dir, 0o755);
  const data = join(dir, "data");
  const socket = join(dir, "sock");
  const asRoot = process.getuid?.() === 0;
  await run(bin.installDb, [`--datadir=${data}`, "--auth-root-authentication-method=normal", "--skip-test-db", ...(asRoot ? ["--user=root"] : [])], { timeout: 120_000 });
  const args = [
    "--no-defaults",
    `--datadir=${data}`,
    `--socket=${socket}`,
    `--port=${port}`,
    "--bind-address=127.0.0.1",
    `--pid-file=${join(dir, "pid")}`,
    `--log-error=${join(dir, "server.log")}`,
    "--server-id=1",
    ...(options.logBin === false ? [] : [`--log-bin=${join(data, "binlog")}`, `--binlog-format=${options.binlogFormat ?? "ROW"}`, `--binlog-row-image=${options.binlogRowImage ?? "FULL"}`]),
    // Speed over durability: a throwaway server.
    "--innodb-flush-log-at-trx-commit=2",
    "--sync-binlog=0",
    "--innodb-buffer-pool-size=32M",
    "--skip-name-resolve",
    ...(asRoot ? ["--user=root"] : []),
  ];
  let server: ChildProcess | undefined;
  const query = async <T,>(sql: string, params: unknown[] = [], database: string | null = DATABASE): Promise<T[]> => {
    const connection = await createConnection({ socketPath: socket, user: "root", ...(database ? { database } : {}), multipleStatements: true });
    try {
      const [rows] = await connection.query(sql, params);
      return rows as T[];
    } finally {
      await connection.end();
    }
  };
  const start = async () => {
    server = spawn(bin.server, args, { stdio: "ignore" });
    const exited = new Promise<never>((_, reject) => server?.once("exit", (code) => reject(new Error(`mariadbd exited (${code}); see ${join(dir, "server.log")}`))));
    exited.catch(() => undefined);
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const connection: Connection = await createConnection({ socketPath: socket, user: "root" });
        await connection.end();
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await Promise.race([new Promise((resolve) => setTimeout(resolve, 100)), exited]);
      }
    }
  };
  const stop = async () => {
    const child = server;
    if (!child || child.exitCode !== null) return;
    const gone = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await gone;
    server = undefined;
  };
  await start();
  const grants = options.replication === false ? "SELECT" : "SELECT, REPLICATION SLAVE, REPLICATION CLIENT";
  await query(
    `CREATE DATABASE ${DATABASE}; CREATE USER '${USER}'@'127.0.0.1' IDENTIFIED BY '${password}'; ` +
    `GRANT ALL ON ${DATABASE}.* TO '${USER}'@'127.0.0.1'; GRANT ${grants} ON *.* TO '${USER}'@'127.0.0.1'`,
    [], null,
  );
  return throwawayServer({
    url: `mysql://${USER}:${password}@127.0.0.1:${port}/${DATABASE}`,
    port,
    password,
    query: (sql, params) => query(sql, params),
    stop,
    start,
    dir,
  });
}
