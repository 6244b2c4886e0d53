// The PostgreSQL source against a real throwaway cluster: decoding, acknowledgement, restarts, errors, slots.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "pg";
import type { SourceStatus } from "../../emulator/triggers/database/changeHandover";
import { PgSource } from "../../emulator/triggers/database/pgSource";
import { dropUnused, listSlots } from "../../emulator/triggers/database/pgSlots";
import type { RowChange } from "../../emulator/triggers/database/rowChange";
import { asOwner, startPostgresCluster, type PostgresCluster } from "../helpers/postgresCluster";
import { waitFor } from "../helpers/emulator";

/** Collects what a source hands over; acknowledges each transaction end unless told not to. */
function collector(source: () => PgSource, options: { acknowledge?: boolean } = {}) {
  const changes: RowChange[] = [];
  return {
    changes,
    onChanges: async (batch: RowChange[]) => {
      changes.push(...batch);
      if (options.acknowledge === false) return;
      const ends = batch.filter((c) => c.lastInTransaction);
      if (ends.length) await source().acknowledge(ends[ends.length - 1]);
    },
  };
}

describe("database trigger: the PostgreSQL source", () => {
  let pg: PostgresCluster;
  const sources: PgSource[] = [];
  const newSource = (slot: string, extra: Partial<ConstructorParameters<typeof PgSource>[0]> = {}) => {
    const source = new PgSource({
      url: pg.url, slot, publication: "faasbox_test_shop", tables: ["orders", "billing.invoices"],
      operations: ["insert", "update", "delete"], label: 'database "shop" (faasbox.yml:2)', ...extra,
    });
    sources.push(source);
    return source;
  };

  before(async () => {
    pg = await startPostgresCluster();
    await asOwner(pg, `
      CREATE TABLE orders (id int PRIMARY KEY, status text NOT NULL, total numeric(10,2), placed timestamptz, tags jsonb);
      CREATE SCHEMA billing;
      CREATE TABLE billing.invoices (no bigint PRIMARY KEY, amount int);`);
  });
  after(async () => {
    for (const source of sources) await source.stop();
    await pg?.remove();
  });

  test("INSERT, UPDATE and DELETE arrive as one change each, with key, rows, types and commit positions", async () => {
    const seen = collector(() => source);
    const source = newSource("faasbox_test_basic");
    await source.start(seen.onChanges);
    assert.equal(source.status.state, "streaming");
    await asOwner(pg, `INSERT INTO orders VALUES (1, 'new', 12.50, '2026-01-02 03:04:05.123456+00', '{"a": [1]}')`);
    await asOwner(pg, "UPDATE orders SET status = 'paid' WHERE id = 1");
    await asOwner(pg, "BEGIN; DELETE FROM orders WHERE id = 1; INSERT INTO billing.invoices VALUES (9007199254740993, 7); COMMIT");
    await waitFor(() => seen.changes.length >= 4, "four changes", 10_000);
    const [insert, update, del, invoice] = seen.changes;
    assert.deepEqual(
      { op: insert.op, schema: insert.schema, table: insert.table, key: insert.key, after: insert.after, before: insert.before },
      { op: "insert", schema: "public", table: "orders", key: { id: 1 }, after: { id: 1, status: "new", total: "12.50", placed: "2026-01-02 03:04:05.123456+00", tags: { a: [1] } }, before: undefined },
    );
    assert.deepEqual(insert.columnTypes, { id: "int4", status: "text", total: "numeric", placed: "timestamptz", tags: "jsonb" });
    assert.equal(insert.lastInTransaction, true);
    assert.equal(insert.indexInTransaction, 0);
    assert.match(insert.transactionId, /^\d+$/);
    assert.match(insert.commitTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.match(insert.lsn, /^[0-9A-F]+\/[0-9A-F]+$/);
    assert.equal(update.op, "update");
    assert.equal(update.after?.status, "paid");
    assert.deepEqual(update.key, { id: 1 });
    assert.equal(del.op, "delete");
    assert.deepEqual(del.key, { id: 1 });
    assert.deepEqual(del.before, { id: 1 }); // the default replica identity sends the old key only
    assert.equal(del.after, undefined);
    assert.equal(del.lastInTransaction, false);
    assert.equal(invoice.table, "invoices");
    assert.equal(invoice.schema, "billing");
    assert.deepEqual(invoice.key, { no: "9007199254740993" }); // int8 as text: no precision lost
    assert.equal(invoice.lastInTransaction, true);
    assert.equal(invoice.indexInTransaction, 1);
    assert.equal(del.transactionId, invoice.transactionId);
    assert.equal(del.commitLsn, invoice.commitLsn);
    await waitFor(async () => (await slotLag(pg, "faasbox_test_basic")) === 0, "the slot confirmed everything", 15_000);
  });

  test("unacknowledged changes come again to a new source on the same slot; acknowledged ones do not", async () => {
    const unacked = collector(() => first, { acknowledge: false });
    const first = newSource("faasbox_test_redeliver");
    await first.start(unacked.onChanges);
    await asOwner(pg, "INSERT INTO orders VALUES (10, 'a')");
    await asOwner(pg, "INSERT INTO orders VALUES (11, 'b')");
    await waitFor(() => unacked.changes.length >= 2, "two changes", 10_000);
    await first.acknowledge(unacked.changes[0]);
    await first.stop();

    const again = collector(() => second);
    const second = newSource("faasbox_test_redeliver");
    await second.start(again.onChanges);
    await waitFor(() => again.changes.length >= 1, "the unacknowledged change again", 10_000);
    assert.deepEqual(again.changes.map((c) => c.key), [{ id: 11 }]);
  });

  test("a column filter drops UPDATEs that change none of the columns (old row from REPLICA IDENTITY FULL)", async () => {
    await asOwner(pg, "ALTER TABLE orders REPLICA IDENTITY FULL");
    const seen = collector(() => source);
    const source = newSource("faasbox_test_columns", { columns: ["status"], publication: "faasbox_test_columns", tables: ["orders"] });
    await source.start(seen.onChanges);
    await asOwner(pg, "INSERT INTO orders VALUES (20, 'new', 1); UPDATE orders SET total = 2 WHERE id = 20; UPDATE orders SET status = 'paid' WHERE id = 20");
    await waitFor(() => seen.changes.length >= 2, "insert and the status update", 10_000);
    await asOwner(pg, "ALTER TABLE orders REPLICA IDENTITY DEFAULT");
    assert.deepEqual(seen.changes.map((c) => [c.op, c.after?.status, c.before?.status]), [["insert", "new", undefined], ["update", "paid", "new"]]);
  });

  test("10,000 changes arrive in commit order, none lost, through a slow delivery", async () => {
    const seen = collector(() => source);
    const slow = async (batch: RowChange[]) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      await seen.onChanges(batch);
    };
    const source = newSource("faasbox_test_many", { publication: "faasbox_test_many", tables: ["billing.invoices"] });
    await source.start(slow);
    // 100 transactions of 100 changes: 50 keys, each updated again and again.
    for (let t = 0; t < 100; t++) {
      const statements = Array.from({ length: 100 }, (_, i) => {
        const n = t * 100 + i;
        return n < 50 ? `INSERT INTO billing.invoices VALUES (${1000 + n}, ${n})` : `UPDATE billing.invoices SET amount = ${n} WHERE no = ${1000 + (n % 50)}`;
      });
      await asOwner(pg, `BEGIN; ${statements.join("; ")}; COMMIT`);
    }
    await waitFor(() => seen.changes.length >= 10_000, "10,000 changes", 60_000);
    assert.equal(seen.changes.length, 10_000);
    assert.deepEqual(seen.changes.map((c) => c.after?.amount), Array.from({ length: 10_000 }, (_, n) => n));
    assert.equal(seen.changes.filter((c) => c.lastInTransaction).length, 100);
  });

  test("backpressure: while delivery is stuck, reading pauses with a bounded buffer; released, every change comes in order", async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const received: RowChange[] = [];
    const source = newSource("faasbox_test_backpressure", { publication: "faasbox_test_backpressure", tables: ["billing.invoices"] });
    await source.start(async (batch) => {
      received.push(...batch);
      await released; // the first handover never settles until released
      const ends = batch.filter((c) => c.lastInTransaction);
      if (ends.length) await source.acknowledge(ends[ends.length - 1]);
    });
    await asOwner(pg, "INSERT INTO billing.invoices SELECT g, g FROM generate_series(100000, 149999) g");
    await waitFor(() => source.buffered >= 5000, "the buffer to fill", 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // One handover taken, at most the pause threshold buffered (and what one socket read held beyond it): the server keeps the rest.
    assert.equal(received.length, 1000);
    assert.ok(source.buffered < 10_000, `buffered ${source.buffered} of 50,000 while delivery is stuck`);
    release();
    await waitFor(() => received.length >= 50_000, "all 50,000 changes once released", 60_000);
    assert.deepEqual(received.map((c) => c.after?.amount), Array.from({ length: 50_000 }, (_, i) => 100_000 + i));
    assert.equal(received.filter((c) => c.lastInTransaction).length, 1);
  });

  test("a database restart mid-stream: the source reconnects and delivery resumes", async () => {
    const seen = collector(() => source);
    const states: SourceStatus["state"][] = [];
    const source = newSource("faasbox_test_restart", { onStatus: (s) => states.push(s.state) });
    await source.start(seen.onChanges);
    await asOwner(pg, "INSERT INTO orders VALUES (30, 'before')");
    await waitFor(() => seen.changes.length >= 1, "the first change", 10_000);
    await pg.stop();
    await waitFor(() => source.status.state === "failing", "the source noticed", 15_000);
    assert.match(source.status.error ?? "", /shop.*faasbox\.yml:2/);
    assert.doesNotMatch(source.status.error ?? "", new RegExp(pg.password));
    await pg.start();
    await asOwner(pg, "INSERT INTO orders VALUES (31, 'after')");
    await waitFor(() => seen.changes.some((c) => c.key.id === 31), "the change after the restart", 30_000);
    assert.ok(states.includes("streaming"));
    assert.deepEqual(seen.changes.filter((c) => c.table === "orders" && c.op === "insert").map((c) => c.key.id), [30, 31]);
  });

  test("this project's slots are listed with their lag; the unused ones are dropped", async () => {
    const client = new Client({ connectionString: pg.url });
    await client.connect();
    try {
      const before = await listSlots(client, "faasbox_test_");
      assert.ok(before.some((s) => s.slot === "faasbox_test_many"));
      for (const slot of before) assert.ok(Number.isInteger(slot.lagBytes) && slot.lagBytes >= 0);
      // faasbox_test_redeliver has no running consumer left in this test: only it goes.
      for (const source of sources.splice(0)) await source.stop();
      const keep = new Set(before.map((s) => s.slot).filter((s) => s !== "faasbox_test_redeliver"));
      const dropped = await dropUnused(client, "faasbox_test_", keep, new Set(["faasbox_test_shop", "faasbox_test_many"]));
      assert.deepEqual(dropped, ["faasbox_test_redeliver"]);
      const afterDrop = (await listSlots(client, "faasbox_test_")).map((s) => s.slot);
      assert.ok(!afterDrop.includes("faasbox_test_redeliver"));
      assert.ok(afterDrop.includes("faasbox_test_many"));
      const { rows } = await client.query("SELECT pubname FROM pg_publication ORDER BY pubname");
      assert.deepEqual(rows.map((r) => r.pubname), ["faasbox_test_many", "faasbox_test_shop"]);
    } finally {
      await client.end();
    }
  });
});

describe("database trigger: what a database that cannot replicate is told", () => {
  const clusters: PostgresCluster[] = [];
  after(async () => {
    for (const cluster of clusters) await cluster.remove();
  });
  const failureOf = async (pg: PostgresCluster, url = pg.url): Promise<string> => {
    await asOwner(pg, "CREATE TABLE IF NOT EXISTS orders (id int PRIMARY KEY)");
    const source = new PgSource({ url, slot: "faasbox_x_c", publication: "faasbox_x_s", tables: ["orders"], operations: ["insert"], label: 'database "shop" (faasbox.yml:3)' });
    await source.start(async () => undefined);
    await source.stop();
    return source.status.error ?? "";
  };

  test("wal_level = replica: set wal_level = logical and restart", async () => {
    const pg = await startPostgresCluster({ walLevel: "replica" });
    clusters.push(pg);
    const message = await failureOf(pg);
    assert.match(message, /^database "shop" \(faasbox\.yml:3\): .*wal_level = replica.*Set wal_level = logical in postgresql\.conf.*restart/);
    assert.ok(!message.includes(pg.password));
  });

  test("a role without REPLICATION: ALTER ROLE faasbox REPLICATION", async () => {
    const pg = await startPostgresCluster({ replication: false });
    clusters.push(pg);
    const message = await failureOf(pg);
    assert.match(message, /ALTER ROLE faasbox REPLICATION/);
    assert.ok(!message.includes(pg.password));
  });

  test("a missing table, a wrong password, an unreachable server and a bad URL", async () => {
    const pg = await startPostgresCluster();
    clusters.push(pg);
    const source = new PgSource({ url: pg.url, slot: "faasbox_x_t", publication: "faasbox_x_t", tables: ["nope"], operations: ["insert"], label: "db" });
    await source.start(async () => undefined);
    await source.stop();
    assert.match(source.status.error ?? "", /the table public\.nope does not exist/);
    const wrong = pg.url.replace(pg.password, "wrong-secret");
    const denied = await failureOf(pg, wrong);
    assert.match(denied, /refused the login/);
    assert.ok(!denied.includes("wrong-secret"));
    const unreachable = await failureOf(pg, pg.url.replace(`:${pg.port}/`, ":1/"));
    assert.match(unreachable, /cannot reach PostgreSQL at 127\.0\.0\.1:1\/shop \(ECONNREFUSED\)/);
    const bad = new PgSource({ url: "redis://u:secret@h/db", slot: "s", publication: "p", tables: ["t"], operations: ["insert"], label: "db" });
    await assert.rejects(bad.start(async () => undefined), (e: Error) => /is a redis URL; expected a database URL/.test(e.message) && !e.message.includes("secret"));
  });
});

async function slotLag(pg: PostgresCluster, slot: string): Promise<number> {
  const [row] = await pg.query<{ lag: string }>("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::text AS lag FROM pg_replication_slots WHERE slot_name = $1", [slot]);
  return Number(row?.lag ?? -1);
}
