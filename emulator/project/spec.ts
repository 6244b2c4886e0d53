import type { RuntimeFamily } from "../config/images";

/** Which cloud a function was written for: it decides event shapes, context, env and log lines. */
export type Dialect = "scf" | "aws";

/** Where a value came from, so errors and the editor can point at it. */
export interface SourceLocation {
  file: string;
  /** 1-based. */
  line: number;
}

export interface HttpRoute {
  kind: "http";
  method: string; // upper case, or "ANY"
  path: string; // "/users/{id}" style; "{proxy+}" greedy
  /** Event shape: SCF API gateway, AWS REST (v1.0) or AWS HTTP API (v2.0). */
  payload: "scf" | "aws-v1" | "aws-v2";
  cors?: boolean;
  /** An HTTP API's `$default` route: every path, `/` included, with routeKey "$default" and no path parameters. */
  catchAll?: boolean;
  /** SCF: integrated response (the function returns statusCode/headers/body). */
  integratedResponse?: boolean;
  name?: string;
}

export interface TimerTrigger {
  kind: "timer";
  name: string;
  /** As written: SCF cron (6/7 fields or 5), AWS cron(...) / rate(...). */
  schedule: string;
  enabled: boolean;
  message?: string;
  input?: unknown;
  timezone?: string;
}

export interface TopicTrigger {
  kind: "topic";
  name: string;
  /** The topic or queue the function subscribes to. */
  topic: string;
  batchSize: number;
  /** How the source looks in the manifest: a topic (SNS, CMQ topic) or a queue (SQS, CMQ queue, CKafka). */
  source: "topic" | "queue";
}

export interface StorageTrigger {
  kind: "storage";
  name: string;
  bucket: string;
  events: string[];
  prefix?: string;
  suffix?: string;
}

export type TriggerSpec = HttpRoute | TimerTrigger | TopicTrigger | StorageTrigger;

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
