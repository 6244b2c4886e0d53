import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { javaCdsCacheDir } from "../../config/paths";
import type { FunctionSpec } from "../../project/spec";
import { hostShimsDir } from "./shimsDir";

/** The archive's file name in its folder. */
const ARCHIVE = "classes.jsa";

/** How a Java instance uses its function's class-data-sharing archive. */
export interface JavaCdsPlan {
  /** The host folder lent to the instance (LaunchRequest.cacheDir). */
  hostDir: string;
  /** JVM flags: reuse the archive, when there is one. */
  flags: string[];
  /** The shim's environment: where to write the archive after the first invocation, when there is none. */
  env: Record<string, string>;
  notices: string[];
}

/**
 * AppCDS (a dynamic class-data-sharing archive, JDK 13+ -XX:ArchiveClassesAtExit) per function
 * artefact: the classes the JVM, the shim, Jackson and the function load at start, parsed and
 * verified once and mapped in at every later cold start. Lambda documents its own CDS cache for
 * Java 25 (https://docs.aws.amazon.com/lambda/latest/dg/java-customization.html, "Ahead-of-Time (AOT)
 * and CDS caches"); this is Faasbox's local equivalent. The archive is keyed by the image, the
 * shim's jar and the function's code (names, sizes, times), so a changed jar gets a new one. The
 * JVM writes an archive only when it exits normally, and instances are killed, so the shim starts a
 * second, short JVM after the first invocation that loads the same classes and exits (see
 * Bootstrap.java, FAASBOX_JAVA_CDS_TRAIN).
 */
export function javaCdsDir(spec: FunctionSpec, image: string, env: NodeJS.ProcessEnv = process.env): string {
  const key = createHash("sha256").update(JSON.stringify({ image, shim: fingerprint(join(hostShimsDir(), "java", "build")), code: fingerprint(spec.codeDir) })).digest("hex").slice(0, 20);
  const hostDir = join(javaCdsCacheDir(env), `${spec.name.replace(/[^A-Za-z0-9_.-]/g, "_")}-${key}`);
  mkdirSync(hostDir, { recursive: true });
  // The instance runs as a uid of its own: it may add files here and read them, no one may list or
  // replace another's (sticky); the cache above it stays the user's alone.
  chmodSync(hostDir, 0o1733);
  return hostDir;
}

/** How an instance uses the archive in `hostDir` (javaCdsDir), which it sees at `containerDir`. */
export function planJavaCds(spec: FunctionSpec, hostDir: string, containerDir: string): JavaCdsPlan {
  const archive = `${containerDir}/${ARCHIVE}`;
  if (existsSync(join(hostDir, ARCHIVE))) {
    return { hostDir, flags: [`-XX:SharedArchiveFile=${archive}`, "-Xshare:auto"], env: {}, notices: [`faasbox: ${spec.name}: class-data-sharing archive reused (${join(hostDir, ARCHIVE)})`] };
  }
  return { hostDir, flags: [], env: { FAASBOX_JAVA_CDS_TRAIN: archive }, notices: [`faasbox: ${spec.name}: no class-data-sharing archive yet; one is made after this invocation for the next cold starts (${join(hostDir, ARCHIVE)})`] };
}

/** Names, sizes and times of the files under `dir` (bounded: a code folder, not a disk). */
function fingerprint(dir: string, budget = { files: 20_000 }): string[] {
  const out: string[] = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (--budget.files < 0) break;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...fingerprint(path, budget).map((line) => `${entry.name}/${line}`));
    else if (entry.isFile()) {
      const stats = statSync(path);
      out.push(`${entry.name} ${stats.size} ${stats.mtimeMs}`);
    }
  }
  return out;
}
