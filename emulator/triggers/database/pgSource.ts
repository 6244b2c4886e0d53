import { Client } from "pg";
import { LogicalReplicationService, type Pgoutput } from "pg-logical-replication";
import { formatLsn, parseLsn } from "./lsn";
import { PgoutputDecoder, TextValuesPgoutputPlugin } from "./pgDecode";
import { badUrlReason, describePgError, maskPassword } from "./pgErrors";
import { checkReplicationReady, ensurePublication, ensureSlot, type Operation } from "./pgSlots";
import type { ChangeSource, RowChange } from "./rowChange";

/** What a source reports while it runs, for the trigger listing and the editor. */
export interface SourceStatus {
  state: "connecting" | "streaming" | "failing" | "stopped";
  /** Why it is failing (password masked); it keeps retrying with backoff. */
  error?: string;
}

export interface PgSourceConfig {
  /** postgres://user:password@host:port/database */
  url: string;
  slot: string;
  publication: string;
  /** "schema.table" or "table" (schema public). */
  tables: readonly string[];
  operations: readonly Operation[];
  columns?: readonly string[];
  /** Prefixes every message: `database "shop" (faasbox.yml:3)`. */
  label: string;
  onStatus?: (status: SourceStatus) => void;
  /** Told once per table when a column filter cannot be checked (no old row: REPLICA IDENTITY FULL needed). */
  onWarning?: (message: string) => void;
}

/** Most changes handed to delivery in one onChanges call. */
const MAX_HANDED = 1000;
/** Decoded changes waiting for delivery above which reading pauses (the server keeps the rest), and below which it resumes. */
const PAUSE_AT = 5000;
const RESUME_AT = 1000;
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;
/** Status updates even while reading is paused: the server drops a silent client after wal_sender_timeout (60 s by default). */
const STATUS_EVERY_MS = 10_000;

/**
 * A ChangeSource over PostgreSQL logical replication (pgoutput, through pg-logical-replication):
 * the slot's confirmed position moves only when delivery acknowledges a transaction's last change,
 * so whatever was not acknowledged (the emulator killed, the database restarted) comes again.
 */
export class PgSource implements ChangeSource {
  private readonly decoder: PgoutputDecoder;
  private onChanges?: (changes: RowChange[]) => Promise<void>;
  private service?: LogicalReplicationService;
  private pending: RowChange[] = [];
  private inFlight = false;
  private drainWaiters: Array<() => void> = [];
  /** Position of the last change handed to delivery: after a reconnect, what the server sends again up to it is skipped. */
  private handed?: { commit: bigint; index: number };
  private confirmed = 0n;
  /** The commit end of the last change handed that ends a transaction, and whether it was acknowledged. */
  private lastHandedEnd = 0n;
  private stopped = false;
  private loop?: Promise<void>;
  private statusTimer?: NodeJS.Timeout;
  private sleepTimer?: { timer: NodeJS.Timeout; wake: () => void };
  private typeNames = new Map<number, string>();
  status: SourceStatus = { state: "connecting" };

  constructor(private readonly config: PgSourceConfig) {
    this.decoder = new PgoutputDecoder({
      operations: new Set(config.operations),
      columns: config.columns,
      typeNames: this.typeNames,
      columnsUnknown: (table) => config.onWarning?.(
        `${config.label}: UPDATEs of ${table} are delivered whether or not a column of "columns" changed: PostgreSQL sends the old row only with ALTER TABLE ${table} REPLICA IDENTITY FULL`),
    });
  }

  /**
   * Connects, makes the publication and slot, and streams. Resolves after the first attempt: a database
   * that cannot be used leaves the source failing (status.error says why) and retrying with backoff.
   * A malformed URL rejects: no retry can fix it.
   */
  async start(onChanges: (changes: RowChange[]) => Promise<void>): Promise<void> {
    const bad = badUrlReason(this.config.url);
    if (bad) throw new Error(`${this.config.label}: ${bad}`);
    this.onChanges = onChanges;
    let firstAttempt!: () => void;
    const attempted = new Promise<void>((resolve) => (firstAttempt = resolve));
    this.loop = this.run(firstAttempt);
    this.statusTimer = setInterval(() => this.sendStatus(), STATUS_EVERY_MS);
    this.statusTimer.unref();
    await attempted;
  }

  /** Everything up to this change is delivered: confirmed at its transaction's end (other changes do not move the slot). */
  async acknowledge(change: RowChange): Promise<void> {
    const end = change.lastInTransaction ? this.decoder.endLsnOf(change) : undefined;
    if (end === undefined) return;
    const position = parseLsn(end);
    if (position <= this.confirmed) return;
    this.confirmed = position;
    this.sendStatus();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.statusTimer);
    this.sleepTimer?.wake();
    this.wakeDrainWaiters();
    await this.service?.destroy().catch(() => undefined);
    await this.loop;
    // The last failure stays readable: a source stopped while failing still says why.
    this.setStatus({ state: "stopped", error: this.status.error });
  }

  /** Changes decoded and not yet handed to delivery: bounded, the server keeps the rest while reading is paused. */
  get buffered(): number {
    return this.pending.length;
  }

  /** The position the slot has confirmed (as far as this source told it), "X/Y". */
  get confirmedLsn(): string {
    return formatLsn(this.confirmed);
  }

  private async run(firstAttempt: () => void): Promise<void> {
    let delay = FIRST_RETRY_MS;
    while (!this.stopped) {
      let streamed = false;
      try {
        await this.streamOnce(() => {
          streamed = true;
          delay = FIRST_RETRY_MS;
          firstAttempt();
        });
        if (!this.stopped) throw new Error("the replication stream ended");
      } catch (error) {
        if (this.stopped) break;
        const message = `${this.config.label}: ${describePgError(error, this.config.url)}`;
        this.setStatus({ state: "failing", error: message });
      } finally {
        this.decoder.reset();
        // What was decoded but not handed comes again from the slot.
        this.pending = [];
        this.wakeDrainWaiters();
      }
      firstAttempt();
      if (this.stopped) break;
      await this.sleep(streamed ? FIRST_RETRY_MS : delay);
      if (!streamed) delay = Math.min(delay * 2, MAX_RETRY_MS);
    }
  }

  /** One connection's life: prepare the database, then stream until the connection ends. */
  private async streamOnce(onStreaming: () => void): Promise<void> {
    // A failing source stays failing (with why) while it retries, until it streams again.
    if (this.status.state !== "failing") this.setStatus({ state: "connecting" });
    const client = new Client({ connectionString: this.config.url, connectionTimeoutMillis: 10_000 });
    client.on("error", () => undefined); // a lost connection rejects the query in progress; nothing else to do
    try {
      await client.connect();
      await checkReplicationReady(client, this.config.url, this.config.tables);
      await ensurePublication(client, this.config.publication, this.config.tables, this.config.operations);
      const slotPosition = parseLsn(await ensureSlot(client, this.config.slot));
      if (slotPosition > this.confirmed) this.confirmed = slotPosition;
      const { rows } = await client.query<{ oid: number; typname: string }>("SELECT oid::int AS oid, typname FROM pg_type");
      for (const row of rows) this.typeNames.set(row.oid, row.typname);
    } finally {
      await client.end().catch(() => undefined);
    }
    if (this.stopped) return;
    const service = new LogicalReplicationService(
      { connectionString: this.config.url, connectionTimeoutMillis: 10_000 },
      // Acknowledged by hand (only delivered transaction ends), with backpressure: `data` is awaited.
      { acknowledge: { auto: false, timeoutSeconds: 0 }, flowControl: { enabled: true } },
    );
    this.service = service;
    service.on("error", () => undefined); // the subscription's promise rejects with the same error
    service.on("start", () => {
      this.setStatus({ state: "streaming" });
      this.sendStatus();
      onStreaming();
    });
    service.on("data", (lsn: string, message: Pgoutput.Message) => this.receive(lsn, message));
    service.on("heartbeat", (lsn: string, _time: number, shouldRespond: boolean) => {
      this.confirmIdle(lsn);
      if (shouldRespond) this.sendStatus();
    });
    try {
      const plugin = new TextValuesPgoutputPlugin({ protoVersion: 1, publicationNames: [this.config.publication] }, this.typeNames);
      await service.subscribe(plugin, this.config.slot, formatLsn(this.confirmed));
    } finally {
      this.service = undefined;
      await service.destroy().catch(() => undefined);
    }
  }

  /** One decoded message; waits (keeping the stream paused) while too much is pending. */
  private async receive(lsn: string, message: Pgoutput.Message): Promise<void> {
    for (const change of this.decoder.push(lsn, message)) {
      const commit = parseLsn(change.commitLsn);
      if (this.handed && (commit < this.handed.commit || (commit === this.handed.commit && change.indexInTransaction <= this.handed.index))) continue;
      this.pending.push(change);
    }
    this.pump();
    while (this.pending.length >= PAUSE_AT && !this.stopped) {
      await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    }
  }

  private pump(): void {
    if (this.inFlight || this.stopped || !this.onChanges || this.pending.length === 0) return;
    // A transaction's changes go together once its Commit has come (they all come at once, pgoutput
    // sends a transaction after it committed): batches are not cut at whatever one socket read held.
    // A transaction larger than one handover goes in parts.
    if (this.decoder.inTransaction && this.pending.length < MAX_HANDED) return;
    const changes = this.pending.splice(0, MAX_HANDED);
    const last = changes[changes.length - 1];
    this.handed = { commit: parseLsn(last.commitLsn), index: last.indexInTransaction };
    const end = this.decoder.endLsnOf(last);
    if (end) this.lastHandedEnd = parseLsn(end);
    if (this.pending.length < RESUME_AT) this.wakeDrainWaiters();
    this.inFlight = true;
    this.onChanges(changes).then(
      () => undefined,
      (error: Error) => {
        // Delivery failed to settle these (it should dead-letter instead): read them again from the confirmed position.
        this.setStatus({ state: "failing", error: `${this.config.label}: delivery failed: ${maskPassword(error.message, this.config.url)}` });
        this.handed = undefined;
        void this.service?.stop();
      },
    ).finally(() => {
      this.inFlight = false;
      this.pump();
    });
  }

  /**
   * A keepalive's position may be confirmed when nothing is pending: everything before it was received
   * and delivered, and the slot should not hold back WAL of tables it does not watch.
   */
  private confirmIdle(lsn: string): void {
    const idle = !this.inFlight && this.pending.length === 0 && !this.decoder.inTransaction
      && this.lastHandedEnd <= this.confirmed && libraryQueueEmpty(this.service);
    if (!idle) return;
    const position = parseLsn(lsn);
    if (position > this.confirmed) {
      this.confirmed = position;
      this.sendStatus();
    }
  }

  /** Standby status update: written, flushed and applied = the confirmed position. */
  private sendStatus(): void {
    const service = this.service;
    if (!service || service.isStop() || this.confirmed === 0n) return;
    // acknowledge() reports lsn + 1 (it takes "the last byte received"); the slot is to confirm exactly the transaction's end.
    void service.acknowledge(formatLsn(this.confirmed - 1n)).catch(() => undefined);
  }

  private setStatus(status: SourceStatus): void {
    if (status.state === this.status.state && status.error === this.status.error) return;
    this.status = status;
    this.config.onStatus?.(status);
  }

  private wakeDrainWaiters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const wake of waiters) wake();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepTimer = undefined;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepTimer = { timer, wake };
    });
  }
}

/**
 * pg-logical-replication queues messages it has read but not yet passed to `data` (flow control);
 * a keepalive is emitted at once, so the queue must be empty before its position counts as delivered.
 */
function libraryQueueEmpty(service: LogicalReplicationService | undefined): boolean {
  const internals = service as unknown as { _messageQueue?: unknown[]; _processing?: boolean } | undefined;
  return !!internals && (internals._messageQueue?.length ?? 0) === 0 && !internals._processing;
}
