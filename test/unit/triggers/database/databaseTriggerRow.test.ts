// The Functions view's row for a database trigger: its label, the tables and lag it shows, the
// context value the "Fire with a Sample Change" menu matches, the tooltip (URL masked by the daemon).
import { test } from "node:test";
import assert from "node:assert/strict";
import type { DatabaseTriggerInfo, TriggerSpec } from "../../../../emulator/protocol";
import { databaseTriggerRow } from "../../../../extension/views/databaseTriggerRow";

const info: DatabaseTriggerInfo = {
  function: "audit", trigger: "ShopChanges", source: "shop", url: "postgres://app:***@127.0.0.1:5432/shop",
  tables: ["public.orders", "billing.invoices"], shape: "dms-kinesis", at: { file: "/p/faasbox.yml", line: 2 }, lagBytes: 3 * 1024 * 1024, status: "running",
};
const stream: TriggerSpec = { kind: "stream", name: "ShopChanges", source: "kinesis", stream: "shop-changes", batchSize: 100 };
const database: TriggerSpec = { kind: "database", name: "shop", source: "shop", batchSize: 100 };

test("a stream a database feeds: its own label with the source, tables and lag; Fire with a Sample Change offered", () => {
  assert.deepEqual(databaseTriggerRow(stream, "kinesis shop-changes", info), {
    label: "kinesis shop-changes ← database shop",
    description: "public.orders, billing.invoices · lag 3.0 MB",
    contextValue: "trigger.database",
    tooltip: "**database shop** → Kinesis records (DMS JSON)\n\n`postgres://app:***@127.0.0.1:5432/shop`\n\nTables: public.orders, billing.invoices\n\nNot yet confirmed by its replication slot: 3.0 MB of WAL",
    failing: false,
  });
  // The menus: Run Now is for other triggers, Fire with a Sample Change for these (package.json's when-clauses).
  const runNow = /^trigger\.(?!database)/;
  const fireSample = /^trigger\.database/;
  assert.deepEqual([runNow.test("trigger.database"), fireSample.test("trigger.database"), runNow.test("trigger.stream"), fireSample.test("trigger.stream")], [false, true, true, false]);
});

test("a failing source says so and why; before the emulator reports, the row names the source only", () => {
  const failing = databaseTriggerRow(database, "database shop", { ...info, trigger: "shop", shape: "plain", lagBytes: undefined, status: "failing", error: "faasbox.yml:3: databases.shop.url: wal_level is replica; set wal_level = logical" });
  assert.deepEqual([failing.label, failing.description, failing.contextValue, failing.failing], ["database shop", "public.orders, billing.invoices · failing", "trigger.database.failing", true]);
  assert.match(failing.tooltip, /\$\(error\) faasbox\.yml:3: databases\.shop\.url: wal_level is replica; set wal_level = logical$/);
  assert.deepEqual(databaseTriggerRow(database, "database shop", undefined), {
    label: "database shop", description: "", contextValue: "trigger.database", tooltip: "Reads the changes of database shop once the emulator runs", failing: false,
  });
});

test("a MySQL source's lag is bytes of binlog after its saved position, not a slot's WAL", () => {
  const row = databaseTriggerRow(stream, "kinesis shop-changes", { ...info, url: "mysql://app:***@127.0.0.1:3306/shop", tables: ["shop.orders"], lagBytes: 2048 });
  assert.match(row.tooltip, /\n\nNot yet confirmed by its saved binlog position: 2\.0 KB of binlog$/);
  assert.match(row.description, /lag 2\.0 KB/);
});
