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

test("examples/database: an INSERT and an UPDATE of orders each run audit with the change", async () => {
  await requireDocker();
  pg = await startPostgresCluster();
  const example = join(REPO_ROOT, "examples", "database");
  await asOwner(pg, readFileSync(join(example, "schema.sql"), "utf8"));
  const root = mkdtempSync(join(tmpdir(), "faasbox-example-db-"));
  chmodSync(root, 0o755);
  cpSync(example, root, { recursive: true });
  assert.match(readFileSync(join(root, ".env"), "utf8"), /^SHOP_DATABASE_URL=postgres:\/\/shop:shop-local@127\.0\.0\.1:5432\/shop$/m);
  writeFileSync(join(root, ".env"), `SHOP_DATABASE_URL=${pg.url}\n`);
  daemon = await Daemon.start({ root, executor: "docker", watch: false, httpPort: 0, invokePort: 0 });
  assert.deepEqual(daemon.engine.problems.map((p) => p.message), []);
  const lines: string[] = [];
  daemon.engine.logBus.subscribe((record: LogRecord) => {
    if (record.function === "audit" && messageOf(record.text).startsWith("order ")) lines.push(messageOf(record.text));
  });
  await waitFor(() => daemon!.databases.list()[0]?.status === "running", "the trigger streaming", 20_000);
  await asOwner(pg, "INSERT INTO orders (total) VALUES (12.5)");
  await asOwner(pg, "UPDATE orders SET status = 'paid' WHERE id = 1");
  await waitFor(() => lines.length >= 2, "two log lines", 30_000);
  assert.deepEqual(lines, [
    'order 1 insert: null -> {"id":1,"status":"new","total":"12.50"}',
    'order 1 update: null -> {"id":1,"status":"paid","total":"12.50"}',
  ]);
});

test("examples/database on MariaDB: its schema-mysql.sql and a mysql:// URL, the same function runs with full before rows", async () => {
  await requireDocker();
  await daemon?.shutdown();
  daemon = undefined;
  my = await startMariadbServer();
  const example = join(REPO_ROOT, "examples", "database");
  // As docker-compose.yml's mariadb service makes them: the user shop owning the database shop.
  await my.query("CREATE USER 'shop'@'%' IDENTIFIED BY 'shop-local'; GRANT ALL ON shop.* TO 'shop'@'%'");
  await my.query(readFileSync(join(example, "schema-mysql.sql"), "utf8"));
  const root = mkdtempSync(join(tmpdir(), "faasbox-example-my-"));
  chmodSync(root, 0o755);
  cpSync(example, root, { recursive: true });
  writeFileSync(join(root, ".env"), `SHOP_DATABASE_URL=mysql://shop:shop-local@127.0.0.1:${my.port}/shop\n`);
  daemon = await Daemon.start({ root, executor: "docker", watch: false, httpPort: 0, invokePort: 0 });
  assert.deepEqual(daemon.engine.problems.map((p) => p.message), []);
  const lines: string[] = [];
  daemon.engine.logBus.subscribe((record: LogRecord) => {
    if (record.function === "audit" && messageOf(record.text).startsWith("order ")) lines.push(messageOf(record.text));
  });
  await waitFor(() => daemon!.databases.list()[0]?.status === "running", `the trigger streaming: ${JSON.stringify(daemon!.databases.list())}`, 20_000);
  await my.query("INSERT INTO orders (total) VALUES (12.5)");
  await my.query("UPDATE orders SET status = 'paid' WHERE id = 1");
  await waitFor(() => lines.length >= 2, "two log lines", 30_000);
  assert.deepEqual(lines, [
    'order 1 insert: null -> {"id":1,"status":"new","total":"12.50"}',
    'order 1 update: {"id":1,"status":"new","total":"12.50"} -> {"id":1,"status":"paid","total":"12.50"}',
  ]);
});
