import assert from "node:assert/strict";
import type { AuditRow } from "./databaseProject";
import { waitFor } from "./emulator";

/**
 * The 10,000-change test both database kinds run: 20 transactions of 500 changes over the 100 keys
 * of `items (id, v)`, v counting up from 0, written through `write`; then every change must reach the
 * function printing `bulkRows()` once, in commit order, in batches of at most 100 (and, with a 1 s
 * batch window, full: 100 of them).
 */
export async function checkBulkItemChanges(write: (sql: string) => Promise<unknown>, bulkRows: () => AuditRow[][]): Promise<void> {
  const before = bulkRows().length;
  for (let t = 0; t < 20; t++) {
    const statements = Array.from({ length: 500 }, (_, k) => {
      const n = t * 500 + k;
      return n < 100 ? `INSERT INTO items VALUES (${n}, ${n})` : `UPDATE items SET v = ${n} WHERE id = ${n % 100}`;
    });
    await write(`BEGIN; ${statements.join("; ")}; COMMIT`);
  }
  const itemBatches = () => bulkRows().slice(before).filter((b) => b.some((r) => r[3] === "items"));
  const delivered = () => itemBatches().flat().filter((r) => r[3] === "items").length;
  await waitFor(() => delivered() >= 10_000, "10,000 item changes", 120_000);
  const batches = itemBatches();
  assert.ok(batches.every((b) => b.length <= 100), "no batch over batchSize");
  const items = batches.flat().filter((r) => r[3] === "items");
  assert.equal(items.length, 10_000);
  assert.deepEqual(items.map((r) => r[2]), Array.from({ length: 10_000 }, (_, n) => n), "in commit order");
  assert.equal(batches.length, 100);
}
