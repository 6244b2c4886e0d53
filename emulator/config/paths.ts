import { createHash } from "node:crypto";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";

function cacheHome(env: NodeJS.ProcessEnv): string {
  return env.XDG_CACHE_HOME || join(homedir(), ".cache");
}

/** A short stable name for a project folder, used for its state and connection files. */
export function projectKey(root: string): string {
  return createHash("sha256").update(resolve(root)).digest("hex").slice(0, 16);
}

/** Where a running emulator's connection file lives (only the user can read it). */
export function connectionFile(root: string, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, "faasbox") : join(cacheHome(env), "faasbox", "run");
  return join(base, `${projectKey(root)}.json`);
}

/**
 * The Unix socket the editor's emulator serves its control API on, beside the connection file
 * (a folder only the user can open). A socket's path is limited to 107 bytes: a deep home gets
 * a folder of its own under /tmp instead.
 */
export function controlSocketFile(root: string, env: NodeJS.ProcessEnv = process.env): string {
  const beside = connectionFile(root, env).replace(/\.json$/, ".sock");
  if (Buffer.byteLength(beside) <= 100) return beside;
  return join(tmpdir(), `faasbox-${process.getuid?.() ?? "user"}`, `${projectKey(root)}.sock`);
}

/** Functions' layers merged per ordered set of contents (see mergedLayers). */
export function layersCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheHome(env), "faasbox", "layers");
}

/** Java functions' class-data-sharing archives, one folder per function artefact (see core/runtime/javaCds.ts). */
export function javaCdsCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheHome(env), "faasbox", "java-cds");
}

/** Kept state of a project's emulator: the log store, queued events. */
export function stateDir(root: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheHome(env), "faasbox", "state", projectKey(root));
}

/** What the clouds' runtimes bundle (AWS SDKs), installed once on the host (see emulator/core/sdks). */
export function runtimeSdksDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.FAASBOX_CACHE ? join(env.FAASBOX_CACHE, "runtime-sdks") : join(cacheHome(env), "faasbox", "runtime-sdks");
}
