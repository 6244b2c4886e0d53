import type { RuntimeFamily } from "../config/runtimeFamily";

import type { Dialect, SourceLocation, TriggerSpec } from "../protocol";

// The trigger and location shapes are the protocol's: the editor shows them as they are.
export type { Dialect, EventRuleTrigger, HttpRoute, SourceLocation, StorageTrigger, StreamTrigger, TimerTrigger, TopicTrigger, TriggerSpec } from "../protocol";

/** The one internal description of a function, whatever manifest it came from. */
export interface FunctionSpec {
  name: string;
  dialect: Dialect;
  /** The runtime name as the manifest wrote it, e.g. "Nodejs18.15" or "python3.12". */
  runtime: string;
  family: RuntimeFamily;
  /** Absolute path of the code folder on the host. */
  codeDir: string;
  /** "file.export" (Node), "module.function" (Python), or the bootstrap's argument (custom). */
  handler: string;
  memoryMb: number;
  timeoutSec: number;
  /** Manifest variables, then .env files, merged (later wins). */
  environment: Record<string, string>;
  triggers: TriggerSpec[];
  /** SCF namespace ("default") or AWS region, for context fields and ARNs. */
  namespace: string;
  region: string;
  /** Local-only settings (faasbox.yml or defaults). */
  maxConcurrency: number;
  /** Invocations that may wait for an instance before new ones are throttled. */
  queueSize: number;
  keepAliveMs: number;
  minWarm: number;
  /**
   * Left out of the deployed zip, in gitignore syntax relative to the code folder
   * (serverless.yml `src.exclude`). The function still runs locally with them.
   */
  packageExclude?: string[];
  /** Explicit image for this function, overriding the runtime family's. */
  image?: string;
  source: SourceLocation;
}

export interface ProjectSpec {
  root: string;
  functions: FunctionSpec[];
  /** Manifest files read, for watching. */
  manifests: string[];
  /** Images per runtime family from faasbox.yml. */
  images: Partial<Record<RuntimeFamily, string>>;
}

export const FUNCTION_DEFAULTS = {
  memoryMb: 128,
  timeoutSec: 3,
  maxConcurrency: 10,
  queueSize: 100,
  keepAliveMs: 5 * 60_000,
  minWarm: 0,
} as const;
