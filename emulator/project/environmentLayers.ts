import { join } from "node:path";
import { ManifestError } from "./errors";
import { readEnvFile } from "./dotenv";
import type { EnvFileRef } from "./faasboxYml";
import type { FunctionSpec } from "./spec";

/**
 * A function's variables, each layer winning over the previous one: the manifest's,
 * the project's .env, the code folder's .env, faasbox.yml's envFiles, then the
 * function's own envFile. Local secrets thus beat committed defaults.
 */
export function layerEnvironment(
  spec: FunctionSpec,
  layers: { root: string; rootEnv: Record<string, string>; sharedEnv: Record<string, string>; envFile?: EnvFileRef },
  problems: ManifestError[],
): Record<string, string> {
  const codeEnv = spec.codeDir === layers.root ? {} : (readEnvFile(join(spec.codeDir, ".env")) ?? {});
  const ownEnv = layers.envFile ? readNamedEnvFile(layers.envFile, problems) : {};
  return { ...spec.environment, ...layers.rootEnv, ...codeEnv, ...layers.sharedEnv, ...ownEnv };
}

/** An env file named in faasbox.yml must exist: a typo would otherwise silently drop secrets. */
export function readNamedEnvFile(ref: EnvFileRef, problems: ManifestError[]): Record<string, string> {
  const variables = readEnvFile(ref.path);
  if (variables === undefined) {
    problems.push(ManifestError.at(ref.at, `env file ${ref.path} does not exist; expected a .env file (KEY=value lines)`));
    return {};
  }
  return variables;
}
