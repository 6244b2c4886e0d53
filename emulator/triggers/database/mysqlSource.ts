// The binlog client: @vlasky/zongji (npm, MIT). Chosen over zongji (the original, last release
// 0.5.1 in 2025, on the unmaintained `mysql` driver) and over reading COM_BINLOG_DUMP with mysql2
// ourselves: @vlasky/zongji is released regularly (0.9.0, 2026-09), sits on mysql2, decodes MariaDB's
// own events (GTID, GTID list, compressed events) and types (checked against MariaDB 10.11 here),
// and resumes from a file and position at a transaction boundary. It is ESM-only; esbuild bundles
// it into the CommonJS emulator and tsx loads it for the tests.
import ZongJi from "@vlasky/zongji";
import { parseDatabaseUrl } from "../../project/databaseUrl";
import { binlogBefore, formatBinlogPosition, parseBinlogPosition, type BinlogPosition } from "./binlogPosition";
import type { BinlogPositionStore } from "./binlogPositions";
import { binaryLogs, checkBinlogReady, currentBinlogPosition, mysqlConnectionOptions, mysqlTable, withMysql, type BinlogServer } from "./mysqlBinlog";
import { MysqlDecoder, type BinlogEventLike, type DecodedCommit } from "./mysqlDecode";
import { describeMysqlError, mysqlHostOf } from "./mysqlErrors";
import { badUrlReason, maskPassword } from "./pgErrors";
import type { Operation } from "./pgSlots";
import type { SourceStatus } from "./pgSource";
import type { ChangeSource, RowChange } from "./rowChange";

export interface MysqlSourceConfig {
  /** mysql://user:password@host:port/database (or mariadb://). */
  url: string;
  /** The consumer's id (the same name a PostgreSQL slot would have): its saved position's name. */
  consumer: string;
  sourceName: string;
  store: BinlogPositionStore;
  /** "database.table" or "table" (in the URL's database). */
  tables: readonly string[];
  operations: readonly Operation[];
  columns?: readonly string[];
  /** Prefixes every message: `faasbox.yml:3: databases.shop.url`. */
  label: string;
  onStatus?: (status: SourceStatus) => void;
  /** Told when the saved position was purged from the server and reading starts at its current position. */
  onWarning?: (message: string) => void;
}

/** Most changes handed to delivery in one onChanges call. */
const MAX_HANDED = 1000;
/** Decoded changes waiting for delivery above which the binlog connection stops reading (the server keeps the rest), and below which it reads again. */
const PAUSE_AT = 5000;
const RESUME_AT = 1000;
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;
/** A position past transactions of no watched table is saved at most this often (they need no delivery). */
const IDLE_SAVE_MS = 2000;
const EVENTS = ["rotate", "mariadbgtid", "gtid", "anonymousgtid", "query", "xid", "tablemap", "writerows", "updaterows", "deleterows"];

/**
 * A ChangeSource over a MySQL or MariaDB server's binlog (binlog_format = ROW). The confirmed
 * position is Faasbox's own (BinlogPositionStore): it moves only when delivery acknowledges a
 * transaction's last change, so whatever was not acknowledged (the emulator killed, the server
 * restarted) is read again from there.
 */
export class MysqlSource implements ChangeSource {
  private onChanges?: (changes: RowChange[]) => Promise<void>;
  private zongji?: ZongJi;
  private decoder?: MysqlDecoder;
  private pending: RowChange[] = [];
  private inFlight = false;
  private paused = false;
  /** The commit of the last change handed to delivery: after a reconnect, what comes again up to it is skipped. */
  private handed?: BinlogPosition & { index: number };
  /** Where reading resumes: the end of the last transaction delivered (or of one no watched table was in). */
  private confirmed?: BinlogPosition & { gtid?: string };
  private savedAt = 0;
  private lastHandedCommit?: BinlogPosition;
  private stopped = false;
  private loop?: Promise<void>;
  private sleepTimer?: { timer: NodeJS.Timeout; wake: () => void };
  private endStream?: (error?: Error) => void;
  private saving: Promise<void> = Promise.resolve();
  status: SourceStatus = { state: "connecting" };

  constructor(private readonly config: MysqlSourceConfig) {}

  async start(onChanges: (changes: RowChange[]) => Promise<void>): Promise<void> {
    const bad = badUrlReason(this.config.url);
    if (bad) throw new Error(`${this.config.label}: ${bad}`);
    this.onChanges = onChanges;
    let firstAttempt!: () => void;
    const attempted = new Promise<void>((resolve) => (firstAttempt = resolve));
    this.loop = this.run(firstAttempt);
    await attempted;
  }

  /** Everything up to this change is delivered: saved at its transaction's end. */
  async acknowledge(change: RowChange): Promise<void> {
    if (!change.lastInTransaction) return;
    const commit = parseBinlogPosition(change.commitLsn);
    if (!commit || (this.confirmed && !binlogBefore(this.confirmed, commit))) return;
    this.confirmed = { ...commit, ...(change.binlog?.gtid ? { gtid: change.binlog.gtid } : {}) };
    await this.save();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.sleepTimer?.wake();
    this.endStream?.();
    await this.loop;
    await this.saving;
    this.setStatus({ state: "stopped", error: this.status.error });
  }

  /** The confirmed position ("binlog.000003:1234"), as this source last saved it. */
  get confirmedPosition(): string | undefined {
    return this.confirmed ? formatBinlogPosition(this.confirmed) : undefined;
  }

  get buffered(): number {
    return this.pending.length;
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
        if (!this.stopped) throw new Error("the binlog stream ended");
      } catch (error) {
        if (this.stopped) break;
        this.setStatus({ state: "failing", error: `${this.config.label}: ${describeMysqlError(error, this.config.url)}` });
      } finally {
        this.decoder?.reset();
        // What was decoded but not handed comes again from the confirmed position.
        this.pending = [];
        this.paused = false;
      }
      firstAttempt();
      if (this.stopped) break;
      await this.sleep(streamed ? FIRST_RETRY_MS : delay);
      if (!streamed) delay = Math.min(delay * 2, MAX_RETRY_MS);
    }
  }

  /** One connection's life: check the server, find where to start, then stream until the connection ends. */
  private async streamOnce(onStreaming: () => void): Promise<void> {
    if (this.status.state !== "failing") this.setStatus({ state: "connecting" });
    const database = parseDatabaseUrl(this.config.url).database;
    const tables = this.config.tables.map((t) => mysqlTable(t, database));
    const { server, start } = await withMysql(this.config.url, async (connection) => {
      const server = await checkBinlogReady(connection, this.config.url, this.config.tables);
      return { server, start: await this.startPosition(await currentBinlogPosition(connection), await binaryLogs(connection)) };
    });
    if (this.stopped) return;
    this.decoder = new MysqlDecoder({
      tables: new Set(tables.map((t) => `${t.schema}.${t.table}`)),
      operations: new Set(this.config.operations),
      columns: this.config.columns,
      primaryKeys: server.primaryKeys,
      serverId: server.serverId,
      serverVersion: server.serverVersion,
    });
    this.decoder.setFile(start.file);
    const watched: Record<string, string[]> = {};
    for (const t of tables) (watched[t.schema] ??= []).push(t.table);
    await this.stream(server, start, watched, onStreaming);
  }

  /**
   * The saved position, or (the first time, or for another server) the server's current one, saved
   * at once so that changes made while the emulator is stopped are read on its next start. A saved
   * file the server has purged cannot be read: that is said, and reading starts at the current position.
   */
  private async startPosition(current: BinlogPosition, files: ReadonlyArray<{ file: string }>): Promise<BinlogPosition> {
    const server = mysqlHostOf(this.config.url);
    if (!this.confirmed) {
      const saved = await this.config.store.read(this.config.consumer);
      if (saved && saved.server === server) this.confirmed = { file: saved.file, position: saved.position, ...(saved.gtid ? { gtid: saved.gtid } : {}) };
    }
    if (this.confirmed && !files.some((f) => f.file === this.confirmed!.file)) {
      this.config.onWarning?.(
        `${this.config.label}: the binlog file ${this.confirmed.file}, where the trigger of consumer ${this.config.consumer} stopped, is no longer on the server ` +
        `(purged: binlog_expire_logs_seconds / expire_logs_days, or PURGE BINARY LOGS); changes made since ${formatBinlogPosition(this.confirmed)} are lost to it. ` +
        `Reading starts at the current position ${formatBinlogPosition(current)}; keep binlogs longer to avoid this`);
      this.confirmed = undefined;
    }
    if (!this.confirmed) {
      this.confirmed = { ...current };
      await this.save(true);
    }
    return { file: this.confirmed.file, position: this.confirmed.position };
  }

  private stream(server: BinlogServer, start: BinlogPosition, watched: Record<string, string[]>, onStreaming: () => void): Promise<void> {
    const zongji = new ZongJi(mysqlConnectionOptions(this.config.url));
    this.zongji = zongji;
    return new Promise<void>((resolve, reject) => {
      let ended = false;
      const end = (error?: Error) => {
        if (ended) return;
        ended = true;
        this.endStream = undefined;
        this.zongji = undefined;
        try {
          zongji.stop();
        } catch {
          // already closed
        }
        if (error) reject(error);
        else resolve();
      };
      this.endStream = end;
      zongji.on("error", (error: Error) => end(error));
      zongji.on("stopped", () => end(this.stopped ? undefined : new Error("the binlog connection closed")));
      zongji.on("ready", () => {
        this.setStatus({ state: "streaming" });
        onStreaming();
      });
      zongji.on("binlog", (event) => this.receive(event as unknown as BinlogEventLike));
      zongji.start({
        filename: start.file,
        position: start.position,
        // Each consumer reads as a replica of its own: a second connection with the same id would end the first.
        serverId: replicaId(this.config.consumer, server.serverId),
        includeEvents: EVENTS,
        // Row events (and their table maps) of the watched tables only: zongji then reads no other table's columns.
        includeSchema: watched,
      });
    });
  }

  private receive(event: BinlogEventLike): void {
    const decoded = this.decoder?.push(event);
    if (!decoded) return;
    this.take(decoded);
    this.pump();
    if (this.pending.length >= PAUSE_AT && !this.paused) {
      this.paused = true;
      this.zongji?.connection?.pause();
    }
  }

  private take(decoded: DecodedCommit): void {
    if (decoded.changes.length === 0) {
      this.confirmIdle(decoded.commit);
      return;
    }
    for (const change of decoded.changes) {
      const commit = parseBinlogPosition(change.commitLsn)!;
      if (this.handed && (binlogBefore(commit, this.handed) || (sameSpot(commit, this.handed) && change.indexInTransaction <= this.handed.index))) continue;
      this.pending.push(change);
    }
  }

  private pump(): void {
    if (this.inFlight || this.stopped || !this.onChanges || this.pending.length === 0) return;
    // Whole transactions only: the decoder hands a transaction once its commit is read.
    const changes = this.pending.splice(0, MAX_HANDED);
    const last = changes[changes.length - 1];
    const commit = parseBinlogPosition(last.commitLsn)!;
    this.handed = { ...commit, index: last.indexInTransaction };
    if (last.lastInTransaction) this.lastHandedCommit = commit;
    this.inFlight = true;
    if (this.paused && this.pending.length < RESUME_AT) {
      this.paused = false;
      // Not from inside this call: resume() hands over the packets it held at once, which come back
      // here through receive() and must queue behind these changes, not overtake them.
      setImmediate(() => {
        if (!this.paused) this.zongji?.connection?.resume();
      });
    }
    this.onChanges(changes).then(
      () => undefined,
      (error: Error) => {
        this.setStatus({ state: "failing", error: `${this.config.label}: delivery failed: ${maskPassword(error.message, this.config.url)}` });
        this.handed = undefined;
        this.endStream?.(new Error("delivery failed; reading again from the confirmed position"));
      },
    ).finally(() => {
      this.inFlight = false;
      this.pump();
    });
  }

  /**
   * A transaction of no watched table moves the confirmed position when nothing is waiting for
   * delivery (everything before it was delivered), so a restart does not read it again and the lag
   * shows what the trigger really has to do.
   */
  private confirmIdle(commit: BinlogPosition): void {
    const idle = !this.inFlight && this.pending.length === 0 && !this.decoder?.inTransaction
      && (!this.lastHandedCommit || (this.confirmed && !binlogBefore(this.confirmed, this.lastHandedCommit)));
    if (!idle || (this.confirmed && !binlogBefore(this.confirmed, commit))) return;
    this.confirmed = { ...commit };
    if (Date.now() - this.savedAt >= IDLE_SAVE_MS) void this.save();
  }

  private save(force = false): Promise<void> {
    const confirmed = this.confirmed;
    if (!confirmed) return this.saving;
    if (!force) this.savedAt = Date.now();
    this.saving = this.saving.then(() => this.config.store.write(this.config.consumer, {
      source: this.config.sourceName,
      server: mysqlHostOf(this.config.url),
      file: confirmed.file,
      position: confirmed.position,
      ...(confirmed.gtid ? { gtid: confirmed.gtid } : {}),
    })).catch((error: Error) => {
      this.config.onWarning?.(`${this.config.label}: could not save the binlog position of ${this.config.consumer}: ${error.message}`);
    });
    return this.saving;
  }

  private setStatus(status: SourceStatus): void {
    if (status.state === this.status.state && status.error === this.status.error) return;
    this.status = status;
    this.config.onStatus?.(status);
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

function sameSpot(a: BinlogPosition, b: BinlogPosition): boolean {
  return a.file === b.file && a.position === b.position;
}

/** A replica server id for the consumer: stable, not the server's own, within 1..2^32-1. */
function replicaId(consumer: string, serverId: number): number {
  let hash = 2166136261;
  for (const char of consumer) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  const id = 1000 + (hash % 2_000_000_000);
  return id === serverId ? id + 1 : id;
}
