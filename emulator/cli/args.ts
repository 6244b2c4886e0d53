import { statSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { readEnvVarsFile } from "../project/samEnvVarsFile";
import type { ManifestOptions } from "../project/loadProject";
import { parseParameterOverrides, readParametersFile } from "../project/samOptions";

import { UsageError } from "./usageError";

export { UsageError };

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * The flags `start` and `invoke` share for the manifests: the Serverless Framework's
 * `--stage`/`-s` and `--region`/`-r` (https://www.serverless.com/framework/docs/providers/aws/cli-reference/deploy,
 * Options), and sam local's template flags.
 */
export const MANIFEST_FLAGS = {
  stage: { type: "string", short: "s" },
  region: { type: "string", short: "r" },
  "parameter-overrides": { type: "string", multiple: true },
  "parameters-file": { type: "string" },
  "env-vars": { type: "string" },
  template: { type: "string", short: "t" },
} as const;

/** MANIFEST_FLAGS' values as parseCommandArgs gives them. */
export interface ManifestFlagValues {
  stage?: string;
  region?: string;
  "parameter-overrides"?: string[];
  "parameters-file"?: string;
  "env-vars"?: string;
  template?: string;
}

/** MANIFEST_FLAGS in usage lines. */
export const MANIFEST_USAGE = "[--stage NAME] [--region NAME] [--parameter-overrides 'KEY=VALUE ...']... [--parameters-file FILE] [--env-vars FILE] [--template FILE]";

/** node:util's parseArgs, with its errors turned into usage errors that name the command. */
export function parseCommandArgs<T extends Options>(command: string, argv: string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError(`faasbox ${command}: ${(error as Error).message}. See 'faasbox --help'.`);
  }
}

export function parsePort(command: string, name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`faasbox ${command}: --${name} must be a port number from 0 to 65535, got "${value}"`);
  }
  return port;
}

export function parseExecutor(command: string, value: string | undefined): "docker" | "process" | "auto" {
  if (value === undefined) return "auto";
  if (value === "docker" || value === "process" || value === "auto") return value;
  throw new UsageError(`faasbox ${command}: --executor must be docker, process or auto, got "${value}"`);
}

/**
 * `--stage` and `--region`; `--parameter-overrides` (repeatable) and `--parameters-file`, as
 * SAM template parameter values (given values win over the file's), and `--env-vars FILE`.
 */
export function parseManifestOptions(command: string, values: ManifestFlagValues): ManifestOptions {
  try {
    const file = values["parameters-file"];
    const parameters = { ...(file ? readParametersFile(file) : {}), ...parseParameterOverrides(values["parameter-overrides"] ?? []) };
    const envVarsFile = values["env-vars"];
    return {
      ...nameOption("stage", values.stage),
      ...nameOption("region", values.region),
      sam: { parameters, ...(envVarsFile ? { envVars: readEnvVarsFile(envVarsFile) } : {}), ...templateOption(values.template) },
    };
  } catch (error) {
    throw new UsageError(`faasbox ${command}: ${(error as Error).message}`);
  }
}

/** `--stage NAME` / `--region NAME`: an empty name would silently mean the manifest's own. */
function nameOption(flag: "stage" | "region", value: string | undefined): { stage?: string; region?: string } {
  if (value === undefined) return {};
  if (value.trim() === "") throw new Error(`--${flag} needs a name, such as --${flag} ${flag === "stage" ? "prod" : "eu-west-1"}`);
  return { [flag]: value };
}

/** `--template FILE`, relative to the current folder as sam local takes it; it must be a file. */
function templateOption(template: string | undefined): { template?: string } {
  if (template === undefined) return {};
  const file = resolve(template);
  if (!isFile(file)) throw new Error(`--template ${template}: ${file} is not a file; expected a SAM template such as template.yaml`);
  return { template: file };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Whether any manifest flag was given: a running emulator keeps its own and the user must be told. */
export function hasManifestFlags(values: ManifestFlagValues): boolean {
  return Object.keys(MANIFEST_FLAGS).some((flag) => values[flag as keyof ManifestFlagValues] !== undefined);
}
