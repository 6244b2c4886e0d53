import { statSync } from "node:fs";
import { resolve } from "node:path";
import { BuildError, buildFunction } from "../build/buildFunction";
import { buildImageFor } from "../build/buildImage";
import { connectDocker } from "../core/docker/engine";
import { loadProject } from "../project/loadProject";
import { MANIFEST_FLAGS, UsageError, parseCommandArgs, parseManifestOptions } from "./args";



/**
 * `faasbox build`: like `sam build`, each function's code copied into `.faasbox/build/NAME`
 * with its dependencies installed there in its runtime image; the emulator then runs that.
 * Exit status 1 when any function fails to build (the others are still built).
 */
export async function buildCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("build", argv, {
    project: { type: "string" },
    "pip-find-links": { type: "string" },
    ...MANIFEST_FLAGS,
  });
  const root = resolve(values.project ?? ".");
  const findLinks = values["pip-find-links"] === undefined ? undefined : resolve(values["pip-find-links"]);
  if (findLinks !== undefined && !isFolder(findLinks)) {
    throw new UsageError(`faasbox build: --pip-find-links ${values["pip-find-links"]}: ${findLinks} is not a folder; expected a folder of wheels (.whl) or source archives`);
  }
  const { project, problems } = loadProject(root, parseManifestOptions("build", values));
  for (const problem of problems) console.error(`error: ${problem.message}`);
  const known = new Map(project.functions.map((fn) => [fn.name, fn]));
  const unknown = positionals.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new UsageError(`faasbox build: no function named ${unknown.join(", ")} in ${root} (functions: ${[...known.keys()].join(", ") || "none"})`);
  }
  const chosen = positionals.length > 0 ? positionals.map((name) => known.get(name)!) : project.functions.filter((fn) => fn.family !== "custom" && !fn.container && !fn.codeArchive);
  if (chosen.length === 0) {
    console.error(`faasbox build: nothing to build in ${root}: no Node.js or Python function with a code folder`);
    return problems.length > 0 ? 1 : 0;
  }
  const docker = connectDocker();
  let failed = 0;
  for (const spec of chosen) {
    try {
      await buildFunction(spec, { projectRoot: root, docker, image: buildImageFor(spec, project), findLinks, env: process.env, log: (line) => console.log(line) });
    } catch (error) {
      if (!(error instanceof BuildError)) throw error;
      console.error(`error: ${error.message}`);
      failed++;
    }
  }
  if (failed > 0) console.error(`faasbox build: ${failed} of ${chosen.length} functions failed to build`);
  return failed > 0 || problems.length > 0 ? 1 : 0;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
