import { lstatSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { ManifestWarning, fileRef } from "./errors";
import type { FunctionSpec } from "./spec";

/** Written last by `faasbox build`: a build folder without it is unfinished and never used. */
export const BUILD_MARKER = ".faasbox-build.json";

/** What the marker records. */
export interface BuildRecord {
  /** The code folder the build was made from (absolute). */
  sourceDir: string;
  /** When the build finished (ms since the epoch). */
  builtAt: number;
}

/** Folders never looked at when comparing the sources' times with the build's: installed or generated. */
const NOT_SOURCES = new Set(["node_modules", ".git", ".faasbox", "__pycache__", ".venv", ".pytest_cache", ".mypy_cache"]);
/** A source tree larger than this is not walked in full for the staleness check (it stops at the first newer file anyway). */
const MAX_ENTRIES = 50_000;

/**
 * `faasbox build`'s output folder for a function: `.faasbox/build/NAME` under the project,
 * as `sam build` writes `.aws-sam/build/LOGICAL_ID`
 * (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/using-sam-cli-build.html).
 * A name that is not a plain file name is encoded so it can never leave that folder.
 */
export function buildFolderOf(projectRoot: string, functionName: string): string {
  const safe = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(functionName) ? functionName : encodeURIComponent(functionName).replace(/^\./, "%2E");
  return join(projectRoot, ".faasbox", "build", safe);
}

/** The build record of a finished build folder, or undefined. */
export function readBuildRecord(buildDir: string): BuildRecord | undefined {
  try {
    // A build folder is one faasbox build made: a link (a cloned repository's) could lead anywhere.
    if (!lstatSync(buildDir).isDirectory()) return undefined;
    const record = JSON.parse(readFileSync(join(buildDir, BUILD_MARKER), "utf8")) as Partial<BuildRecord>;
    if (typeof record.sourceDir === "string" && typeof record.builtAt === "number") return { sourceDir: record.sourceDir, builtAt: record.builtAt };
  } catch {
    // no finished build
  }
  return undefined;
}

/**
 * Runs the function from its `faasbox build` output when there is one, as sam local runs
 * `sam build`'s output (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/using-sam-cli-local-invoke.html):
 * the code folder becomes the build folder, and the sources are kept in `spec.build` (for
 * the debugger's path mapping and the watcher). A build made from another folder (the
 * manifest's code path changed since) is not used. When a source file is newer than the
 * build, the build still runs (as with sam) and a warning says to build again.
 */
export function useBuildOutput(spec: FunctionSpec, projectRoot: string, warn: (warning: ManifestWarning) => void): void {
  if (spec.container || spec.codeArchive || spec.family === "custom") return;
  const buildDir = buildFolderOf(projectRoot, spec.name);
  const record = readBuildRecord(buildDir);
  if (!record) return;
  const shown = relative(projectRoot, buildDir);
  if (record.sourceDir !== spec.codeDir) {
    warn(
      ManifestWarning.at(
        fileRef(join(buildDir, BUILD_MARKER)),
        `${spec.name}: ${shown} was built from ${record.sourceDir}, not from the function's code folder ${spec.codeDir}, so it is not used; run faasbox build ${spec.name} again`,
      ),
    );
    return;
  }
  const newer = newerSource(spec.codeDir, record.builtAt);
  if (newer) {
    warn(
      ManifestWarning.at(
        fileRef(newer),
        `${spec.name}: changed after the last faasbox build, but the function runs its build output ${shown}; run faasbox build ${spec.name} to use the change (or delete ${shown} to run the sources)`,
      ),
    );
  }
  spec.build = { sourceDir: spec.codeDir, buildDir };
  spec.codeDir = buildDir;
}

/** A source file (not installed or generated) modified after `since`, or undefined. */
export function newerSource(sourceDir: string, since: number): string | undefined {
  let budget = MAX_ENTRIES;
  const walk = (folder: string): string | undefined => {
    let entries: string[];
    try {
      entries = readdirSync(folder);
    } catch {
      return undefined;
    }
    for (const entry of entries) {
      if (--budget < 0) return undefined;
      if (NOT_SOURCES.has(entry)) continue;
      const path = join(folder, entry);
      try {
        const stats = lstatSync(path);
        // Links are not followed: they may lead anywhere, and their own time says when they were made.
        if (stats.isDirectory()) {
          const found = walk(path);
          if (found) return found;
        } else if (stats.mtimeMs > since) return path;
      } catch {
        // gone meanwhile
      }
    }
    return undefined;
  };
  try {
    if (!statSync(sourceDir).isDirectory()) return undefined;
  } catch {
    return undefined;
  }
  return walk(sourceDir);
}
