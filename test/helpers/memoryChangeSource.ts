import type { ChangeSource, RowChange } from "../../emulator/triggers/database/rowChange";

/**
 * A ChangeSource that behaves like a replication slot, in memory, for the delivery loop's unit
 * tests (the real PostgreSQL source has its own tests): committed changes wait until
 * acknowledged; start() gives everything after the confirmed position, in commit order, and
 * calls onChanges again only once the previous call settled.
 */
export class MemoryChangeSource implements ChangeSource {
  /** Every committed change, in commit order. */
  readonly log: RowChange[] = [];
  /** What acknowledge() was called with, in order. */
  readonly acknowledged: RowChange[] = [];
  private confirmed = -1;
  private next = 0;
  private onChanges?: (changes: RowChange[]) => Promise<void>;
  private sending: Promise<void> = Promise.resolve();
  private lsn = 0x1000;
  private xid = 700;

  async start(onChanges: (changes: RowChange[]) => Promise<void>): Promise<void> {
    this.onChanges = onChanges;
    this.next = this.confirmed + 1;
    void this.flush();
  }

  async acknowledge(change: RowChange): Promise<void> {
    const index = this.log.indexOf(change);
    if (index < 0) throw new Error(`acknowledged a change the source never gave (${change.lsn})`);
    if (index < this.confirmed) throw new Error(`acknowledged ${change.lsn}, behind the confirmed position`);
    this.acknowledged.push(change);
    this.confirmed = index;
  }

  async stop(): Promise<void> {
    this.onChanges = undefined;
  }

  /** The change after which a restart resumes, if any was confirmed. */
  confirmedChange(): RowChange | undefined {
    return this.log[this.confirmed];
  }

  /**
   * Commits one transaction with a change per id (an insert of `{id}`); resolves once the
   * source has handed it (and what waited before it) to the consumer.
   */
  commit(ids: number[]): Promise<RowChange[]> {
    const xid = String(this.xid++);
    const commitLsn = lsnText(this.lsn + ids.length);
    const commitTime = new Date().toISOString();
    const changes = ids.map((id, i): RowChange => ({
      op: "insert", schema: "public", table: "orders", key: { id }, after: { id }, columnTypes: { id: "int4" },
      transactionId: xid, commitTime, commitLsn, lsn: lsnText(this.lsn + i), indexInTransaction: i, lastInTransaction: i === ids.length - 1,
    }));
    this.lsn += 0x100;
    this.log.push(...changes);
    return this.flush().then(() => changes);
  }

  /** Resolves once every committed change was handed to the consumer (which may still be delivering it). */
  handed(): Promise<void> {
    return this.flush();
  }

  /** A reconnect: gives again everything after the confirmed position (the slot's behaviour). */
  rewind(): Promise<void> {
    this.next = this.confirmed + 1;
    return this.flush();
  }

  private flush(): Promise<void> {
    this.sending = this.sending.then(async () => {
      while (this.onChanges && this.next < this.log.length) {
        const changes = this.log.slice(this.next);
        this.next = this.log.length;
        await this.onChanges(changes);
      }
    });
    return this.sending;
  }
}

function lsnText(value: number): string {
  return `0/${value.toString(16).toUpperCase()}`;
}
