// The delivery loop's own ceiling for database triggers: changes/s through batching, the event's
// JSON, acknowledgement at transaction ends, with a function that answers at once and an
// in-memory slot. The end-to-end numbers (PostgreSQL to handler) are measured by the database bench.
import { ChangeDelivery } from "../../emulator/triggers/database/changeDelivery";
import type { RowChange } from "../../emulator/triggers/database/rowChange";
import { MemoryChangeSource } from "../helpers/memoryChangeSource";
import type { Row } from "./emulatorBench";

const CHANGES = 100_000;
const PER_TRANSACTION = 10;
const BATCH_SIZE = 100;

/** Roughly the plain event's record: the row twice over, its place and transaction. */
function plainEvent(changes: RowChange[]): unknown {
  return { Records: changes.map((c) => ({ op: c.op, schema: c.schema, table: c.table, key: c.key, before: c.before ?? null, after: c.after ?? null, commitTime: c.commitTime, lsn: c.lsn, transactionId: c.transactionId })) };
}

async function run(streaming: boolean): Promise<number> {
  const source = new MemoryChangeSource();
  let delivered = 0;
  const delivery = new ChangeDelivery(source, {
    batchSize: BATCH_SIZE,
    batchWindowSec: 0,
    toEvent: plainEvent,
    invoke: async (_event, json) => {
      delivered += (JSON.parse(json) as { Records: unknown[] }).Records.length;
      return { ok: true };
    },
    deadLetter: async () => {},
  });
  const commitAll = () => {
    const committed: Array<Promise<unknown>> = [];
    for (let id = 0; id < CHANGES; id += PER_TRANSACTION) committed.push(source.commit(Array.from({ length: PER_TRANSACTION }, (_, i) => id + i)));
    return Promise.all(committed);
  };
  const started = performance.now();
  if (!streaming) void commitAll();
  await delivery.start();
  if (streaming) await commitAll();
  await source.handed();
  await delivery.idle();
  const seconds = (performance.now() - started) / 1000;
  await delivery.stop();
  if (delivered !== CHANGES) throw new Error(`delivered ${delivered} of ${CHANGES} changes`);
  return CHANGES / seconds;
}

export async function changeDeliveryBench(): Promise<Row[]> {
  const backlog = await run(false);
  const streaming = await run(true);
  const rate = (value: number) => `${Math.round(value).toLocaleString("en")} changes/s`;
  return [
    { name: `database delivery loop alone, ${CHANGES.toLocaleString("en")} waiting changes, batch ${BATCH_SIZE}`, value: rate(backlog) },
    { name: `database delivery loop alone, changes committed while delivering, batch ${BATCH_SIZE}`, value: rate(streaming) },
  ];
}
