// Database-change triggers end to end: a real PostgreSQL, the real daemon (and CLI), real function
// containers. The function prints what it receives; the test reads the log.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Daemon } from "../../emulator/daemon/daemon";
import type { InvocationSummary, LogRecord } from "../../emulator/protocol";
import { projectPrefix } from "../../emulator/triggers/database/pgNames";
import { runCli, spawnCliStart } from "../helpers/cli";
import { checkBulkItemChanges } from "../helpers/bulkItemChanges";
import { auditFunction, databaseManifest, printedBy, writeDatabaseProject, type AuditRow } from "../helpers/databaseProject";
import { leftoverContainers, requireDocker } from "../helpers/docker";
import { waitFor } from "../helpers/emulator";
import { asOwner, startPostgresCluster, type PostgresCluster } from "../helpers/postgresCluster";

const slotsOf = async (pg: PostgresCluster, root: string) =>
  (await pg.query<{ slot_name: string }>("SELECT slot_name FROM pg_replication_slots WHERE starts_with(slot_name, $1) ORDER BY 1", [projectPrefix(root)])).map((r) => r.slot_name);

describe("database triggers in the emulator", () => {
  let pg: PostgresCluster;
  let daemon: Daemon;
  let root: string;
  const records: LogRecord[] = [];
  const summaries: InvocationSummary[] = [];
  const linesOf = (fn: string, prefix: string) => printedBy(records, fn, prefix);
  const rowsOf = (fn: string): AuditRow[][] => linesOf(fn, "ROWS ");

  before(async () => {
    await requireDocker();
    pg = await startPostgresCluster();
    await asOwner(pg, "CREATE TABLE orders (id int PRIMARY KEY, status text, v int); CREATE TABLE items (id int PRIMARY KEY, v int)");
    root = writeDatabaseProject({
      url: pg.url,
      tables: "[orders, items]",
      functions: auditFunction("audit", "{name: shop, batchSize: 100}") + auditFunction("bulk", "{name: shop, batchSize: 100, batchWindow: 1}"),
    });
    daemon = await Daemon.start({ root, executor: "docker", watch: false, httpPort: 0, invokePort: 0 });
    daemon.engine.logBus.subscribe((record) => records.push(record));
    daemon.onEvent((event) => {
      if (event.kind === "invoked") summaries.push(event.summary);
    });
    await waitFor(() => daemon.databases.list().every((c) => c.status === "running"), "both consumers streaming", 20_000);
  });
  after(async () => {
    await daemon?.shutdown();
    await pg?.remove();
    assert.deepEqual((await leftoverContainers(await requireDocker())).map((c) => c.Names), []);
  });

  test("INSERT, UPDATE and DELETE each run the function once with the plain change event", async () => {
    await asOwner(pg, "INSERT INTO orders VALUES (1, 'new', 10)");
    await waitFor(() => linesOf("audit", "EVENT ").length >= 1, "the insert's event", 30_000);
    await asOwner(pg, "UPDATE orders SET status = 'paid', v = 11 WHERE id = 1");
    await waitFor(() => linesOf("audit", "EVENT ").length >= 2, "the update's event", 30_000);
    await asOwner(pg, "DELETE FROM orders WHERE id = 1");
    await waitFor(() => linesOf("audit", "EVENT ").length >= 3, "the delete's event", 30_000);
    const [insert, update, del] = linesOf("audit", "EVENT ");
    for (const event of [insert, update, del]) {
      assert.equal(event.Records.length, 1);
      assert.deepEqual(Object.keys(event.Records[0]).sort(), ["after", "before", "commitTime", "key", "lsn", "op", "schema", "table", "transactionId"]);
    }
    const [i, u, d] = [insert.Records[0], update.Records[0], del.Records[0]];
    assert.deepEqual([i.op, i.schema, i.table, i.key, i.before, i.after], ["insert", "public", "orders", { id: 1 }, null, { id: 1, status: "new", v: 10 }]);
    assert.deepEqual([u.op, u.key, u.after], ["update", { id: 1 }, { id: 1, status: "paid", v: 11 }]);
    assert.deepEqual([d.op, d.key, d.before, d.after], ["delete", { id: 1 }, { id: 1 }, null]);
    assert.match(i.commitTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.match(i.lsn, /^[0-9A-F]+\/[0-9A-F]+$/);
    assert.ok(Number(i.transactionId) < Number(u.transactionId) && Number(u.transactionId) < Number(d.transactionId));
    // The request log says where each invocation came from.
    const audits = () => summaries.filter((x) => x.function === "audit");
    await waitFor(() => audits().length >= 3, "three invocation summaries");
    assert.ok(audits().every((x) => x.source === "database:shop"), JSON.stringify(summaries));
  });

  test("10,000 changes: every one delivered once, in commit order per key, in batches of at most 100", async () => {
    // The first test's three changes reach "bulk" after its 1 s window: in before these start.
    await waitFor(() => rowsOf("bulk").flat().filter((r) => r[3] === "orders").length >= 3, "bulk's earlier changes", 30_000);
    await checkBulkItemChanges((sql) => asOwner(pg, sql), () => rowsOf("bulk"));
  });

  test("the database restarted mid-stream: delivery resumes where it stopped", async () => {
    await asOwner(pg, "INSERT INTO orders VALUES (40, 'before restart', 40)");
    await waitFor(() => rowsOf("audit").flat().some((r) => r[1] === 40), "the change before the restart", 30_000);
    await pg.stop();
    await waitFor(() => daemon.databases.list().some((c) => c.status === "failing"), "the trigger to show as failing", 20_000);
    const failing = daemon.databases.list().find((c) => c.status === "failing")!;
    assert.match(failing.error ?? "", /faasbox\.yml:\d+: databases\.shop\.url: /);
    assert.ok(!(failing.error ?? "").includes(pg.password));
    await pg.start();
    await asOwner(pg, "INSERT INTO orders VALUES (41, 'after restart', 41)");
    await waitFor(() => rowsOf("audit").flat().some((r) => r[1] === 41), "the change after the restart", 60_000);
    const ids = rowsOf("audit").flat().map((r) => r[1]);
    assert.ok(ids.indexOf(40) < ids.indexOf(41));
  });

  test("faasbox triggers lists the database triggers, with the URL masked", async () => {
    // The slots' lag is measured every few seconds; caught up, it is small (WAL written since, by other work).
    // The previous test restarted the database: a consumer that has not read since may still be reconnecting.
    await waitFor(() => (daemon.triggers().databases ?? []).every((d) => typeof d.lagBytes === "number" && d.status === "running"), "every trigger reading again, its lag measured", 30_000);
    const listed = daemon.triggers().databases ?? [];
    for (const entry of listed) {
      assert.equal(entry.status, "running");
      assert.ok(entry.lagBytes! >= 0 && entry.lagBytes! < 1024 * 1024, `lag ${entry.lagBytes}`);
    }
    assert.deepEqual(listed.map((d) => [d.function, d.source, d.shape, d.tables]).sort(), [
      ["audit", "shop", "plain", ["public.orders", "public.items"]],
      ["bulk", "shop", "plain", ["public.orders", "public.items"]],
    ]);
    for (const entry of listed) {
      assert.ok(!entry.url.includes(pg.password));
      assert.match(entry.url, /^postgres:\/\/faasbox:\*+@127\.0\.0\.1:\d+\/shop$/);
    }
  });

  test("a trigger removed from faasbox.yml (project reload): its slot is dropped, the other stays", async () => {
    const slots = await slotsOf(pg, root);
    assert.equal(slots.length, 2, `one slot per consumer: ${slots.join(", ")}`);
    writeFileSync(join(root, "faasbox.yml"), databaseManifest({ url: pg.url, tables: "[orders, items]", functions: auditFunction("audit", "{name: shop, batchSize: 100}") }));
    daemon.engine.reload();
    await waitFor(async () => (await slotsOf(pg, root)).length === 1, "the removed trigger's slot dropped", 20_000);
    assert.equal((await slotsOf(pg, root))[0], slots.find((s) => s.includes("audit")));
    // The source stays in faasbox.yml, no trigger reads it: its last slot and its publication go too.
    writeFileSync(join(root, "faasbox.yml"), databaseManifest({ url: pg.url, tables: "[orders, items]", functions: "  audit:\n    runtime: nodejs20.x\n    codeUri: node\n    handler: audit.handler\n" }));
    daemon.engine.reload();
    // The publication is dropped after the slots (pgSlots.ts dropUnused): wait for both, not for the slots alone.
    const publications = async () => pg.query("SELECT pubname FROM pg_publication WHERE starts_with(pubname, $1)", [projectPrefix(root)]);
    await waitFor(async () => (await slotsOf(pg, root)).length === 0 && (await publications()).length === 0, "every slot and the publication of the project dropped", 20_000)
      .catch(async (error: Error) => assert.fail(`${error.message}: slots ${JSON.stringify(await slotsOf(pg, root))}, publications ${JSON.stringify(await publications())}`));
  });
});

describe("database triggers through an emulator killed with SIGKILL", () => {
  let pg: PostgresCluster;
  after(async () => pg?.remove());

  test("every change is delivered at least once and none skipped; changes made while stopped wait in the slot", async () => {
    await requireDocker();
    pg = await startPostgresCluster();
    await asOwner(pg, "CREATE TABLE orders (id int PRIMARY KEY, status text, v int)");
    const root = writeDatabaseProject({ url: pg.url, functions: auditFunction("audit", "{name: shop, batchSize: 10}", "{DELAY_MS: '300'}") });
    const start = () => spawnCliStart(root);
    const idsIn = (output: string) => [...output.matchAll(/ROWS (\[.*\])/g)].flatMap((m) => (JSON.parse(m[1]) as AuditRow[]).map((r) => r[1]));
    const first = start();
    await waitFor(() => runCli(["status", "--project", root, "--json"]).status === 0, "the first emulator", 30_000);
    await waitFor(async () => (await slotsOf(pg, root)).length === 1, "the slot", 20_000);
    for (let id = 1; id <= 200; id++) await asOwner(pg, `INSERT INTO orders VALUES (${id}, 'new', ${id})`);
    // Mid-batch: a batch has started (ROWS printed) and not finished.
    const count = (output: string, word: string) => (output.match(new RegExp(`${word} `, "g")) ?? []).length;
    await waitFor(() => count(first.output(), "ROWS") >= 3 && count(first.output(), "ROWS") > count(first.output(), "DONE"), "a batch in flight", 60_000);
    first.child.kill("SIGKILL");
    await new Promise((r) => first.child.once("exit", r));
    const seenBefore = idsIn(first.output());
    // While no emulator runs, changes wait in the slot.
    for (let id = 201; id <= 220; id++) await asOwner(pg, `INSERT INTO orders VALUES (${id}, 'while stopped', ${id})`);

    const second = start();
    try {
      await waitFor(() => new Set([...seenBefore, ...idsIn(second.output())]).size >= 220, `all 220 changes after the restart:\n${second.output().slice(-2000)}`, 120_000);
      const all = new Set([...seenBefore, ...idsIn(second.output())]);
      assert.deepEqual([...all].sort((a, b) => a! - b!), Array.from({ length: 220 }, (_, i) => i + 1));
      // The batch in flight when the emulator was killed was not acknowledged: it comes again.
      const again = idsIn(second.output());
      assert.ok(again[0]! <= seenBefore[seenBefore.length - 1]!, `the second run starts at or before the last change the first run received (${again[0]} vs ${seenBefore[seenBefore.length - 1]})`);
    } finally {
      second.child.kill("SIGTERM");
      await new Promise((r) => second.child.once("exit", r));
    }
  });
});
