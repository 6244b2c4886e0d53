import { parseArgs, type ParseArgsConfig } from "node:util";

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig["options"]>;

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
