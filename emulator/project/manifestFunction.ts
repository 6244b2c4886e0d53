import type { FieldRef, ManifestError, ManifestWarning } from "./errors";
import type { EnvVarsOverrides } from "./samEnvVarsOverrides";
import { lookupRuntime, unknownRuntimeProblem, type RuntimeInfo } from "./runtimes";
import { FUNCTION_DEFAULTS, type Dialect, type FunctionSpec, type UnservedRoute } from "./spec";
import type { YamlField } from "./yamlSource";

/** FunctionSpec fields that a later step checks or overrides, and so must be able to point at. */
export type TrackedField =
  | "name"
  | "codeDir"
  | "handler"
  | "runtime"
  | "memoryMb"
  | "timeoutSec"
  | "maxConcurrency"
  | "queueSize"
  | "keepAliveMs"
  | "minWarm"
  | "image";

/** Where each checked value was written; `definition` is the fallback for the rest. */
export type FunctionFieldRefs = { definition: FieldRef } & Partial<Record<TrackedField, FieldRef>>;

/** A function as one manifest describes it, before project-wide settings, .env files and checks. */
export interface ManifestFunction {
  spec: FunctionSpec;
  at: FunctionFieldRefs;
  /** A longer limit than the usual 900 s, where the manifest allows it (SCF async execution). */
  maxTimeoutSec?: number;
}

export interface ManifestResult {
  functions: ManifestFunction[];
  problems: ManifestError[];
  /** Functions that failed to read, so faasbox.yml settings for them are not called orphans too. */
  failedNames: string[];
  /** Routes of API definitions that no function answers (a mock, an HTTP proxy...). */
  unservedRoutes?: UnservedRoute[];
}

/** What the readers need from outside the manifest. */
export interface ReadContext {
  /** The host environment (AWS_REGION, `${env:X}` in serverless.yml). */
  env: Readonly<Record<string, string | undefined>>;
  /** Command-line options a manifest may refer to: serverless.yml's `${opt:stage}` and `${opt:region}`. */
  cliOptions?: Readonly<Record<string, string | undefined>>;
  /**
   * Tells the user, at FILE:LINE, of something read leniently or not emulated (see
   * ManifestWarning): the function still loads. Never a reason to leave anything out.
   */
  warn(warning: ManifestWarning): void;
  /** The project's `.faasbox/` folder, where code written from a manifest (inline source) is cached. */
  cacheDir: string;
  /** `--env-vars` values for SAM functions' declared variables, when the user gave a file. */
  samEnvVars?: EnvVarsOverrides;
}

export function emptyResult(): ManifestResult {
  return { functions: [], problems: [], failedNames: [] };
}

/** The local-only fields every reader starts from; faasbox.yml may change them later. */
export function localDefaults(): Pick<FunctionSpec, "maxConcurrency" | "queueSize" | "keepAliveMs" | "minWarm"> {
  return {
    maxConcurrency: FUNCTION_DEFAULTS.maxConcurrency,
    queueSize: FUNCTION_DEFAULTS.queueSize,
    keepAliveMs: FUNCTION_DEFAULTS.keepAliveMs,
    minWarm: FUNCTION_DEFAULTS.minWarm,
  };
}

export function readRuntime(field: YamlField, dialect?: Dialect): RuntimeInfo & { name: string } {
  const name = field.requireString("a runtime name");
  const info = lookupRuntime(name, dialect);
  if (!info) throw field.fail(unknownRuntimeProblem(name, dialect));
  return { name, ...info };
}

/** Environment variables: Lambda and SCF only have strings, so scalars are converted and `KEY:` is empty. */
export function readVariables(field: YamlField): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const [key, value] of field.entries("a map of variable names to values")) {
    variables[key] = value.text("a string, number or boolean") ?? "";
  }
  return variables;
}

const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "ANY"];

export function readMethod(field: YamlField): string {
  const method = field.string(`an HTTP method: one of ${METHODS.join(", ")}`)?.toUpperCase() ?? "ANY";
  if (!METHODS.includes(method)) throw field.wrongType(`an HTTP method: one of ${METHODS.join(", ")}`);
  return method;
}

/** Gateways match paths with a leading slash; `hello` and `/hello` mean the same route. */
export function readPath(field: YamlField): string {
  const path = field.requireString("a URL path such as /hello");
  return path.startsWith("/") ? path : `/${path}`;
}

/** The unit is part of what is expected, so a wrong value's message says MB or seconds. */
export function readMemory(field: YamlField): number | undefined {
  return field.number("a number (MB)");
}

export function readTimeout(field: YamlField): number | undefined {
  return field.number("a number (seconds)");
}

/** The one key and its value of a list item like `- timer: {...}`. */
export function singleKeyEntry(item: YamlField, example: string): [string, YamlField] {
  const entries = item.entries(`a map with one key, such as ${example}`);
  if (entries.length !== 1) throw item.wrongType(`a map with one key, such as ${example}`);
  return entries[0];
}

/**
 * SAM and TCSAM `Globals.Function`: a property of the function wins, else the global one.
 * When neither is set the function's own (absent) field is returned, so a "missing" error
 * points at the function rather than at Globals.
 */
export function propertyWithGlobals(properties: YamlField, globals: YamlField, key: string): YamlField {
  const own = properties.child(key);
  const global = globals.child(key);
  return own.isSet || !global.isSet ? own : global;
}

/** COS triggers name the bucket by its domain (`b-125.cos.ap-guangzhou.myqcloud.com`); the bucket is the first label. */
export function cosBucketName(bucket: string): string {
  const at = bucket.indexOf(".cos.");
  return at > 0 ? bucket.slice(0, at) : bucket;
}

/** Drops undefined properties, so a spec only has the optional fields a manifest gave. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
