import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, statSync, watch, type FSWatcher, type Stats } from "node:fs";
import { join, relative, sep } from "node:path";
import type { AsyncQueue } from "./async/asyncQueue";
import { storageEvent } from "./events/storageEvents";
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
  /**
   * The objects (files) of each bucket as last seen. A deleted path only names what went
   * away: a file, or a whole folder of them, whose keys are known only from here.
   */
  private readonly objects = new Map<string, Map<string, string | undefined>>();
  private functions: FunctionSpec[] = [];

  constructor(private readonly root: string, private readonly queue: AsyncQueue) {}

  update(functions: FunctionSpec[]): void {
    this.functions = functions;
    const buckets = new Set(this.triggers().map((t) => t.trigger.bucket));
    for (const [bucket, watcher] of this.watchers) {
      if (!buckets.has(bucket)) {
        watcher.close();
        this.watchers.delete(bucket);
        this.objects.delete(bucket);
      }
    }
    for (const bucket of buckets) {
      if (this.watchers.has(bucket)) continue;
      const folder = bucketFolder(this.root, bucket);
      mkdirSync(folder, { recursive: true });
      // Keys only: an object's ETag is read when an event needs it.
      this.objects.set(bucket, new Map(filesUnder(folder).map((path) => [keyOf(folder, path), undefined])));
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
      this.changed(bucket, file).catch((error: Error) => {
        process.stderr.write(`faasbox: the storage event for ${bucket}/${file} could not be queued: ${error.message}\n`);
      });
    }, SETTLE_MS));
  }

  private async changed(bucket: string, file: string): Promise<void> {
    const folder = bucketFolder(this.root, bucket);
    const known = this.objects.get(bucket);
    if (!known) return; // no longer watched
    const path = join(folder, file);
    const stats = statOrUndefined(path);
    // A file, or a folder moved or copied in (each file in it is an object). The same bytes
    // reported twice (a folder's event and then its files' own) are one event.
    const files = stats?.isFile() ? [path] : stats?.isDirectory() ? filesUnder(path) : [];
    for (const inner of files) {
      const key = keyOf(folder, inner);
      const etag = createHash("md5").update(readFileSync(inner)).digest("hex");
      if (known.get(key) === etag) continue;
      known.set(key, etag);
      await this.emit(bucket, key, { size: statSync(inner).size, etag });
    }
    if (stats) return;
    // Gone: the object itself, or every object under a folder that went away.
    const key = keyOf(folder, path);
    for (const gone of [...known.keys()].filter((k) => k === key || k.startsWith(`${key}/`))) {
      known.delete(gone);
      await this.emit(bucket, gone);
    }
  }

  /** Queues the event for each subscribed function; `object` absent means it was removed. */
  private async emit(bucket: string, key: string, object?: { size: number; etag: string }): Promise<void> {
    const created = object !== undefined;
    for (const { fn, trigger } of this.triggers()) {
      if (trigger.bucket !== bucket || !wants(trigger, key, created)) continue;
      const event = storageEvent(fn.dialect, { bucket, key, size: object?.size ?? 0, created, region: fn.region, time: new Date(), etag: object?.etag });
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

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Every file under `folder`, at any depth. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name));
}

/** The object key of a path in a bucket folder: forward slashes, as S3 and COS write keys. */
function keyOf(folder: string, path: string): string {
  return relative(folder, path).split(sep).join("/");
}
