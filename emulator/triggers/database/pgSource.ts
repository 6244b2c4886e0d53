import { Client } from "pg";
import { LogicalReplicationService, type Pgoutput } from "pg-logical-replication";
import { formatLsn, parseLsn } from "./lsn";
import { PgoutputDecoder, TextValuesPgoutputPlugin } from "./pgDecode";
import { ChangeHandover, type ChangeSourceConfig, type SourceStatus } from "./changeHandover";
import { describePgError } from "./pgErrors";
import { checkReplicationReady, ensurePublication, ensureSlot } from "./pgSlots";
import type { ChangeSource, RowChange } from "./rowChange";

export interface PgSourceConfig extends ChangeSourceConfig {
  slot: string;
  publication: string;
}

/** Status updates even while reading is paused: the server drops a silent client after wal_sender_timeout (60 s by default). */
const STATUS_EVERY_MS = 10_000;

/**
 * A ChangeSource over PostgreSQL logical replication (pgoutput, through pg-logical-replication):
 * the slot's confirmed position moves only when delivery acknowledges a transaction's last change,
 * so whatever was not acknowledged (the emulator killed, the database restarted) comes again.
 */
export class PgSource implements ChangeSource {
  private readonly decoder: PgoutputDecoder;
  private readonly handover: ChangeHandover;
  private service?: LogicalReplicationService;
  private confirmed = 0n;
  /** The commit end of the last change handed that ends a transaction, and whether it was acknowledged. */
  private lastHandedEnd = 0n;
  private statusTimer?: NodeJS.Timeout;
  private typeNames = new Map<number, string>();

  constructor(private readonly config: PgSourceConfig) {
    this.decoder = new PgoutputDecoder({
      operations: new Set(config.operations),
      columns: config.columns,
      typeNames: this.typeNames,
      columnsUnknown: (table) => config.onWarning?.(
        `${config.label}: UPDATEs of ${table} are delivered whether or not a column of "columns" changed: PostgreSQL sends the old row only with ALTER TABLE ${table} REPLICA IDENTITY FULL`),
    });
    this.handover = new ChangeHandover(config, {
      endedMessage: "the replication stream ended",
      streamOnce: (onStreaming) => this.streamOnce(onStreaming),
      describeError: (error) => describePgError(error, config.url),
      connectionEnded: () => this.decoder.reset(),
      compareCommits: (a, b) => compareBigints(parseLsn(a), parseLsn(b)),
      // A transaction's changes go together once its Commit has come (they all come at once, pgoutput
      // sends a transaction after it committed): batches are not cut at whatever one socket read held.
      holdBack: () => this.decoder.inTransaction,
      handing: (last) => {
        const end = this.decoder.endLsnOf(last);
        if (end) this.lastHandedEnd = parseLsn(end);
      },
      // No pauseReading: reading pauses by not returning from `data` (the library's flow control), see receive().
      restart: () => void this.service?.stop(),
    });
  }

  get status(): SourceStatus {
    return this.handover.status;
  }

  /**
   * Connects, makes the publication and slot, and streams. Resolves after the first attempt: a database
   * that cannot be used leaves the source failing (status.error says why) and retrying with backoff.
   * A malformed URL rejects: no retry can fix it.
   */
  async start(onChanges: (changes: RowChange[]) => Promise<void>): Promise<void> {
    const attempted = this.handover.start(onChanges);
    // Not when start() rejected at once (a malformed URL): nothing runs to send status updates for.
    if (this.handover.running) {
      this.statusTimer = setInterval(() => this.sendStatus(), STATUS_EVERY_MS);
      this.statusTimer.unref();
    }
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
    clearInterval(this.statusTimer);
    await this.handover.stop(() => this.service?.destroy().catch(() => undefined));
  }

  /** Changes decoded and not yet handed to delivery: bounded, the server keeps the rest while reading is paused. */
  get buffered(): number {
    return this.handover.buffered;
  }

  /** The position the slot has confirmed (as far as this source told it), "X/Y". */
  get confirmedLsn(): string {
    return formatLsn(this.confirmed);
  }

  /** One connection's life: prepare the database, then stream until the connection ends. */
  private async streamOnce(onStreaming: () => void): Promise<void> {
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
    if (this.handover.stopped) return;
    const service = new LogicalReplicationService(
      { connectionString: this.config.url, connectionTimeoutMillis: 10_000 },
      // Acknowledged by hand (only delivered transaction ends), with backpressure: `data` is awaited.
      { acknowledge: { auto: false, timeoutSeconds: 0 }, flowControl: { enabled: true } },
    );
    this.service = service;
    service.on("error", () => undefined); // the subscription's promise rejects with the same error
    service.on("start", () => {
      this.handover.setStatus({ state: "streaming" });
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
    this.handover.add(this.decoder.push(lsn, message));
    await this.handover.resumed();
  }

  /**
   * A keepalive's position may be confirmed when nothing is pending: everything before it was received
   * and delivered, and the slot should not hold back WAL of tables it does not watch.
   */
  private confirmIdle(lsn: string): void {
    const idle = this.handover.idle && !this.decoder.inTransaction
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
}

function compareBigints(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * pg-logical-replication queues messages it has read but not yet passed to `data` (flow control);
 * a keepalive is emitted at once, so the queue must be empty before its position counts as delivered.
 */
function libraryQueueEmpty(service: LogicalReplicationService | undefined): boolean {
  const internals = service as unknown as { _messageQueue?: unknown[]; _processing?: boolean } | undefined;
  return !!internals && (internals._messageQueue?.length ?? 0) === 0 && !internals._processing;
}
