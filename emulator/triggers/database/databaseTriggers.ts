import { join } from "node:path";
import type { Client } from "pg";
import { stateDir } from "../../config/paths";
import { databaseKindOf } from "../../project/databaseUrl";
import { parseBinlogPosition } from "./binlogPosition";
import { BinlogPositionStore } from "./binlogPositions";
import type { FunctionError } from "../../protocol";
import type { ChangeInvokeResult } from "./batchSettlement";
import { ChangeDelivery, DEFAULT_MAX_RETRIES } from "./changeDelivery";
import type { DeliveryStatus } from "./deliveryStatus";
import type { MysqlSource } from "./mysqlSource";
import { maskPassword } from "./connectionErrors";
import { describePgError } from "./pgErrors";
import { projectPrefix, publicationName, slotName } from "./pgNames";
import { dropUnused, listSlots, type Operation, type SlotInfo } from "./pgSlots";
import type { SourceStatus } from "./changeHandover";
import type { PgSource } from "./pgSource";
import type { RowChange } from "./rowChange";

/**
 * One consumer as the daemon plans it: a function's trigger reading a database source, the shape
 * its events take and how its batches go. Built from the project (consumerPlans.ts); this file
 * needs nothing else of the project model.
 */
export interface ConsumerPlan {
  functionName: string;
  triggerName: string;
  source: {
    name: string;
    /** With the password: only for connecting. */
    url: string;
    tables: readonly string[];
    operations: readonly Operation[];
    columns?: readonly string[];
    /** `database "shop" (faasbox.yml:3)`: what every message about the source starts with. */
    label: string;
  };
  /** What the dead letters and logs say the event came from: "database:shop". */
  sourceLabel: string;
  toEvent(changes: RowChange[]): unknown;
  batching: { batchSize: number; batchWindowSec?: number; retries?: number; reportBatchItemFailures?: boolean; bisectBatchOnFunctionError?: boolean };
}

/** A database the project names, with the label its messages start with. */
export interface SourceRef {
  url: string;
  label: string;
}

/** What the daemon lends: the engine's invoke, the dead-letter store, a place for warnings. */
export interface DatabaseTriggerHost {
  /** The project root: slot and publication names carry its hash. */
  root: string;
  /** `source` labels the invocation for the request log: "database:shop". */
  invoke(functionName: string, event: Buffer, source: string): Promise<ChangeInvokeResult>;
  deadLetter(functionName: string, payload: string, source: string, error: FunctionError, attempts: number): Promise<void>;
  /** A source failing (unreachable, wal_level, privileges…) or another thing the user should read. */
  warn(message: string): void;
}

export interface ConsumerState {
  functionName: string;
  triggerName: string;
  source: string;
  slot: string;
  status: "starting" | "running" | "failing";
  error?: string;
  delivery: DeliveryStatus;
  /** Bytes of WAL the slot has not confirmed (MySQL: bytes of binlog after the saved position), as last measured. */
  lagBytes?: number;
}

/** Where the MySQL consumers' binlog positions are kept: the project's state folder. */
export function binlogPositionStore(root: string): BinlogPositionStore {
  return new BinlogPositionStore(join(stateDir(root), "binlog-positions"));
}

interface Running {
  plan: ConsumerPlan;
  fingerprint: string;
  slot: string;
  source: PgSource | MysqlSource;
  delivery: ChangeDelivery;
  sourceStatus: SourceStatus;
  lagBytes?: number;
}

const LAG_EVERY_MS = 5000;

/**
 * The database triggers of a running emulator: a PostgreSQL source and an ordered delivery per
 * consumer, started and stopped as the project changes; slots no consumer uses are dropped.
 */
export class DatabaseTriggers {
  private readonly running = new Map<string, Running>();
  /** URLs of every source seen in this run: a source removed from faasbox.yml still has its slots dropped. */
  private readonly knownUrls = new Map<string, string>();
  private lagTimer?: NodeJS.Timeout;
  private updating: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly positions: BinlogPositionStore;

  constructor(private readonly host: DatabaseTriggerHost) {
    this.positions = binlogPositionStore(host.root);
  }

  /**
   * Brings the running consumers in line with `plans` (one call at a time, in order); `sources`
   * are all the project's databases, so a source no trigger reads any more has its slots dropped too.
   */
  update(plans: readonly ConsumerPlan[], sources: readonly SourceRef[] = []): Promise<void> {
    this.updating = this.updating.then(() => this.apply(plans, sources)).catch((error: Error) => this.host.warn(`database triggers: ${error.message}`));
    return this.updating;
  }

  list(): ConsumerState[] {
    return [...this.running.values()].map((r) => ({
      functionName: r.plan.functionName,
      triggerName: r.plan.triggerName,
      source: r.plan.source.name,
      slot: r.slot,
      status: r.sourceStatus.state === "failing" || r.delivery.status().state === "failing" ? "failing" : r.sourceStatus.state === "streaming" ? "running" : "starting",
      error: r.sourceStatus.state === "failing" ? r.sourceStatus.error : r.delivery.status().error,
      delivery: r.delivery.status(),
      ...(r.lagBytes !== undefined ? { lagBytes: r.lagBytes } : {}),
    }));
  }

  /** Resolves once every consumer has settled what it received (tests). */
  async idle(): Promise<void> {
    await Promise.all([...this.running.values()].map((r) => r.delivery.idle()));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.lagTimer);
    await this.updating;
    await Promise.all([...this.running.values()].map((r) => r.delivery.stop()));
    this.running.clear();
  }

  private async apply(plans: readonly ConsumerPlan[], sources: readonly SourceRef[]): Promise<void> {
    if (this.closed) return;
    for (const source of sources) this.knownUrls.set(source.url, source.label);
    const wanted = new Map<string, ConsumerPlan>();
    for (const plan of plans) {
      wanted.set(slotName(this.host.root, plan.functionName, plan.triggerName), plan);
      this.knownUrls.set(plan.source.url, plan.source.label);
    }
    // Stopped first: a changed consumer's slot is taken again by its new source.
    for (const [slot, run] of this.running) {
      const plan = wanted.get(slot);
      if (plan && fingerprintOf(plan) === run.fingerprint) {
        run.plan = plan; // same settings; the shape function may be new
        continue;
      }
      await run.delivery.stop();
      this.running.delete(slot);
    }
    // Together: a database that does not answer holds up only its own consumers' first attempt.
    await Promise.all([...wanted].filter(([slot]) => !this.running.has(slot)).map(([slot, plan]) => this.startConsumer(slot, plan)));
    await this.dropUnusedSlots();
    if (this.running.size > 0 && !this.lagTimer) {
      this.lagTimer = setInterval(() => void this.measureLag(), LAG_EVERY_MS);
      this.lagTimer.unref();
    }
  }

  private async startConsumer(slot: string, plan: ConsumerPlan): Promise<void> {
    if (!drivers) {
      await loadDatabaseDrivers();
      if (this.closed) return;
    }
    const { PgSource, MysqlSource } = drivers!;
    const run = { plan, slot, fingerprint: fingerprintOf(plan), sourceStatus: { state: "connecting" } } as Running;
    let lastWarned: string | undefined;
    const onStatus = (status: SourceStatus) => {
      run.sourceStatus = status;
      // Said once per distinct failure: a database down for a minute is one warning, not one per retry.
      if (status.state === "failing" && status.error && status.error !== lastWarned) {
        lastWarned = status.error;
        this.host.warn(`${status.error} (the trigger of ${plan.functionName} retries)`);
      }
      if (status.state === "streaming") lastWarned = undefined;
    };
    const onWarning = (message: string) => this.host.warn(message);
    const common = { url: plan.source.url, tables: plan.source.tables, operations: plan.source.operations, columns: plan.source.columns, label: plan.source.label, onStatus, onWarning };
    run.source = databaseKindOf(plan.source.url) === "mysql"
      ? new MysqlSource({ ...common, consumer: slot, sourceName: plan.source.name, store: this.positions })
      : new PgSource({ ...common, slot, publication: publicationName(this.host.root, plan.source.name) });
    const retries = plan.batching.retries;
    run.delivery = new ChangeDelivery(run.source, {
      batchSize: plan.batching.batchSize,
      batchWindowSec: plan.batching.batchWindowSec ?? 0,
      reportBatchItemFailures: plan.batching.reportBatchItemFailures,
      bisectOnError: plan.batching.bisectBatchOnFunctionError,
      maxRetries: retries,
      toEvent: (changes) => run.plan.toEvent(changes),
      // The delivery encodes each event once: the same JSON is invoked and, when its retries are spent, dead-lettered.
      invoke: (_event, json) => this.host.invoke(plan.functionName, Buffer.from(json), plan.sourceLabel),
      deadLetter: (_event, error, json) => this.host.deadLetter(plan.functionName, json, plan.sourceLabel, error, (retries ?? DEFAULT_MAX_RETRIES) + 1),
    });
    this.running.set(slot, run);
    try {
      await run.delivery.start();
    } catch (error) {
      // A URL no retry can fix: the trigger shows as failing with why.
      const message = maskPassword((error as Error).message, plan.source.url);
      run.sourceStatus = { state: "failing", error: message };
      this.host.warn(message);
    }
  }

  /** Drops this project's slots and publications that no running consumer uses, in every database seen. */
  private async dropUnusedSlots(): Promise<void> {
    const keepSlots = new Set(this.running.keys());
    const keepPublications = new Set([...this.running.values()].map((r) => publicationName(this.host.root, r.plan.source.name)));
    // MySQL keeps no slot: a removed trigger's saved binlog position is forgotten here.
    await this.positions.forgetAllBut(keepSlots).catch((error: Error) => this.host.warn(`database triggers: saved binlog positions not cleaned up: ${error.message}`));
    for (const [url, label] of this.knownUrls) {
      if (databaseKindOf(url) === "mysql") continue;
      try {
        await withClient(url, (client) => dropUnused(client, projectPrefix(this.host.root), keepSlots, keepPublications));
      } catch (error) {
        // A database that cannot be reached keeps its slots until the next start or reload; the source's own failure says why.
        if (![...this.running.values()].some((r) => r.plan.source.url === url)) this.host.warn(`${label}: unused replication slots not dropped: ${describePgError(error, url)}`);
      }
    }
  }

  private async measureLag(): Promise<void> {
    const byUrl = new Map<string, Running[]>();
    for (const run of this.running.values()) byUrl.set(run.plan.source.url, [...(byUrl.get(run.plan.source.url) ?? []), run]);
    for (const [url, runs] of byUrl) {
      if (databaseKindOf(url) === "mysql") {
        const { binlogLag, withMysql } = drivers!;
        await withMysql(url, async (connection) => {
          for (const run of runs) {
            const confirmed = run.source instanceof drivers!.MysqlSource ? run.source.confirmedPosition : undefined;
            const from = confirmed ? parseBinlogPosition(confirmed) : undefined;
            if (from) run.lagBytes = await binlogLag(connection, from);
          }
        }).catch(() => undefined);
        continue;
      }
      const slots = await withClient(url, (client) => listSlots(client, projectPrefix(this.host.root))).catch(() => undefined);
      if (!slots) continue;
      for (const run of runs) run.lagBytes = slots.find((s: SlotInfo) => s.slot === run.slot)?.lagBytes;
    }
  }
}

/** What, when changed, makes a consumer start again with a new source and delivery. */
function fingerprintOf(plan: ConsumerPlan): string {
  return JSON.stringify([plan.source.url, plan.source.tables, plan.source.operations, plan.source.columns, plan.source.name, plan.batching]);
}

let drivers: typeof import("./databaseDrivers") | undefined;

/**
 * PostgreSQL's and MySQL's clients and the replication libraries, loaded with the first database trigger: an
 * emulator without one does not hold them (idle memory). The daemon awaits this before it starts a
 * project's consumers, so they are listed (starting) from the moment it has started, as before.
 */
export async function loadDatabaseDrivers(): Promise<typeof import("./databaseDrivers")> {
  drivers ??= await import("./databaseDrivers");
  return drivers;
}

export async function withClient<T>(url: string, use: (client: Client) => Promise<T>): Promise<T> {
  const { PgClient } = await loadDatabaseDrivers();
  const client = new PgClient({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on("error", () => undefined);
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
