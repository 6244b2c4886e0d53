// What `faasbox triggers` (and the editor's tree, through triggers.list) shows of database
// triggers: one row per consumer, the URL masked, lag and failures once the source reports them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { triggerLines } from "../../../../emulator/cli/triggersList";
import { loadProject } from "../../../../emulator/project/loadProject";
import { databaseTriggerInfos } from "../../../../emulator/triggers/database/databaseTriggerInfo";
import { formatLag } from "../../../../emulator/triggers/database/databaseTriggerText";
import type { ConsumerState } from "../../../../emulator/triggers/database/databaseTriggers";
import { NODE_HANDLER, writeProject } from "../../project/projectFiles";

const PASSWORD = "hunter2-secret";

test("each consumer is listed with its source, masked URL, tables and shape; lag and failures when known; never the password", () => {
  const root = writeProject({
    "faasbox.yml": `databases:
  shop:
    url: \${env:SHOP_URL}
    tables: [orders, billing.invoices]
functions:
  audit:
    runtime: nodejs20.x
    handler: index.handler
    events:
      - database: {name: shop}
  mirror:
    runtime: nodejs20.x
    handler: index.handler
    events:
      - database: {name: shop, batchSize: 10}
`,
    "index.js": NODE_HANDLER,
  });
  const { project, problems } = loadProject(root, { env: { SHOP_URL: `postgres://app:${PASSWORD}@127.0.0.1:5432/shop` } });
  assert.deepEqual(problems, []);
  const delivery = { state: "idle", waiting: 0, lagMs: 0, delivered: 0, deadLettered: 0 } as const;
  const states: ConsumerState[] = [
    { functionName: "audit", triggerName: "shop", source: "shop", slot: "faasbox_x_audit", status: "running", delivery, lagBytes: 2048 },
    { functionName: "mirror", triggerName: "shop", source: "shop", slot: "faasbox_x_mirror", status: "failing", delivery, error: "wal_level is replica; set wal_level = logical in postgresql.conf and restart" },
  ];
  const infos = databaseTriggerInfos(project, states);
  const at = { file: join(root, "faasbox.yml"), line: 2 };
  assert.deepEqual(infos, [
    { function: "audit", trigger: "shop", source: "shop", url: "postgres://app:***@127.0.0.1:5432/shop", tables: ["public.orders", "billing.invoices"], shape: "plain", at, lagBytes: 2048, status: "running" },
    {
      function: "mirror", trigger: "shop", source: "shop", url: "postgres://app:***@127.0.0.1:5432/shop", tables: ["public.orders", "billing.invoices"], shape: "plain", at,
      status: "failing", error: "wal_level is replica; set wal_level = logical in postgresql.conf and restart",
    },
  ]);
  const lines = triggerLines({ routes: [], timers: [], topics: [], buckets: [], problems: [], databases: infos });
  assert.deepEqual(lines, [
    "Database changes:",
    "  audit ← shop postgres://app:***@127.0.0.1:5432/shop public.orders, billing.invoices (plain change events) · lag 2.0 KB",
    "  mirror ← shop postgres://app:***@127.0.0.1:5432/shop public.orders, billing.invoices (plain change events) · failing: wal_level is replica; set wal_level = logical in postgresql.conf and restart",
  ]);
  assert.ok(!JSON.stringify(infos).includes(PASSWORD) && !lines.join("\n").includes(PASSWORD));
  // Before the source reports anything: no lag, no state.
  assert.deepEqual(Object.keys(databaseTriggerInfos(project, [])[0]).sort(), ["at", "function", "shape", "source", "tables", "trigger", "url"]);
});

test("lag reads in bytes, KB, MB and GB", () => {
  assert.deepEqual([formatLag(0), formatLag(1023), formatLag(1536), formatLag(5 * 1024 ** 2), formatLag(3 * 1024 ** 3)], ["0 B", "1023 B", "1.5 KB", "5.0 MB", "3.0 GB"]);
});
