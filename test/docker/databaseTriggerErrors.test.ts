// What a user reads when the database cannot feed a trigger, in the CLI: `faasbox start` warns with
// where the source is written and what to change, `faasbox triggers` shows the trigger failing,
// `faasbox doctor` says the same and lists the project's slots with their lag. Never the password.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { runCli } from "../helpers/cli";
import { checkFailingStart, startDatabaseCli } from "../helpers/databaseCli";
import { writeDatabaseProject } from "../helpers/databaseProject";
import { requireDocker } from "../helpers/docker";
import { waitFor } from "../helpers/emulator";
import { asOwner, startPostgresCluster, type PostgresCluster } from "../helpers/postgresCluster";

describe("database trigger errors in the CLI", () => {
  const clusters: PostgresCluster[] = [];
  after(async () => {
    for (const cluster of clusters) await cluster.remove();
  });

  const failingStart = async (pg: PostgresCluster, expected: RegExp) => {
    await asOwner(pg, "CREATE TABLE orders (id int PRIMARY KEY)");
    // faasbox.yml's line 3 is the source's url.
    await checkFailingStart(writeDatabaseProject({ url: pg.url }), expected, pg.password, `postgres://faasbox:\\*+@127\\.0\\.0\\.1:${pg.port}/shop`);
  };

  test("wal_level = replica: set wal_level = logical in postgresql.conf and restart", async () => {
    await requireDocker();
    const pg = await startPostgresCluster({ walLevel: "replica" });
    clusters.push(pg);
    await failingStart(pg, /wal_level = replica: logical replication needs wal_level = logical\. Set wal_level = logical in postgresql\.conf/);
  });

  test("a role without REPLICATION: ALTER ROLE faasbox REPLICATION", async () => {
    const pg = await startPostgresCluster({ replication: false });
    clusters.push(pg);
    await failingStart(pg, /the role faasbox at .* may not replicate: run ALTER ROLE faasbox REPLICATION/);
  });

  test("faasbox doctor lists the project's slots with their lag, also while the emulator is stopped", async () => {
    const pg = await startPostgresCluster();
    clusters.push(pg);
    await asOwner(pg, "CREATE TABLE orders (id int PRIMARY KEY)");
    const root = writeDatabaseProject({ url: pg.url });
    const emulator = startDatabaseCli(root);
    await waitFor(async () => (await pg.query("SELECT 1 FROM pg_replication_slots")).length === 1, "the slot", 30_000);
    await emulator.stop();
    // Changes made while the emulator is stopped wait in the slot: its lag grows.
    await asOwner(pg, "INSERT INTO orders SELECT g FROM generate_series(1, 1000) g");
    const doctor = runCli(["doctor", "--project", root]);
    const line = doctor.stdout.split("\n").find((l) => l.includes("Database shop"));
    assert.match(line ?? "", /✓ Database shop: postgres:\/\/faasbox:\*+@127\.0\.0\.1:\d+\/shop: replication slots: faasbox_[0-9a-f]{8}_audit_shop ([\d.]+) (B|KB|MB|GB) behind \(not being read\)/);
    const [, amount, unit] = /([\d.]+) (B|KB|MB|GB) behind/.exec(line!)!;
    assert.ok(Number(amount) * (unit === "B" ? 1 : unit === "KB" ? 1024 : 1024 * 1024) > 10_000, `1,000 inserted rows are behind: ${line}`);
  });
});
