// What a user reads when the database cannot feed a trigger, in the CLI: `faasbox start` warns with
// where the source is written and what to change, `faasbox triggers` shows the trigger failing,
// `faasbox doctor` says the same and lists the project's slots with their lag. Never the password.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { runCli, runCliAsync, spawnCliStart } from "../helpers/cli";
import { writeDatabaseProject } from "../helpers/databaseProject";
import { requireDocker } from "../helpers/docker";
import { waitFor } from "../helpers/emulator";
import { asOwner, startPostgresCluster, type PostgresCluster } from "../helpers/postgresCluster";

function startCli(root: string) {
  const { child, output } = spawnCliStart(root, ["--quiet"]);
  return {
    output,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    },
  };
}

describe("database trigger errors in the CLI", () => {
  const clusters: PostgresCluster[] = [];
  after(async () => {
    for (const cluster of clusters) await cluster.remove();
  });

  const failingStart = async (pg: PostgresCluster, expected: RegExp) => {
    await asOwner(pg, "CREATE TABLE orders (id int PRIMARY KEY)");
    const root = writeDatabaseProject({ url: pg.url });
    const emulator = startCli(root);
    try {
      await waitFor(() => expected.test(emulator.output()), `the warning in:\n${emulator.output()}`, 30_000);
      const warning = emulator.output().split("\n").find((line) => expected.test(line))!;
      // faasbox.yml's line 3 is the source's url.
      assert.match(warning, /^warning: faasbox\.yml:3: databases\.shop\.url: /);
      assert.ok(!emulator.output().includes(pg.password), "the password is never printed");
      const triggers = await runCliAsync(["triggers", "--project", root, "--json"]);
      assert.equal(triggers.status, 0, triggers.stderr);
      const [listed] = JSON.parse(triggers.stdout).databases;
      assert.equal(listed.status, "failing");
      assert.match(listed.error, expected);
      assert.ok(!triggers.stdout.includes(pg.password));
      const doctor = await runCliAsync(["doctor", "--project", root]);
      assert.match(doctor.stdout, new RegExp(`✗ Database shop: postgres://faasbox:\\*+@127\\.0\\.0\\.1:${pg.port}/shop: .*${expected.source}`));
      assert.ok(!doctor.stdout.includes(pg.password));
    } finally {
      await emulator.stop();
    }
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
    const emulator = startCli(root);
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
