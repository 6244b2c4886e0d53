// examples/database as a user meets it, with its docker-compose database replaced by a throwaway
// cluster (no registry here for the postgres image): its schema applied, its .env pointed there,
// an INSERT and an UPDATE run its function.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Daemon } from "../../emulator/daemon/daemon";
import type { LogRecord } from "../../emulator/protocol";
import { requireDocker } from "../helpers/docker";
import { waitFor } from "../helpers/emulator";
import { messageOf } from "../helpers/logLines";
import { REPO_ROOT } from "../helpers/paths";
import { startMariadbServer, type MariadbServer } from "../helpers/mariadbServer";
import { asOwner, startPostgresCluster, type PostgresCluster } from "../helpers/postgresCluster";

let pg: PostgresCluster | undefined;
let my: MariadbServer | undefined;
let daemon: Daemon | undefined;
after(async () => {
  await daemon?.shutdown();
  await pg?.remove();
  await my?.remove();
});

const EXAMPLE = join(REPO_ROOT, "examples", "database");

/** The example as a user copies it, into a fresh folder. */
function copyExample(prefix: string): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(root, 0o755);
  cpSync(EXAMPLE, root, { recursive: true });
  return root;
}

/** Points the copy's .env at `url`, starts the emulator, runs an INSERT and an UPDATE through `write`: the lines audit printed. */
async function auditLinesAfterWrites(root: string, url: string, write: (sql: string) => Promise<unknown>): Promise<string[]> {
  writeFileSync(join(root, ".env"), `SHOP_DATABASE_URL=${url}\n`);
  const started = await Daemon.start({ root, executor: "docker", watch: false, httpPort: 0, invokePort: 0 });
  daemon = started;
  assert.deepEqual(started.engine.problems.map((p) => p.message), []);
  const lines: string[] = [];
  started.engine.logBus.subscribe((record: LogRecord) => {
    if (record.function === "audit" && messageOf(record.text).startsWith("order ")) lines.push(messageOf(record.text));
  });
  await waitFor(() => started.databases.list()[0]?.status === "running", `the trigger streaming: ${JSON.stringify(started.databases.list())}`, 20_000);
  await write("INSERT INTO orders (total) VALUES (12.5)");
  await write("UPDATE orders SET status = 'paid' WHERE id = 1");
  await waitFor(() => lines.length >= 2, "two log lines", 30_000);
  return lines;
}

test("examples/database: an INSERT and an UPDATE of orders each run audit with the change", async () => {
  await requireDocker();
  const cluster = await startPostgresCluster();
  pg = cluster;
  await asOwner(cluster, readFileSync(join(EXAMPLE, "schema.sql"), "utf8"));
  const root = copyExample("faasbox-example-db-");
  assert.match(readFileSync(join(root, ".env"), "utf8"), /^SHOP_DATABASE_URL=postgres:\/\/shop:shop-local@127\.0\.0\.1:5432\/shop$/m);
  assert.deepEqual(await auditLinesAfterWrites(root, cluster.url, (sql) => asOwner(cluster, sql)), [
    'order 1 insert: null -> {"id":1,"status":"new","total":"12.50"}',
    'order 1 update: null -> {"id":1,"status":"paid","total":"12.50"}',
  ]);
});

test("examples/database on MariaDB: its schema-mysql.sql and a mysql:// URL, the same function runs with full before rows", async () => {
  await requireDocker();
  await daemon?.shutdown();
  daemon = undefined;
  const server = await startMariadbServer();
  my = server;
  // As docker-compose.yml's mariadb service makes them: the user shop owning the database shop.
  await server.query("CREATE USER 'shop'@'%' IDENTIFIED BY 'shop-local'; GRANT ALL ON shop.* TO 'shop'@'%'");
  await server.query(readFileSync(join(EXAMPLE, "schema-mysql.sql"), "utf8"));
  const root = copyExample("faasbox-example-my-");
  assert.deepEqual(await auditLinesAfterWrites(root, `mysql://shop:shop-local@127.0.0.1:${server.port}/shop`, (sql) => server.query(sql)), [
    'order 1 insert: null -> {"id":1,"status":"new","total":"12.50"}',
    'order 1 update: {"id":1,"status":"new","total":"12.50"} -> {"id":1,"status":"paid","total":"12.50"}',
  ]);
});
