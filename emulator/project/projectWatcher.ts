import { watch, type FSWatcher } from "chokidar";
import type { ProjectSpec } from "./spec";
import { isIgnoredPath, isWithin, watchRoots } from "./watchScope";

export interface WatchHandlers {
  onManifestChange: () => void;
  /** Names of the functions whose code folder changed. */
  onCodeChange: (names: string[]) => void;
}

const DEBOUNCE_MS = 150;
const MANIFEST_NAME = /(^|[\\/])((serverless|template|faasbox)\.ya?ml|\.env)$/;

/**
 * Watches manifests and code folders, each folder once and never inside node_modules, .git
 * or build output (see watchScope). A burst of changes (an editor saving, a build writing
 * many files) becomes one reload after a short quiet period.
 */
export class ProjectWatcher {
  private watcher?: FSWatcher;
  private roots: string[] = [];
  private pendingCode = new Set<string>();
  private manifestChanged = false;
  private timer?: NodeJS.Timeout;
  private project: ProjectSpec;

  constructor(project: ProjectSpec, private readonly handlers: WatchHandlers) {
    this.project = project;
    this.rewatch();
  }

  /** Resolves once the folders are being watched: changes before that may be missed. */
  ready(): Promise<void> {
    const watcher = this.watcher;
    return watcher ? new Promise((resolve) => watcher.once("ready", () => resolve())) : Promise.resolve();
  }

  update(project: ProjectSpec): void {
    this.project = project;
    this.rewatch();
  }

  close(): void {
    clearTimeout(this.timer);
    void this.watcher?.close();
    this.watcher = undefined;
  }

  private rewatch(): void {
    const roots = watchRoots(this.project);
    if (this.watcher && roots.join("\n") === this.roots.join("\n")) return;
    void this.watcher?.close();
    this.roots = roots;
    // The ignore test reads this.project, so a reload's new code folders count at once.
    this.watcher = watch(roots, { ignoreInitial: true, persistent: false, ignored: (path) => isIgnoredPath(this.project, path) });
    this.watcher.on("all", (_event, path) => this.onChange(path));
    this.watcher.on("error", () => undefined); // a folder that vanished; the next reload reports it
  }

  private onChange(path: string): void {
    if (this.project.manifests.includes(path) || MANIFEST_NAME.test(path)) this.manifestChanged = true;
    for (const fn of this.project.functions) if (isWithin(path, fn.codeDir)) this.pendingCode.add(fn.name);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fire(), DEBOUNCE_MS);
  }

  private fire(): void {
    if (this.manifestChanged) {
      this.manifestChanged = false;
      this.handlers.onManifestChange();
    }
    const names = [...this.pendingCode].filter((name) => this.project.functions.some((f) => f.name === name));
    this.pendingCode.clear();
    if (names.length) this.handlers.onCodeChange(names);
  }
}
