import { watch, type FSWatcher } from "node:fs";
import { dirname, relative, sep } from "node:path";
import type { ProjectSpec } from "./spec";

export interface WatchHandlers {
  onManifestChange: () => void;
  /** Names of the functions whose code folder changed. */
  onCodeChange: (names: string[]) => void;
}

const DEBOUNCE_MS = 150;
const IGNORED = new Set([".git", "__pycache__", ".faasbox", ".pytest_cache"]);

/**
 * Watches manifests and code folders. A burst of changes (an editor saving, a build
 * writing many files) becomes one reload after a short quiet period.
 */
export class ProjectWatcher {
  private watchers = new Map<string, FSWatcher>();
  private pendingCode = new Set<string>();
  private manifestChanged = false;
  private timer?: NodeJS.Timeout;
  private project: ProjectSpec;

  constructor(project: ProjectSpec, private readonly handlers: WatchHandlers) {
    this.project = project;
    this.rewatch();
  }

  update(project: ProjectSpec): void {
    this.project = project;
    this.rewatch();
  }

  close(): void {
    clearTimeout(this.timer);
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }

  private rewatch(): void {
    const folders = new Set<string>([this.project.root, ...this.project.functions.map((f) => f.codeDir), ...this.project.manifests.map((m) => dirname(m))]);
    for (const [folder, watcher] of this.watchers) {
      if (!folders.has(folder)) {
        watcher.close();
        this.watchers.delete(folder);
      }
    }
    for (const folder of folders) {
      if (this.watchers.has(folder)) continue;
      try {
        const watcher = watch(folder, { recursive: true, persistent: false }, (_event, file) => this.onChange(folder, file?.toString()));
        watcher.on("error", () => undefined);
        this.watchers.set(folder, watcher);
      } catch {
        // a folder that vanished; the next reload reports it
      }
    }
  }

  private onChange(folder: string, file: string | undefined): void {
    // Byte-code caches and tool folders change without the code changing.
    if (file && file.split(sep).some((part) => IGNORED.has(part))) return;
    const path = file ? `${folder}${sep}${file}` : folder;
    if (this.project.manifests.includes(path) || /(^|[\\/])(serverless|template|faasbox)\.ya?ml$|(^|[\\/])\.env$/.test(path)) this.manifestChanged = true;
    for (const fn of this.project.functions) {
      const rel = relative(fn.codeDir, path);
      if (!rel.startsWith("..")) this.pendingCode.add(fn.name);
    }
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
