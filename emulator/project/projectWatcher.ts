import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import { watch, type FSWatcher } from "chokidar";
import type { ProjectSpec } from "./spec";
import { isIgnoredPath, isWithin, watchRoots } from "./watchScope";

export interface WatchHandlers {
  onManifestChange: () => void;
  /** Names of the functions whose code folder changed. */
  onCodeChange: (names: string[]) => void;
}

const DEBOUNCE_MS = 150;
/** How long reports wait for a rescan after a replaced folder, should chokidar never say it is ready. */
const RESCAN_HOLD_MS = 3000;
const MANIFEST_NAME = /(^|[\\/])((serverless|template|faasbox)\.ya?ml|\.env)$/;

/** One chokidar watcher over the roots. */
interface Scan {
  fs: FSWatcher;
  /** The roots that were there when it started. */
  roots: string[];
  /** Reports wait for this watcher's scan: it rescans a replaced folder. */
  holding: boolean;
  ready: Promise<void>;
  /** Resolves `ready` when the watcher is closed before it got there, so no caller waits forever. */
  abandon: () => void;
}

/**
 * Watches manifests and code folders, each folder once and never inside node_modules, .git
 * or build output (see watchScope). A burst of changes (an editor saving, a build writing
 * many files) becomes one reload after a short quiet period.
 *
 * Every way a file is written counts, and keeps counting for later edits: in place, a
 * temp file renamed over it (vim, JetBrains, sed -i), delete and create (git checkout,
 * which often gets the same inode number back). chokidar runs `persistent`, where a folder's
 * events also reach the watchers of its files; without that, a file whose watch died with
 * its old inode was never heard from again.
 *
 * A watched FOLDER that is replaced (`rm -rf dist && tsc`, a code folder swapped by rename, a
 * code folder outside the project deleted and made again) leaves chokidar watching the old,
 * gone folder. The watcher sees that (Linux reports it as a rename of the folder itself; a
 * root that vanished is checked directly), gives up the old folder's watches and scans again,
 * reporting the functions in or above that folder once the new scan is ready.
 */
export class ProjectWatcher {
  private scan?: Scan;
  /** Earlier watchers, kept until the newest is ready so no change falls in between. */
  private retiring: Scan[] = [];
  private roots: string[] = [];
  private pendingCode = new Set<string>();
  private manifestChanged = false;
  /** Paths whose own fs.watch said they were deleted or moved away (see onRaw). */
  private goneSelves = new Set<string>();
  private timer?: NodeJS.Timeout;
  private closed = false;
  private project: ProjectSpec;

  constructor(project: ProjectSpec, private readonly handlers: WatchHandlers) {
    this.project = project;
    this.rewatch(false);
  }

  /** Resolves once the folders are being watched: changes before that may be missed. */
  ready(): Promise<void> {
    return this.scan?.ready ?? Promise.resolve();
  }

  update(project: ProjectSpec): void {
    this.project = project;
    // Closed stays closed: a watcher started now would keep the process alive.
    if (!this.closed && watchRoots(project).join("\n") !== this.roots.join("\n")) this.rewatch(false);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    for (const scan of this.scans()) {
      scan.abandon();
      void scan.fs.close();
    }
    this.scan = undefined;
    this.retiring = [];
  }

  private scans(): Scan[] {
    return this.scan ? [this.scan, ...this.retiring] : [...this.retiring];
  }

  /** A new watcher over the current roots; the previous ones stop once it is ready. */
  private rewatch(hold: boolean): void {
    if (this.scan) this.retiring.push(this.scan);
    this.roots = watchRoots(this.project);
    // persistent: see the class comment. The ignore test reads this.project, so a reload's
    // new code folders count at once.
    const fs = watch(this.roots, { ignoreInitial: true, persistent: true, ignored: (path) => isIgnoredPath(this.project, path) });
    let abandon!: () => void;
    const ready = new Promise<void>((resolve) => {
      abandon = resolve;
      fs.once("ready", () => resolve());
    });
    const scan: Scan = { fs, roots: this.roots.filter((root) => existsSync(root)), holding: hold, ready, abandon };
    this.scan = scan;
    fs.on("all", (_event, path) => this.onChange(path));
    fs.on("raw", (event, name, details) => this.onRaw(event, name, details));
    fs.on("error", () => undefined); // a folder that vanished; the next reload reports it
    fs.once("ready", () => this.onReady(scan));
    if (hold) setTimeout(() => this.release(scan), RESCAN_HOLD_MS).unref();
  }

  private onReady(scan: Scan): void {
    this.release(scan);
    if (this.closed || this.scan !== scan) return;
    for (const old of this.retiring) void old.fs.close();
    this.retiring = [];
  }

  /** Reports held back while this scan ran (a replaced folder's functions) go out now. */
  private release(scan: Scan): void {
    if (!scan.holding) return;
    scan.holding = false;
    if (!this.closed && this.scan === scan && (this.pendingCode.size || this.manifestChanged || this.goneSelves.size)) this.schedule();
  }

  /**
   * fs.watch names the watched path itself when that path is deleted or moved away
   * (inotify's DELETE_SELF/MOVE_SELF): its watch is dead, or follows it elsewhere. For a file
   * chokidar copes; whether it was a folder chokidar still watches is decided in fire().
   */
  private onRaw(event: string, name: unknown, details: unknown): void {
    const path = (details as { watchedPath?: unknown } | undefined)?.watchedPath;
    if (event !== "rename" || typeof path !== "string" || name !== basename(path)) return;
    this.goneSelves.add(path);
    this.schedule();
  }

  private onChange(path: string): void {
    if (this.project.manifests.includes(path) || MANIFEST_NAME.test(path)) this.manifestChanged = true;
    for (const fn of this.project.functions) if (isWithin(path, fn.codeDir)) this.pendingCode.add(fn.name);
    // A function run from its faasbox build does not run its sources: re-reading the project says they are newer than the build.
    if (this.project.functions.some((fn) => fn.build && isWithin(path, fn.build.sourceDir))) this.manifestChanged = true;
    this.schedule();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fire(), DEBOUNCE_MS);
  }

  private fire(): void {
    if (this.closed) return;
    const replaced = this.replacedFolders();
    if (replaced.length) this.replaceFolders(replaced);
    // After a rescan, report once it is ready: what changed meanwhile is then covered.
    if (!this.scan || this.scan.holding) return;
    if (this.manifestChanged) {
      this.manifestChanged = false;
      this.handlers.onManifestChange();
    }
    const names = [...this.pendingCode].filter((name) => this.project.functions.some((f) => f.name === name));
    this.pendingCode.clear();
    if (names.length) this.handlers.onCodeChange(names);
  }

  /**
   * Folders whose watch is dead while chokidar believes it watches them: their own watch
   * reported them gone, yet chokidar did not see them go (they were back before their parent
   * was read). A folder chokidar saw go it adds again by itself when it comes back, except
   * a root (nothing watches its parent): a root counts when it reported itself gone, or when
   * it was there at the scan's start and is not now (not every platform reports a folder's
   * own deletion). The new scan then watches the root's parent for its return.
   */
  private replacedFolders(): string[] {
    const selves = [...this.goneSelves];
    this.goneSelves.clear();
    const goneRoots = this.scan?.roots.filter((root) => !existsSync(root)) ?? [];
    if (!selves.length && !goneRoots.length) return [];
    const watched = new Set(this.scans().flatMap((scan) => Object.keys(scan.fs.getWatched())));
    return [...new Set([...goneRoots, ...selves.filter((path) => this.roots.includes(path) || watched.has(path))])];
  }

  /**
   * The folders' content is new: their functions changed, and their watches are given up
   * (chokidar shares an fs.watch by path, so a new watcher would otherwise join the dead one)
   * before a new watcher scans. The old watchers keep every other folder covered meanwhile.
   */
  private replaceFolders(folders: string[]): void {
    for (const fn of this.project.functions) {
      if (folders.some((folder) => isWithin(fn.codeDir, folder) || isWithin(folder, fn.codeDir))) this.pendingCode.add(fn.name);
    }
    if (this.project.manifests.some((manifest) => folders.some((folder) => isWithin(manifest, folder)))) this.manifestChanged = true;
    for (const scan of this.scans()) {
      const watched = scan.fs.getWatched();
      const paths: string[] = [];
      for (const [folder, children] of Object.entries(watched)) {
        if (folders.some((replaced) => isWithin(folder, replaced))) paths.push(folder, ...children.map((child) => join(folder, child)));
      }
      if (paths.length) scan.fs.unwatch(paths);
    }
    this.rewatch(true);
  }
}
