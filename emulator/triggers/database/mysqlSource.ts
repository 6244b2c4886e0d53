// The binlog client: @vlasky/zongji (npm, MIT). Chosen over zongji (the original, last release
// 0.5.1 in 2025, on the unmaintained `mysql` driver) and over reading COM_BINLOG_DUMP with mysql2
// ourselves: @vlasky/zongji is released regularly (0.9.0, 2026-09), sits on mysql2, decodes MariaDB's
// own events (GTID, GTID list, compressed events) and types (checked against MariaDB 10.11 here),
// and resumes from a file and position at a transaction boundary. It is ESM-only; esbuild bundles
// it into the CommonJS emulator and tsx loads it for the tests.
import ZongJi from "@vlasky/zongji";
import { parseDatabaseUrl } from "../../project/databaseUrl";
import { ChangeHandover, type ChangeSourceConfig, type SourceStatus } from "./changeHandover";
import { binlogBefore, formatBinlogPosition, parseBinlogPosition, type BinlogPosition } from "./binlogPosition";
import type { BinlogPositionStore } from "./binlogPositions";
import { binaryLogs, checkBinlogReady, currentBinlogPosition, mysqlConnectionOptions, mysqlTable, withMysql, type BinlogServer } from "./mysqlBinlog";
import { MysqlDecoder, type BinlogEventLike } from "./mysqlDecode";
import { describeMysqlError, mysqlHostOf } from "./mysqlErrors";
import type { ChangeSource, RowChange } from "./rowChange";

export interface MysqlSourceConfig extends ChangeSourceConfig {
  /** The consumer's id (the same name a PostgreSQL slot would have): its saved position's name. */
  consumer: string;
  sourceName: string;
  store: BinlogPositionStore;
}

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
  private readonly handover: ChangeHandover;
  private zongji?: ZongJi;
  private decoder?: MysqlDecoder;
  /** Where reading resumes: the end of the last transaction delivered (or of one no watched table was in). */
  private confirmed?: BinlogPosition & { gtid?: string };
  private savedAt = 0;
  private lastHandedCommit?: BinlogPosition;
  private endStream?: (error?: Error) => void;
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly config: MysqlSourceConfig) {
    this.handover = new ChangeHandover(config, {
      endedMessage: "the binlog stream ended",
      streamOnce: (onStreaming) => this.streamOnce(onStreaming),
      describeError: (error) => describeMysqlError(error, config.url),
      connectionEnded: () => this.decoder?.reset(),
      compareCommits: (a, b) => compareBinlogPositions(parseBinlogPosition(a)!, parseBinlogPosition(b)!),
      // No holdBack: the decoder hands a transaction once its commit is read, whole.
      handing: (last) => {
        if (last.lastInTransaction) this.lastHandedCommit = parseBinlogPosition(last.commitLsn)!;
      },
      pauseReading: () => this.zongji?.connection?.pause(),
      // Not from inside the handover: resume() hands over the packets it held at once, which come back
      // through receive() and must queue behind the changes being handed, not overtake them.
      resumeReading: () => setImmediate(() => {
        if (!this.handover.readingPaused) this.zongji?.connection?.resume();
      }),
      restart: () => this.endStream?.(new Error("delivery failed; reading again from the confirmed position")),
    });
  }

  get status(): SourceStatus {
    return this.handover.status;
  }

  start(onChanges: (changes: RowChange[]) => Promise<void>): Promise<void> {
    return this.handover.start(onChanges);
  }

  /** Everything up to this change is delivered: saved at its transaction's end. */
  async acknowledge(change: RowChange): Promise<void> {
    if (!change.lastInTransaction) return;
    const commit = parseBinlogPosition(change.commitLsn);
    if (!commit || (this.confirmed && !binlogBefore(this.confirmed, commit))) return;
    this.confirmed = { ...commit, ...(change.binlog?.gtid ? { gtid: change.binlog.gtid } : {}) };
    await this.save();
  }

  stop(): Promise<void> {
    return this.handover.stop(() => this.endStream?.(), () => this.saving);
  }

  /** The confirmed position ("binlog.000003:1234"), as this source last saved it. */
  get confirmedPosition(): string | undefined {
    return this.confirmed ? formatBinlogPosition(this.confirmed) : undefined;
  }

  get buffered(): number {
    return this.handover.buffered;
  }

  /** One connection's life: check the server, find where to start, then stream until the connection ends. */
  private async streamOnce(onStreaming: () => void): Promise<void> {
    const database = parseDatabaseUrl(this.config.url).database;
    const tables = this.config.tables.map((t) => mysqlTable(t, database));
    const { server, start } = await withMysql(this.config.url, async (connection) => {
      const server = await checkBinlogReady(connection, this.config.url, this.config.tables);
      return { server, start: await this.startPosition(await currentBinlogPosition(connection), await binaryLogs(connection)) };
    });
    if (this.handover.stopped) return;
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
      zongji.on("stopped", () => end(this.handover.stopped ? undefined : new Error("the binlog connection closed")));
      zongji.on("ready", () => {
        this.handover.setStatus({ state: "streaming" });
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
    if (decoded.changes.length === 0) this.confirmIdle(decoded.commit);
    this.handover.add(decoded.changes);
  }

  /**
   * A transaction of no watched table moves the confirmed position when nothing is waiting for
   * delivery (everything before it was delivered), so a restart does not read it again and the lag
   * shows what the trigger really has to do.
   */
  private confirmIdle(commit: BinlogPosition): void {
    const idle = this.handover.idle && !this.decoder?.inTransaction
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
}

function compareBinlogPositions(a: BinlogPosition, b: BinlogPosition): number {
  if (binlogBefore(a, b)) return -1;
  return a.file === b.file && a.position === b.position ? 0 : 1;
}

/** A replica server id for the consumer: stable, not the server's own, within 1..2^32-1. */
function replicaId(consumer: string, serverId: number): number {
  let hash = 2166136261;
  for (const char of consumer) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  const id = 1000 + (hash % 2_000_000_000);
  return id === serverId ? id + 1 : id;
}
