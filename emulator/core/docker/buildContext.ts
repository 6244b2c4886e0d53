import { createHash } from "node:crypto";
import { existsSync, lstatSync, readFileSync, readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import ignore, { type Ignore } from "ignore";

/** The files of a Docker build context that go to the engine, and a fingerprint of them. */
export interface BuildContextFiles {
  /** Paths relative to the context, `/`-separated, sorted. */
  files: string[];
  /** Changes when a file sent, its mode, size or modification time, the Dockerfile or a build argument changes. */
  fingerprint: string;
}

/**
 * Walks `contextDir` as `docker build` would send it, leaving out what `.dockerignore` lists
 * (https://docs.docker.com/build/concepts/context/#dockerignore-files). Its patterns are read
 * with gitignore rules (the `ignore` package), each anchored at the context root as Docker
 * anchors them: the usual forms (`node_modules`, `*.log`, `**\/tmp`, `!keep`) mean the same;
 * Go's `filepath.Match` corner cases may not. The Dockerfile and .dockerignore are always
 * sent, as Docker sends them whatever the file says.
 */
export function buildContextFiles(contextDir: string, dockerfile: string, buildArgs: Record<string, string>): BuildContextFiles {
  const rules = dockerIgnore(contextDir);
  const always = new Set([dockerfile.split(sep).join("/"), ".dockerignore"]);
  const files: string[] = [];
  const hash = createHash("sha256");
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const rel = relative(contextDir, path).split(sep).join("/");
      const stats = lstatSync(path);
      if (stats.isDirectory()) {
        // A folder left out may still hold a file kept with `!`: only skip it when nothing is negated.
        if (rules.ignores(`${rel}/`) && !rules.negates) continue;
        walk(path);
        continue;
      }
      if (rules.ignores(rel) && !always.has(rel)) continue;
      files.push(rel);
      hash.update(`${rel}\0${stats.mode}\0${stats.size}\0${stats.mtimeMs}\n`);
    }
  };
  walk(contextDir);
  hash.update(`dockerfile\0${dockerfile}\n`);
  for (const key of Object.keys(buildArgs).sort()) hash.update(`arg\0${key}\0${buildArgs[key]}\n`);
  return { files, fingerprint: hash.digest("hex") };
}

function dockerIgnore(contextDir: string): { ignores(path: string): boolean; negates: boolean } {
  const file = join(contextDir, ".dockerignore");
  const lines = existsSync(file) ? readFileSync(file, "utf8").split(/\r?\n/) : [];
  const patterns = lines
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    // Docker matches every pattern from the context root; gitignore would match `name` at any depth.
    .map((line) => (line.startsWith("!") ? `!/${line.slice(1).replace(/^\/+/, "")}` : `/${line.replace(/^\/+/, "")}`));
  const matcher: Ignore = ignore().add(patterns);
  return { ignores: (path) => matcher.ignores(path), negates: patterns.some((p) => p.startsWith("!")) };
}
