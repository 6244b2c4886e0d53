// "Fire with a sample change" and the invoke panel's first event for a database trigger, through the
// real daemon and a function container. The database is unreachable on purpose: the sample goes
// straight to the function, so it works before the database does, while the trigger shows failing.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Daemon } from "../../emulator/daemon/daemon";
import type { LogRecord } from "../../emulator/protocol";
import { auditFunction, writeDatabaseProject } from "../helpers/databaseProject";
import { leftoverContainers, requireDocker } from "../helpers/docker";
import { waitFor } from "../helpers/emulator";
import { messageOf } from "../helpers/logLines";

const PASSWORD = "sample-change-secret";

describe("a database trigger's sample change", () => {
  let daemon: Daemon;
  const records: LogRecord[] = [];
  const events = () => records.filter((r) => r.function === "audit" && messageOf(r.text).startsWith("EVENT ")).map((r) => JSON.parse(messageOf(r.text).slice("EVENT ".length)));

  before(async () => {
    await requireDocker();
    // Port 1 on loopback: nothing listens, the source fails at once.
    const root = writeDatabaseProject({ url: `postgres://app:${PASSWORD}@127.0.0.1:1/shop`, tables: "[billing.invoices, orders]", functions: auditFunction("audit", "{name: shop, batchSize: 10}") });
    daemon = await Daemon.start({ root, executor: "docker", watch: false, httpPort: 0, invokePort: 0 });
    assert.deepEqual(daemon.engine.problems.map((p) => p.message), []);
    daemon.engine.logBus.subscribe((record) => records.push(record));
  });
  after(async () => {
    await daemon?.shutdown();
    assert.deepEqual((await leftoverContainers(await requireDocker())).map((c) => c.Names), []);
  });

  test("the invoke panel's first event is the plain change event of a sample insert into the first table", () => {
    const sample = daemon.triggerSample({ function: "audit" });
    assert.equal(sample.type, "database");
    assert.equal(sample.description, "database shop: a sample insert into billing.invoices of database shop, as plain change events");
    const event = sample.event as { Records: Array<Record<string, unknown>> };
    assert.deepEqual(
      event.Records.map(({ commitTime: _time, ...rest }) => rest),
      [{ op: "insert", schema: "billing", table: "invoices", key: { id: 1 }, before: null, after: { id: 1, status: "new", total: "42.50" }, lsn: "0/1A2B3C0", transactionId: "771" }],
    );
  });

  test("Fire with a sample change runs the function with it although the database is unreachable; the listing shows the trigger failing, password masked", async () => {
    const run = await daemon.runTrigger({ function: "audit", trigger: 0 });
    assert.equal(run.sent, "invoked audit with a sample insert into billing.invoices (plain event of database shop); it succeeded");
    const [event] = events();
    assert.deepEqual([event.Records[0].op, event.Records[0].schema, event.Records[0].table], ["insert", "billing", "invoices"]);
    await waitFor(() => daemon.triggers().databases?.[0]?.status === "failing", `the trigger failing: ${JSON.stringify(daemon.triggers().databases)}`, 20_000);
    const [listed] = daemon.triggers().databases ?? [];
    assert.deepEqual([listed.function, listed.source, listed.url, listed.tables, listed.shape], ["audit", "shop", "postgres://app:***@127.0.0.1:1/shop", ["billing.invoices", "public.orders"], "plain"]);
    assert.ok(listed.error, "the failure says why");
    assert.ok(!JSON.stringify(daemon.triggers()).includes(PASSWORD));
  });
});
