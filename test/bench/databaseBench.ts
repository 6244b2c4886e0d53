import { writeFileSync } from "node:fs";
import { Client } from "pg";
import { join } from "node:path";
import { Daemon } from "../../emulator/daemon/daemon";
import { messageOf } from "../helpers/logLines";
import { auditFunction, writeDatabaseProject } from "../helpers/databaseProject";
import { createConnection } from "mysql2/promise";
import { startMariadbServer } from "../helpers/mariadbServer";
import { asOwner, startPostgresCluster } from "../helpers/postgresCluster";
import type { Row } from "./emulatorBench";
import { ms, percentile } from "./stats";

const LATENCY_SAMPLES = 200;
const THROUGHPUT_CHANGES = 20_000;

/** Prints when it started (the host's clock: containers share it) and how many changes it got. */
const HANDLER = `
exports.handler = async (event) => {
  console.log("STARTED " + Date.now() + " " + event.Records.length);
  return {};
};
`;

/** A throwaway database the bench writes to: PostgreSQL or MariaDB. */
interface BenchDatabase {
  url: string;
  /** Runs one statement on a connection kept open for the bench. */
  query(sql: string): Promise<void>;
  /** Inserts ids base..base+999 in one statement (one transaction). */
  insertThousand(base: number): Promise<void>;
  close(): Promise<void>;
  remove(): Promise<void>;
}

async function postgres(): Promise<BenchDatabase> {
  const pg = await startPostgresCluster();
  await asOwner(pg, "CREATE TABLE orders (id int PRIMARY KEY, v int)");
  const sql = new Client({ connectionString: pg.url });
  await sql.connect();
  return {
    url: pg.url,
    query: async (text) => void (await sql.query(text)),
    insertThousand: async (base) => void (await sql.query(`INSERT INTO orders SELECT g, 1 FROM generate_series(${base}, ${base + 999}) g`)),
    close: () => sql.end(),
    remove: () => pg.remove(),
  };
}

async function mariadb(): Promise<BenchDatabase> {
  const my = await startMariadbServer();
  await my.query("CREATE TABLE orders (id int PRIMARY KEY, v int)");
  const sql = await createConnection(my.url);
  return {
    url: my.url,
    query: async (text) => void (await sql.query(text)),
    insertThousand: async (base) => void (await sql.query(`INSERT INTO orders SELECT seq, 1 FROM seq_${base}_to_${base + 999}`)),
    close: () => sql.end(),
    remove: () => my.remove(),
  };
}

/**
 * Database triggers, on PostgreSQL (logical replication) and MariaDB (the binlog): a change
 * committed → the handler started (one change at a time, warm instance, p50/p99), and changes
 * delivered per second with batch size 100 (20,000 committed in transactions of 1,000, delivered
 * while they are committed).
 */
export async function databaseBench(): Promise<Row[]> {
  return [...(await measure("database trigger", await postgres())), ...(await measure("database trigger (MariaDB binlog)", await mariadb()))];
}

async function measure(label: string, db: BenchDatabase): Promise<Row[]> {
  let daemon: Daemon | undefined;
  try {
    const root = writeDatabaseProject({ url: db.url, functions: auditFunction("audit", "{name: shop, batchSize: 100}") });
    writeFileSync(join(root, "node", "audit.js"), HANDLER);
    daemon = await Daemon.start({ root, executor: "docker", watch: false, httpPort: 0, invokePort: 0 });
    const starts: Array<{ at: number; count: number }> = [];
    daemon.engine.logBus.subscribe((record) => {
      const match = /^STARTED (\d+) (\d+)/.exec(messageOf(record.text));
      if (match) starts.push({ at: Number(match[1]), count: Number(match[2]) });
    });
    const delivered = () => starts.reduce((sum, s) => sum + s.count, 0);
    const until = async (condition: () => boolean) => {
      const deadline = Date.now() + 120_000;
      while (!condition()) {
        if (Date.now() > deadline) throw new Error(`${label} bench: the changes were not delivered within 120 s (${delivered()} delivered; ${JSON.stringify(daemon!.databases.list())})`);
        await new Promise((r) => setTimeout(r, 2));
      }
    };
    await until(() => daemon!.databases.list().every((c) => c.status === "running"));

    const latencies: number[] = [];
    for (let id = 0; id < LATENCY_SAMPLES + 5; id++) {
      const seen = starts.length;
      await db.query(`INSERT INTO orders VALUES (${id}, 0)`);
      const committed = Date.now(); // the commit's answer: the change committed a little before
      await until(() => starts.length > seen);
      if (id >= 5) latencies.push(starts[starts.length - 1].at - committed); // the first ones warm the instance
    }

    const before = delivered();
    const began = Date.now();
    for (let t = 0; t < THROUGHPUT_CHANGES / 1000; t++) await db.insertThousand(1_000_000 + t * 1000);
    await until(() => delivered() - before >= THROUGHPUT_CHANGES);
    const seconds = (Date.now() - began) / 1000;
    return [
      { name: `${label}: change committed → handler started, p50`, value: ms(percentile(latencies, 50)) },
      { name: `${label}: change committed → handler started, p99`, value: ms(percentile(latencies, 99)) },
      { name: `${label}: changes delivered per second (batch size 100, ${THROUGHPUT_CHANGES} changes)`, value: `${Math.round(THROUGHPUT_CHANGES / seconds)}/s` },
    ];
  } finally {
    await daemon?.shutdown();
    await db.close().catch(() => undefined);
    await db.remove();
  }
}
