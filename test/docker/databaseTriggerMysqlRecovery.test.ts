// MySQL/MariaDB triggers through a `faasbox start` killed with SIGKILL, and what a user reads when the
// server cannot feed a trigger (the CLI's warning, `faasbox triggers`, `faasbox doctor`): a real
// MariaDB server, the built CLI as its own process, real containers.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { runCli } from "../helpers/cli";
import { checkFailingStart, startDatabaseCli } from "../helpers/databaseCli";
import { auditFunction, writeDatabaseProject, type AuditRow } from "../helpers/databaseProject";
import { requireDocker } from "../helpers/docker";
import { waitFor } from "../helpers/emulator";
import { startMariadbServer, type MariadbOptions, type MariadbServer } from "../helpers/mariadbServer";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConnection } from "mysql2/promise";
import { BinlogPositionStore } from "../../emulator/triggers/database/binlogPositions";
import { ChangeDelivery } from "../../emulator/triggers/database/changeDelivery";
import { binlogPositionStore } from "../../emulator/triggers/database/databaseTriggers";
import { MysqlSource } from "../../emulator/triggers/database/mysqlSource";
import type { RowChange } from "../../emulator/triggers/database/rowChange";

const servers: MariadbServer[] = [];
after(async () => {
  for (const server of servers) await server.remove();
});

async function server(options: MariadbOptions = {}): Promise<MariadbServer> {
  const my = await startMariadbServer(options);
  servers.push(my);
  return my;
}

const idsIn = (output: string) => [...output.matchAll(/ROWS (\[.*\])/g)].flatMap((m) => (JSON.parse(m[1]) as AuditRow[]).map((r) => r[1]));

describe("MySQL triggers through an emulator killed with SIGKILL", () => {
  test("every change is delivered at least once and none skipped; changes made while stopped are delivered on the next start", async () => {
    await requireDocker();
    const my = await server();
    await my.query("CREATE TABLE orders (id int PRIMARY KEY, status varchar(20), v int)");
    const root = writeDatabaseProject({ url: my.url, functions: auditFunction("audit", "{name: shop, batchSize: 10}", "{DELAY_MS: '300'}") });
    const store = binlogPositionStore(root);
    const first = startDatabaseCli(root, []);
    try {
      await waitFor(async () => (await store.list()).length === 1, "the consumer's saved position", 30_000);
      for (let id = 1; id <= 200; id++) await my.query(`INSERT INTO orders VALUES (${id}, 'new', ${id})`);
      const count = (output: string, word: string) => (output.match(new RegExp(`${word} `, "g")) ?? []).length;
      await waitFor(() => count(first.output(), "ROWS") >= 3 && count(first.output(), "ROWS") > count(first.output(), "DONE"), "a batch in flight", 60_000);
      first.child.kill("SIGKILL");
      await new Promise((r) => first.child.once("exit", r));
    } finally {
      await first.stop();
    }
    const seenBefore = idsIn(first.output());
    const [saved] = await store.list();
    // While no emulator runs, changes wait in the server's binlog after the saved position.
    for (let id = 201; id <= 220; id++) await my.query(`INSERT INTO orders VALUES (${id}, 'while stopped', ${id})`);
    const doctor = runCli(["doctor", "--project", root]);
    const line = doctor.stdout.split("\n").find((l) => l.includes("Database shop")) ?? "";
    assert.match(line, /✓ Database shop: mysql:\/\/faasbox:\*+@127\.0\.0\.1:\d+\/shop: binlog positions: faasbox_[0-9a-f]{8}_audit_shop at binlog\.\d+:\d+, ([\d.]+) (B|KB|MB) behind/);
    assert.ok(!doctor.stdout.includes(my.password));

    const second = startDatabaseCli(root, []);
    try {
      await waitFor(() => new Set([...seenBefore, ...idsIn(second.output())]).size >= 220, `all 220 changes after the restart:\n${second.output().slice(-2000)}`, 120_000)
        .catch((error: Error) => assert.fail(`${error.message}\n${second.output().slice(-2000)}`));
      const all = new Set([...seenBefore, ...idsIn(second.output())]);
      assert.deepEqual([...all].sort((a, b) => a! - b!), Array.from({ length: 220 }, (_, i) => i + 1));
      // The batch in flight when the emulator was killed was not saved as delivered: it comes again.
      const again = idsIn(second.output());
      assert.ok(again[0]! <= seenBefore[seenBefore.length - 1]!, `the second run starts at or before the last change the first run received (${again[0]} vs ${seenBefore[seenBefore.length - 1]})`);
      // Batches settled before the kill were saved: the second run does not start over (a third batch had started, so two were saved).
      assert.ok(again[0]! > 10, `the saved position moved past the delivered batches (the second run starts at ${again[0]})`);
      assert.ok(saved.position.position > 0);
    } finally {
      await second.stop();
    }
  });

  test("a saved position whose binlog file was purged: said clearly, reading starts at the current position", async () => {
    const my = await server();
    await my.query("CREATE TABLE orders (id int PRIMARY KEY, status varchar(20), v int)");
    const root = writeDatabaseProject({ url: my.url });
    const store = binlogPositionStore(root);
    const first = startDatabaseCli(root);
    await waitFor(async () => (await store.list()).length === 1, "the consumer's saved position", 30_000);
    await first.stop();
    await my.query("FLUSH BINARY LOGS");
    await my.query("INSERT INTO orders VALUES (1, 'lost', 1)");
    await my.query("FLUSH BINARY LOGS");
    const [{ Log_name: current }] = (await my.query<{ Log_name: string }>("SHOW BINARY LOGS")).slice(-1);
    await my.query(`PURGE BINARY LOGS TO '${current}'`);
    const second = startDatabaseCli(root, []);
    try {
      await waitFor(() => /is no longer on the server \(purged/.test(second.output()), "the purge warning", 30_000)
        .catch((error: Error) => assert.fail(`${error.message} (exit ${second.child.exitCode}) in:\n${second.output()}`));
      const warning = second.output().split("\n").find((l) => l.includes("no longer on the server"))!;
      assert.match(warning, /^warning: faasbox\.yml:3: databases\.shop\.url: the binlog file binlog\.000001, where the trigger of consumer faasbox_[0-9a-f]{8}_audit_shop stopped, is no longer on the server \(purged: .*\); changes made since binlog\.000001:\d+ are lost to it\. Reading starts at the current position binlog\.\d+:\d+/);
      await my.query("INSERT INTO orders VALUES (2, 'after', 2)");
      await waitFor(() => idsIn(second.output()).includes(2), "the change after the purge", 30_000);
      assert.ok(!idsIn(second.output()).includes(1));
    } finally {
      await second.stop();
    }
  });
});

describe("the MySQL source under back-pressure", () => {
  test("reading pauses while delivery is behind and resumes: 20,000 changes of 1,000-row transactions, each once, in commit order", async () => {
    const my = await server();
    await my.query("CREATE TABLE orders (id int PRIMARY KEY, v int)");
    const store = new BinlogPositionStore(mkdtempSync(join(tmpdir(), "faasbox-positions-")));
    const source = new MysqlSource({ url: my.url, consumer: "c", sourceName: "shop", store, tables: ["orders"], operations: ["insert", "update", "delete"], label: "shop" });
    const ids: number[] = [];
    let mostBuffered = 0;
    // A slow function (3 ms a batch of 100): the 20,000 changes arrive far faster than they are delivered.
    const delivery = new ChangeDelivery(source, {
      batchSize: 100, batchWindowSec: 0,
      toEvent: (changes: RowChange[]) => changes,
      invoke: async (event: unknown) => {
        for (const change of event as RowChange[]) ids.push(change.after!.id as number);
        mostBuffered = Math.max(mostBuffered, source.buffered);
        await new Promise((r) => setTimeout(r, 3));
        return { ok: true, response: Buffer.from("{}") };
      },
      deadLetter: async () => undefined,
    });
    await delivery.start();
    const sql = await createConnection(my.url);
    try {
      for (let t = 0; t < 20; t++) await sql.query(`INSERT INTO orders SELECT seq, ${t} FROM seq_${t * 1000}_to_${t * 1000 + 999}`);
      await waitFor(() => ids.length >= 20_000, "20,000 changes", 60_000).catch((error: Error) => assert.fail(`${error.message}: ${ids.length}`));
      assert.deepEqual(ids, Array.from({ length: 20_000 }, (_, i) => i), "each change once, in commit order");
      assert.ok(mostBuffered <= 5000 + 1000, `what waits for delivery stays bounded (${mostBuffered})`);
    } finally {
      await sql.end();
      await delivery.stop();
    }
  });
});

describe("MySQL trigger errors in the CLI", () => {
  const failingStart = async (my: MariadbServer, expected: RegExp, url = my.url, tables = "[orders]") => {
    await my.query("CREATE TABLE IF NOT EXISTS orders (id int PRIMARY KEY)");
    await checkFailingStart(writeDatabaseProject({ url, tables }), expected, my.password, "mysql://faasbox:\\*+@127\\.0\\.0\\.1:\\d+/shop");
  };

  test("binlog_format = STATEMENT: set binlog_format = ROW", async () => {
    await requireDocker();
    await failingStart(await server({ binlogFormat: "STATEMENT" }), /has binlog_format = STATEMENT: row changes need binlog_format = ROW\. Set binlog_format = ROW in my\.cnf/);
  });

  test("log_bin off: start the server with log_bin", async () => {
    await failingStart(await server({ logBin: false }), /has log_bin off: row changes are read from the binary log\. Start the server with log_bin/);
  });

  test("binlog_row_image = MINIMAL: set binlog_row_image = FULL", async () => {
    await failingStart(await server({ binlogRowImage: "MINIMAL" }), /has binlog_row_image = MINIMAL: the rows before an update or delete \(and the "columns" filter\) need every column\. Set binlog_row_image = FULL/);
  });

  test("a user without the replication grants: GRANT REPLICATION SLAVE, REPLICATION CLIENT", async () => {
    await failingStart(await server({ replication: false }), /the user 'faasbox'@'%' at 127\.0\.0\.1:\d+\/shop may not read the binlog: run GRANT REPLICATION SLAVE, REPLICATION CLIENT ON \*\.\* TO 'faasbox'@'%'/);
  });

  test("a bad login, an unreachable server and a missing table say which", async () => {
    const my = await server();
    await failingStart(my, /MySQL at 127\.0\.0\.1:\d+\/shop refused the login: Access denied for user 'faasbox'/, my.url.replace(my.password, "wrong-secret"));
    await failingStart(my, /cannot reach MySQL at 127\.0\.0\.1:1\/shop \(ECONNREFUSED\): is the server running/, my.url.replace(`:${my.port}/`, ":1/"));
    await failingStart(my, /the table shop\.missing does not exist in 127\.0\.0\.1:\d+\/shop/, my.url, "[missing]");
  });
});
