import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { FunctionSpec } from "../project/spec";
import { collectFiles, zipReadProblems, type CollectedFiles } from "./collectFiles";
import { DeployError, PackagingError } from "./errors";
import { missingHandlerWarning } from "./handlerCheck";
import { javaArtifact, type JavaArtifact } from "./javaArtifact";
import { readZipListing } from "./zipListing";
import type { PackagedFunction } from "./types";
import { writeDeterministicZip } from "./zipWriter";

export interface PackageOptions {
  /**
   * The project folder: ignore files from here down to the code folder apply. By default
   * the folder of the function's manifest.
   */
  projectRoot?: string;
}

/**
 * Zips a function's code folder the way it is deployed: without what the manifest's
 * `src.exclude`, .gitignore and .faasboxignore leave out, without .git, .faasbox, node_modules/.cache and development-only
 * packages, and byte for byte the same for the same files (see zipWriter), so its sha256
 * tells whether the cloud already has this code.
 *
 * Nothing from outside the code folder goes in, nor a `.env` file unless a .faasboxignore
 * asks for it (see collectFiles); a file that cannot safely go in (a link leading outside, a
 * FIFO, a read that fails) is a PackagingError naming it, and nothing is packaged.
 */
export async function packageFunction(spec: FunctionSpec, options: PackageOptions = {}): Promise<PackagedFunction> {
  // A Java function's built jar (or zip) goes up as it is: the clouds run what the build made.
  const artifact = javaArtifact(spec);
  if (artifact) return packageArtifact(spec, artifact);
  const codeDir = resolve(spec.codeDir);
  if (!isFolder(codeDir)) {
    throw new DeployError(
      "config",
      `${spec.name}: the code folder ${codeDir} does not exist; fix the code path (CodeUri or src) in ${spec.source.file}:${spec.source.line}`,
    );
  }
  const projectRoot = resolve(options.projectRoot ?? dirname(spec.source.file));
  let collected: CollectedFiles;
  try {
    collected = collectFiles(codeDir, projectRoot, spec.packageExclude);
  } catch (error) {
    if (error instanceof PackagingError) throw new PackagingError(error.codeDir, error.problems, spec.name);
    throw error;
  }
  if (collected.entries.length === 0) {
    throw new DeployError(
      "config",
      `${spec.name}: nothing to deploy, every file under ${codeDir} is left out; check the manifest's exclude list, .gitignore and .faasboxignore there and in the folders above it`,
    );
  }
  let zip: Buffer;
  try {
    zip = await writeDeterministicZip(collected.entries);
  } catch (error) {
    // The files were checked a moment ago; one changed since, or its bytes could not be read.
    const problems = zipReadProblems(collected.entries, error);
    if (problems.length > 0) throw new PackagingError(codeDir, problems, spec.name);
    throw new DeployError("config", `${spec.name}: writing the zip of ${codeDir} failed (${error instanceof Error ? error.message : String(error)}); run the command again, and check the disk if it fails again`);
  }
  const files = collected.entries.map((entry) => entry.path);
  return packaged(spec, zip, files, collected.entries.reduce((total, entry) => total + entry.size, 0), [...collected.warnings]);
}

/** What deploy uploads: the zip, its digest and listing, and the warnings, with the missing-handler one checked here for both ways of packaging. */
function packaged(spec: FunctionSpec, zip: Buffer, files: string[], unzippedSize: number, warnings: string[]): PackagedFunction {
  const missing = missingHandlerWarning(spec, files);
  return {
    zip,
    sha256: createHash("sha256").update(zip).digest("hex"),
    files,
    size: zip.length,
    unzippedSize,
    warnings: missing ? [...warnings, missing] : warnings,
  };
}

async function packageArtifact(spec: FunctionSpec, artifact: JavaArtifact): Promise<PackagedFunction> {
  let zip: Buffer;
  try {
    zip = await readFile(artifact.path);
  } catch (error) {
    throw new DeployError("config", `${spec.name}: cannot read ${artifact.path} (${(error as Error).message}); build the function again`);
  }
  const listing = await readZipListing(zip);
  if (!listing) throw new DeployError("config", `${spec.name}: ${artifact.path} is not a readable jar or zip, so neither cloud would take it; build the function again`);
  const files = listing.map((entry) => entry.name).sort();
  const warnings = [`${spec.name}: deploying ${artifact.origin} as it is`, ...artifact.warnings];
  return packaged(spec, zip, files, listing.reduce((total, entry) => total + entry.size, 0), warnings);
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
