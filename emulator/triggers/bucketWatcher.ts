import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, statSync, watch, type FSWatcher } from "node:fs";
import { join, sep } from "node:path";
import type { AsyncQueue } from "../async/asyncQueue";
import { storageEvent } from "../events/storageEvents";
import type { FunctionSpec, StorageTrigger } from "../project/spec";

const SETTLE_MS = 100;

/** Local buckets live here, one folder per bucket, so tools and tests can drop files in. */
export function bucketFolder(root: string, bucket: string): string {
  return join(root, ".faasbox", "buckets", bucket);
}

/**
 * Object storage events (COS / S3 style): a file created, changed or deleted in a
 * bucket folder becomes the storage event in each subscribed function's dialect.
 */
export class BucketWatcher {
  private watchers = new Map<string, FSWatcher>();
  private readonly settling = new Map<string, NodeJS.Timeout>();
  private functions: FunctionSpec[] = [];

  constructor(private readonly root: string, private readonly queue: AsyncQueue) {}

  update(functions: FunctionSpec[]): void {
    this.functions = functions;
    const buckets = new Set(this.triggers().map((t) => t.trigger.bucket));
    for (const [bucket, watcher] of this.watchers) {
      if (!buckets.has(bucket)) {
        watcher.close();
        this.watchers.delete(bucket);
      }
    }
    for (const bucket of buckets) {
      if (this.watchers.has(bucket)) continue;
      const folder = bucketFolder(this.root, bucket);
      mkdirSync(folder, { recursive: true });
      const watcher = watch(folder, { recursive: true, persistent: false }, (_event, file) => {
        if (file) this.settle(bucket, file.toString());
      });
      watcher.on("error", () => undefined);
      this.watchers.set(bucket, watcher);
    }
  }

  close(): void {
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
    for (const timer of this.settling.values()) clearTimeout(timer);
  }

  /** A write comes as several fs events: act once the file has been quiet for a moment. */
  private settle(bucket: string, file: string): void {
    const key = `${bucket}${sep}${file}`;
    clearTimeout(this.settling.get(key));
    this.settling.set(key, setTimeout(() => {
      this.settling.delete(key);
      void this.changed(bucket, file);
    }, SETTLE_MS));
  }

  private async changed(bucket: string, file: string): Promise<void> {
    const path = join(bucketFolder(this.root, bucket), file);
    let size = 0;
    let etag: string | undefined;
    let created: boolean;
    try {
      const stats = statSync(path);
      if (!stats.isFile()) return;
      size = stats.size;
      etag = createHash("md5").update(readFileSync(path)).digest("hex");
      created = true;
    } catch {
      created = false;
    }
    const key = file.split(sep).join("/");
    for (const { fn, trigger } of this.triggers()) {
      if (trigger.bucket !== bucket || !wants(trigger, key, created)) continue;
      const event = storageEvent(fn.dialect, { bucket, key, size, created, region: fn.region, time: new Date(), etag });
      await this.queue.enqueue(fn.name, JSON.stringify(event), `storage:${bucket}`);
    }
  }

  private triggers(): { fn: FunctionSpec; trigger: StorageTrigger }[] {
    return this.functions.flatMap((fn) => fn.triggers.filter((t): t is StorageTrigger => t.kind === "storage").map((trigger) => ({ fn, trigger })));
  }
}

/** Whether a trigger's event names ("s3:ObjectCreated:*", "cos:ObjectRemove:*"…) and filters cover this change. */
function wants(trigger: StorageTrigger, key: string, created: boolean): boolean {
  if (trigger.prefix && !key.startsWith(trigger.prefix)) return false;
  if (trigger.suffix && !key.endsWith(trigger.suffix)) return false;
  return trigger.events.some((name) => (created ? /Created/i.test(name) : /Remove/i.test(name)));
}
