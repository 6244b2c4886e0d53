import { mkdir, open, readFile, rename, stat, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import type { LogFilter, LogRecord, LogsQueryParams } from "../../protocol";

const DEFAULT_LIMIT = 1000;
/**
 * Records wait this long before they are written, so that a busy emulator writes a few large
 * batches instead of one small write per invocation (3 records each: START, END, REPORT): off the
 * hot path of a warm invocation (issue 21). Readers never see the delay: query() and close() flush.
 */
const WRITE_DELAY_MS = 10;

/**
 * Every log record, kept on disk within a size cap so it survives a restart. Two
 * segments of JSON lines: when the current one reaches half the cap it becomes the
 * previous one (and the old previous is dropped), so at most the cap is kept.
 */
export class LogStore {
  private pending: string[] = [];
  private writing?: Promise<void>;
  private currentBytes = 0;
  private handle?: FileHandle;

  private readonly ready: Promise<void>;
  private readonly current: string;
  private readonly previous: string;

  constructor(dir: string, private readonly capBytes: number) {
    const current = join(dir, "logs.current.jsonl");
    this.current = current;
    this.previous = join(dir, "logs.previous.jsonl");
    this.ready = (async () => {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      this.currentBytes = await stat(current).then((s) => s.size, () => 0);
    })();
  }

  append(record: LogRecord): void {
    this.pending.push(`${JSON.stringify(record)}\n`);
    this.writing ??= new Promise((resolve) => setTimeout(resolve, WRITE_DELAY_MS)).then(() => this.writeLoop());
  }

  /** Resolves once everything appended so far is on disk. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  async query(params: LogsQueryParams): Promise<LogRecord[]> {
    await this.flush();
    const limit = params.limit ?? DEFAULT_LIMIT;
    const matches: LogRecord[] = [];
    for (const file of [this.previous, this.current]) {
      const text = await readFile(file, "utf8").catch(() => "");
      for (const line of text.split("\n")) {
        if (!line) continue;
        let record: LogRecord;
        try {
          record = JSON.parse(line) as LogRecord;
        } catch {
          continue; // a line cut short by a crash
        }
        if (matchesQuery(record, params)) matches.push(record);
      }
    }
    return matches.slice(-limit);
  }

  private async writeLoop(): Promise<void> {
    await this.ready;
    while (this.pending.length > 0) {
      const chunk = this.pending.join("");
      this.pending = [];
      try {
        if (this.currentBytes + chunk.length > this.capBytes / 2 && this.currentBytes > 0) {
          await this.handle?.close();
          this.handle = undefined;
          await rename(this.current, this.previous);
          this.currentBytes = 0;
        }
        // One handle kept open: opening the file for every batch cost more than the writes.
        this.handle ??= await open(this.current, "a", 0o600);
        await this.handle.write(chunk);
        this.currentBytes += Buffer.byteLength(chunk);
      } catch {
        // A full or read-only disk must not take the emulator down; the live stream still works.
      }
    }
    this.writing = undefined;
  }

  /** Flushes and closes the file (the store can be used again; it reopens on the next write). */
  async close(): Promise<void> {
    await this.flush();
    await this.handle?.close();
    this.handle = undefined;
  }
}

export function matchesFilter(record: LogRecord, filter: LogFilter): boolean {
  if (filter.function !== undefined && record.function !== filter.function) return false;
  if (filter.requestId !== undefined && record.requestId !== filter.requestId) return false;
  if (filter.stream !== undefined && record.stream !== filter.stream) return false;
  if (filter.text !== undefined && !record.text.toLowerCase().includes(filter.text.toLowerCase())) return false;
  return true;
}

function matchesQuery(record: LogRecord, query: LogsQueryParams): boolean {
  if (query.since !== undefined && record.time < query.since) return false;
  if (query.until !== undefined && record.time > query.until) return false;
  return matchesFilter(record, query);
}
