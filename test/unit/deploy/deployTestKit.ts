import { chmodSync, mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { FunctionSpec } from "../../../emulator/project/spec";
import { FUNCTION_DEFAULTS } from "../../../emulator/project/spec";
import type { Timing } from "../../../emulator/deploy/types";

export const DEPLOY_FIXTURES = resolve(__dirname, "..", "..", "fixtures", "deploy");

/** Polls and retries in milliseconds, so the waits and backoffs run for real but quickly. */
export const FAST: Partial<Timing> = { pollMs: 25, retryBaseMs: 5, waitTimeoutMs: 10_000 };

export type TreeEntry = string | { content: string; mode?: number } | { symlink: string };

/** A throwaway folder from relative paths to contents, modes or symlink targets. */
export function writeTree(files: Record<string, TreeEntry>): string {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "faasbox-deploy-")));
  for (const [path, entry] of Object.entries(files)) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    if (typeof entry === "string") writeFileSync(file, entry);
    else if ("symlink" in entry) symlinkSync(entry.symlink, file);
    else {
      writeFileSync(file, entry.content);
      if (entry.mode !== undefined) chmodSync(file, entry.mode);
    }
  }
  return root;
}

/** A function spec as the manifest loader would give it, for tests that need no manifest. */
export function specFor(codeDir: string, overrides: Partial<FunctionSpec> = {}): FunctionSpec {
  return {
    name: "hello",
    dialect: "scf",
    runtime: "Nodejs18.15",
    family: "nodejs",
    codeDir,
    handler: "index.main_handler",
    memoryMb: 128,
    timeoutSec: 3,
    environment: { GREETING: "hello" },
    triggers: [],
    namespace: "default",
    region: "ap-guangzhou",
    maxConcurrency: FUNCTION_DEFAULTS.maxConcurrency,
    queueSize: FUNCTION_DEFAULTS.queueSize,
    keepAliveMs: FUNCTION_DEFAULTS.keepAliveMs,
    minWarm: FUNCTION_DEFAULTS.minWarm,
    source: { file: join(codeDir, "serverless.yml"), line: 1 },
    ...overrides,
  };
}

export interface Captured<T> {
  result: T;
  stdout: string;
  stderr: string;
  /** Both, in order. */
  all: string;
}

/**
 * Runs `fn` with console output captured: the CLI commands print with console.log/error.
 * process.stdout itself is left alone, since node's test runner reports through it.
 */
export async function capture<T>(fn: () => Promise<T>): Promise<Captured<T>> {
  const out: string[] = [];
  const err: string[] = [];
  const all: string[] = [];
  const saved = { log: console.log, error: console.error, warn: console.warn, info: console.info };
  const sink = (into: string[]) => (...args: unknown[]) => {
    const text = `${args.map((a) => (typeof a === "string" ? a : String(a))).join(" ")}\n`;
    into.push(text);
    all.push(text);
  };
  Object.assign(console, { log: sink(out), info: sink(out), error: sink(err), warn: sink(err) });
  try {
    const result = await fn();
    return { result, stdout: out.join(""), stderr: err.join(""), all: all.join("") };
  } finally {
    Object.assign(console, saved);
  }
}

/** Sets environment variables (undefined removes one) for the duration of `fn`. */
export async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(vars)) {
    saved[key] = process.env[key];
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  try {
    return await fn();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** Cloud-related variables of the machine running the tests, which must not leak into them. */
export const CLEAN_CLOUD_ENV: Record<string, undefined> = Object.fromEntries(
  [
    "TENCENTCLOUD_SECRET_ID",
    "TENCENTCLOUD_SECRET_KEY",
    "TENCENTCLOUD_SESSION_TOKEN",
    "TENCENTCLOUD_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "FAASBOX_LAMBDA_ROLE",
    "FAASBOX_SCF_ENDPOINT",
    "FAASBOX_LAMBDA_ENDPOINT",
    "FAASBOX_CODE_BUCKET",
    "FAASBOX_COS_ENDPOINT",
    "FAASBOX_S3_ENDPOINT",
    "http_proxy",
    "HTTP_PROXY",
  ].map((name) => [name, undefined]),
);
