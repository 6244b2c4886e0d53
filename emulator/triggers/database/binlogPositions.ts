import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { BinlogPosition } from "./binlogPosition";

/**
 * Where each MySQL consumer (a function's trigger) has got to in the binlog. MySQL keeps no
 * position for a reader (PostgreSQL's replication slot does), so Faasbox keeps it: one small JSON
 * file per consumer in the emulator's state folder (config/paths.ts stateDir), written only once a
 * transaction is delivered or dead-lettered, and removed with the trigger.
 */
export interface SavedBinlogPosition extends BinlogPosition {
  /** The source's name and server ("127.0.0.1:3306/shop"): a position is kept only for the server it was read from. */
  source: string;
  server: string;
  /** The last delivered transaction's GTID, for a reader to compare (MariaDB: domain-server-sequence). */
  gtid?: string;
  savedAt: string;
}

export class BinlogPositionStore {
  constructor(private readonly dir: string) {}

  async read(consumer: string): Promise<SavedBinlogPosition | undefined> {
    try {
      return JSON.parse(await readFile(this.fileOf(consumer), "utf8")) as SavedBinlogPosition;
    } catch {
      return undefined; // none yet, or a half-written file of an older version: start from the server's current position
    }
  }

  /** Written to a temporary file and renamed over the old one: a kill mid-write leaves the old position whole. */
  async write(consumer: string, position: Omit<SavedBinlogPosition, "savedAt">): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const file = this.fileOf(consumer);
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify({ ...position, savedAt: new Date().toISOString() }) + "\n", { mode: 0o600 });
    await rename(temporary, file);
  }

  async list(): Promise<Array<{ consumer: string; position: SavedBinlogPosition }>> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const listed = [];
    for (const name of names.filter((n) => n.endsWith(".json")).sort()) {
      const consumer = name.slice(0, -".json".length);
      const position = await this.read(consumer);
      if (position) listed.push({ consumer, position });
    }
    return listed;
  }

  /** Forgets every consumer's position but these (their triggers were removed); returns the forgotten. */
  async forgetAllBut(keep: ReadonlySet<string>): Promise<string[]> {
    const forgotten: string[] = [];
    for (const { consumer } of await this.list()) {
      if (keep.has(consumer)) continue;
      await rm(this.fileOf(consumer), { force: true });
      forgotten.push(consumer);
    }
    return forgotten;
  }

  private fileOf(consumer: string): string {
    return join(this.dir, `${consumer}.json`);
  }
}
