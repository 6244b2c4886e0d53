import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { ManifestWarning } from "./errors";
import { normalizedName, readRequirements } from "./requirementsFile";
import { isProvidedByRuntime } from "./runtimeProvidedPackages";
import { isFile, isFolder } from "../util/pathKind";
import type { FunctionSpec } from "./spec";

/** What a function's manifest of dependencies lists that its code cannot load, and where the first one is written. */
export interface MissingDependencies {
  names: string[];
  file: string;
  line: number;
  /** The plain command that installs them in the code folder, for users who do not use `faasbox build`. */
  installCommand: string;
}

/**
 * The dependencies a function lists (package.json `dependencies`, requirements.txt) that
 * nothing it runs with provides: not installed in its code folder, not in a layer folder,
 * not bundled with the runtime. Undefined when nothing is missing or nothing can be checked
 * (an image function, a zip package or zip layers, whose contents are only known at launch).
 */
export function findMissingDependencies(spec: FunctionSpec): MissingDependencies | undefined {
  if (spec.container || spec.codeArchive || !isFolder(spec.codeDir)) return undefined;
  const layers = spec.layers ?? [];
  // A zip layer's contents are only unpacked at launch: it may hold anything, so no guess is made.
  if (layers.some((layer) => !isFolder(layer))) return undefined;
  if (spec.family === "nodejs") return missingNodePackages(spec, layers);
  if (spec.family === "python") return missingPythonPackages(spec, layers);
  return undefined;
}

/** The warning for the editor and `faasbox start`, at the first missing dependency's line. */
export function missingDependenciesWarning(spec: FunctionSpec, missing: MissingDependencies): ManifestWarning {
  const list = missing.names.join(", ");
  return ManifestWarning.at(
    { file: missing.file, line: missing.line, field: spec.family === "nodejs" ? "dependencies" : "requirements" },
    `${spec.name}: ${missing.names.length === 1 ? "dependency" : "dependencies"} not installed: ${list}; the function fails when it loads them. ` +
      `Run: faasbox build ${spec.name} (installs them in the function's runtime image into .faasbox/build/${spec.name}), or: ${missing.installCommand}`,
  );
}

/**
 * Node resolves a bare name from node_modules in the requiring file's folder and each one
 * above (https://nodejs.org/api/modules.html#loading-from-node_modules-folders); here from
 * the handler's folder up to the code folder, which is /var/task in the cloud. Then the
 * layers: Lambda's NODE_PATH has /opt/nodejs/node_modules and /opt/nodejs/nodeXX/node_modules
 * (https://docs.aws.amazon.com/lambda/latest/dg/packaging-layers.html#packaging-layers-paths).
 */
function missingNodePackages(spec: FunctionSpec, layers: string[]): MissingDependencies | undefined {
  const manifest = join(spec.codeDir, "package.json");
  if (!isFile(manifest)) return undefined;
  let text: string;
  let dependencies: Record<string, unknown>;
  try {
    text = readFileSync(manifest, "utf8");
    const parsed: unknown = JSON.parse(text);
    const deps = (parsed as { dependencies?: unknown } | null)?.dependencies;
    dependencies = deps && typeof deps === "object" ? (deps as Record<string, unknown>) : {};
  } catch {
    return undefined; // npm reports a broken package.json better than a guess here would
  }
  const handlerDir = dirname(join(spec.codeDir, spec.handler));
  const searched = foldersUpTo(handlerDir, spec.codeDir).map((folder) => join(folder, "node_modules"));
  for (const layer of layers) {
    searched.push(join(layer, "nodejs", "node_modules"));
    for (const entry of safeList(join(layer, "nodejs"))) if (/^node\d+$/.test(entry)) searched.push(join(layer, "nodejs", entry, "node_modules"));
  }
  const names = Object.keys(dependencies).filter(
    (name) => !isProvidedByRuntime(spec, name) && !searched.some((folder) => existsSync(join(folder, ...name.split("/"), "package.json"))),
  );
  if (names.length === 0) return undefined;
  const lines = text.split(/\r?\n/);
  const index = lines.findIndex((line) => line.includes(JSON.stringify(names[0])));
  const lockfile = ["package-lock.json", "npm-shrinkwrap.json"].some((name) => isFile(join(spec.codeDir, name)));
  return { names, file: manifest, line: index + 1 || 1, installCommand: `cd ${spec.codeDir} && npm ${lockfile ? "ci" : "install"} --omit=dev` };
}

/**
 * Python finds packages on sys.path: the code folder (/var/task) first, then the layers'
 * /opt/python and /opt/python/lib/pythonX.Y/site-packages
 * (https://docs.aws.amazon.com/lambda/latest/dg/packaging-layers.html#packaging-layers-paths).
 * A package counts as installed where pip leaves its record (NAME-VERSION.dist-info or
 * .egg-info), or where a folder or module of its import name is (code copied in by hand).
 */
function missingPythonPackages(spec: FunctionSpec, layers: string[]): MissingDependencies | undefined {
  const file = join(spec.codeDir, "requirements.txt");
  if (!isFile(file)) return undefined;
  const { requirements } = readRequirements(file);
  const folders = [spec.codeDir];
  for (const layer of layers) {
    folders.push(join(layer, "python"));
    for (const lib of safeList(join(layer, "python", "lib"))) if (/^python\d/.test(lib)) folders.push(join(layer, "python", "lib", lib, "site-packages"));
  }
  const installed = new Set<string>();
  for (const folder of folders) {
    for (const entry of safeList(folder)) {
      const record = /^(.+?)-[^-]*\.(?:dist-info|egg-info)$/.exec(entry);
      installed.add(normalizedName(record ? record[1] : entry.replace(/\.py$/, "")));
    }
  }
  const seen = new Set<string>();
  const missing = requirements.filter((requirement) => {
    const name = normalizedName(requirement.name);
    if (seen.has(name)) return false;
    seen.add(name);
    return !isProvidedByRuntime(spec, requirement.name) && !installed.has(name);
  });
  if (missing.length === 0) return undefined;
  return {
    names: missing.map((requirement) => requirement.name),
    file: missing[0].file,
    line: missing[0].line,
    installCommand: `pip install -r ${file} --target ${spec.codeDir}`,
  };
}

/** `from` and each folder above it up to `root` (both included); just `root` when `from` is not inside it. */
function foldersUpTo(from: string, root: string): string[] {
  const rel = relative(root, from);
  if (rel.startsWith("..") || rel.split(sep).includes("..")) return [root];
  const folders = [root];
  let current = root;
  for (const part of rel.split(sep).filter(Boolean)) folders.unshift((current = join(current, part)));
  return folders;
}

function safeList(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
}


