import { parseArgs, type ParseArgsConfig } from "node:util";
import { parseParameterOverrides, readParametersFile, type SamOptions } from "../project/samOptions";

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** node:util's parseArgs, with its errors turned into usage errors that name the command. */
/** The flags `start` and `invoke` share for SAM templates. */
export const SAM_FLAGS = {
  "parameter-overrides": { type: "string", multiple: true },
  "parameters-file": { type: "string" },
} as const;

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

/** `--parameter-overrides` (repeatable) and `--parameters-file`, as SAM template parameter values; given values win over the file's. */
export function parseSamOptions(command: string, overrides: string[] | undefined, file: string | undefined): SamOptions {
  try {
    const parameters = { ...(file ? readParametersFile(file) : {}), ...parseParameterOverrides(overrides ?? []) };
    return { parameters };
  } catch (error) {
    throw new UsageError(`faasbox ${command}: ${(error as Error).message}`);
  }
}
