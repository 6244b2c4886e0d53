import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { chmod, chown, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { Client } from "pg";
import { serverPlace, throwawayServer, type ThrowawayServer } from "./throwawayServer";

const run = promisify(execFile);

/**
 * A throwaway PostgreSQL cluster for the tests: initdb in a temporary folder, listening on
 * 127.0.0.1 on a free port, its socket in that folder, removed by `remove()`. No mock: the
 * database triggers are tested against the real server's logical replication. Its url is
 * postgres://faasbox:PASSWORD@127.0.0.1:PORT/shop (password auth, a role with REPLICATION unless
 * told otherwise); stop() is a fast shutdown.
 */
export type PostgresCluster = ThrowawayServer;

export interface ClusterOptions {
  /** "logical" (default) or "replica" for the error tests. */
  walLevel?: "logical" | "replica";
  /** Whether the test role may replicate (default true). */
  replication?: boolean;
}

const DATABASE = "shop";
const ROLE = "faasbox";

/** The folder of PostgreSQL's server programs, or a failure that says what to install. */
export function postgresBin(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "initdb"))) : [];
  if (versions.length === 0) {
    assert.fail("the database trigger tests need PostgreSQL's server (initdb, pg_ctl): run 'npm run setup' or apt-get install postgresql");
  }
  return join(root, versions.sort((a, b) => Number(b) - Number(a))[0], "bin");
}

/** PostgreSQL refuses to run as root: as root, its programs run as the `postgres` user Debian's package creates. */
async function asServerUser(bin: string, args: string[], uid: number | undefined): Promise<void> {
  if (uid === undefined) {
    await run(bin, args);
    return;
  }
  await run("runuser", ["-u", "postgres", "--", bin, ...args]);
}

export async function startPostgresCluster(options: ClusterOptions = {}): Promise<PostgresCluster> {
  const bin = postgresBin();
  const root = process.getuid?.() === 0;
  const serverUid = root ? Number((await run("id", ["-u", "postgres"])).stdout.trim()) : undefined;
  const { dir, port, password } = await serverPlace("pg");
  const data = join(dir, "data");
  if (serverUid !== undefined) {
    const gid = Number((await run("id", ["-g", "postgres"])).stdout.trim());
    await chown(dir, serverUid, gid);
  }
  await chmod(dir, 0o700);
  await asServerUser(join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync"], serverUid);
  const conf = [
    `listen_addresses = '127.0.0.1'`,
    `port = ${port}`,
    `unix_socket_directories = '${dir}'`,
    `wal_level = ${options.walLevel ?? "logical"}`,
    "max_replication_slots = 40",
    "max_wal_senders = 40",
    // fsync off for speed; synchronous_commit stays on, as a user's server has it: with it off the
    // WAL sender waits for the WAL writer (up to wal_writer_delay, 200 ms) before sending a commit.
    "fsync = off",
    "full_page_writes = off",
  ].join("\n");
  await writeFile(join(dir, "extra.conf"), conf + "\n");
  if (serverUid !== undefined) await chown(join(dir, "extra.conf"), serverUid, Number((await run("id", ["-g", "postgres"])).stdout.trim()));
  await run("sh", ["-c", `echo "include '${join(dir, "extra.conf")}'" >> '${join(data, "postgresql.conf")}'`]);
  // Replication connections over TCP with a password, as a user's database would take them.
  await run("sh", ["-c", `echo "host replication all 127.0.0.1/32 scram-sha-256" >> '${join(data, "pg_hba.conf")}'`]);

  const pgCtl = (...args: string[]) => asServerUser(join(bin, "pg_ctl"), ["-D", data, "-w", "-t", "60", ...args], serverUid);
  const start = async () => pgCtl("-l", join(dir, "server.log"), "start");
  const stop = async () => pgCtl("-m", "fast", "stop");
  await start();

  const query = async <T,>(sql: string, params: unknown[] = []): Promise<T[]> => {
    const client = new Client({ host: dir, port, user: "postgres", database: DATABASE });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  };
  const admin = new Client({ host: dir, port, user: "postgres", database: "postgres" });
  await admin.connect();
  try {
    await admin.query(`CREATE ROLE ${ROLE} LOGIN PASSWORD '${password}' ${options.replication === false ? "NOREPLICATION" : "REPLICATION"}`);
    await admin.query(`CREATE DATABASE ${DATABASE} OWNER ${ROLE}`);
  } finally {
    await admin.end();
  }
  return throwawayServer({ url: `postgres://${ROLE}:${password}@127.0.0.1:${port}/${DATABASE}`, port, password, query, stop, start, dir });
}

/** Runs SQL as the tables' owner (the test role), so the publication Faasbox creates may include them. */
export async function asOwner(cluster: PostgresCluster, sql: string): Promise<void> {
  const client = new Client({ connectionString: cluster.url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
