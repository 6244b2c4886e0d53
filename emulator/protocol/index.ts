// The one definition of every message between a client (the extension, the CLI) and
// the emulator: JSON-RPC 2.0 over a WebSocket. Both sides import these types and
// method objects; nothing here is declared anywhere else.
import { NotificationType, RequestType, RequestType0 } from "vscode-jsonrpc/node";
import type { FailureKind, FunctionError } from "../core/invoke/functionError";
import type { InvokeResult } from "../core/invoke/invokeResult";
import type { LogRecord, LogStream } from "../core/logs/logRecord";
import type { InstanceInfo, PoolSnapshot } from "../core/pool/functionPool";
import type { Dialect, SourceLocation, TriggerSpec } from "../project/spec";
import type { DebugSessionInfo } from "../core/debug/debugSessions";

export type { FailureKind, FunctionError, InvokeResult, LogRecord, LogStream, InstanceInfo, PoolSnapshot, TriggerSpec };

/** Bumped when a method or a shape changes incompatibly. */
export const PROTOCOL_VERSION = 1;
/** Path of the WebSocket endpoint on the control port. */
export const CONTROL_PATH = "/faasbox";

export type FunctionState = "stopped" | "starting" | "warm" | "busy" | "throttled" | "error";

export interface FunctionInfo {
  name: string;
  runtime: string;
  dialect: Dialect;
  handler: string;
  codeDir: string;
  memoryMb: number;
  timeoutSec: number;
  maxConcurrency: number;
  triggers: TriggerSpec[];
  state: FunctionState;
  pool: PoolSnapshot;
  source: SourceLocation;
  /** False when instances run as local processes. */
  isolated: boolean;
}

export interface FunctionsListResult {
  functions: FunctionInfo[];
  /** Manifest problems, each naming file, line and field. */
  problems: string[];
}

export interface InvokeParams {
  function: string;
  event?: unknown;
}

export interface InstancesListParams {
  function?: string;
}

export interface LogFilter {
  function?: string;
  requestId?: string;
  stream?: LogStream;
  /** Case-insensitive substring. */
  text?: string;
}

export interface LogsQueryParams extends LogFilter {
  /** Milliseconds since the epoch. */
  since?: number;
  until?: number;
  /** The newest `limit` matches (default 1000). */
  limit?: number;
}

export interface LatencyStats {
  p50: number;
  p95: number;
  p99: number;
}

export interface WindowMetrics {
  invocations: number;
  errors: number;
  throttles: number;
  coldStarts: number;
  duration: LatencyStats | null;
  concurrencyPeak: number;
}

export type MetricsWindow = "1m" | "5m" | "1h";

export interface FunctionMetrics {
  function: string;
  concurrencyNow: number;
  windows: Record<MetricsWindow, WindowMetrics>;
}

export interface MetricsResult {
  functions: FunctionMetrics[];
}

export type Provider = "scf" | "aws";

export interface PriceTable {
  provider: Provider;
  currency: string;
  /** Price of one GB-second of memory held. */
  perGbSecond: number;
  perMillionRequests: number;
  /** When these prices were read from the provider's price page. */
  asOf: string;
  source: string;
}

export interface CostEstimateParams {
  function?: string;
  /** Default: the function's own cloud. */
  provider?: Provider;
}

export interface FunctionCost {
  function: string;
  provider: Provider;
  currency: string;
  invocations: number;
  billedMs: number;
  gbSeconds: number;
  /** Average over the observed invocations. */
  perInvocation: number;
  /** At the rate observed over the last hour (or since start), for 30 days. */
  monthly: { invocations: number; cost: number };
  prices: PriceTable;
}

export interface EmulatorStatus {
  pid: number;
  version: string;
  protocolVersion: number;
  root: string;
  executor: "docker" | "process";
  isolated: boolean;
  startedAt: number;
  functions: number;
  controlUrl: string;
  httpUrl?: string;
  invokeUrl?: string;
}

/** A finished invocation, from any source (editor, CLI, HTTP, timers), for the editor's history. */
export interface InvocationSummary {
  requestId: string;
  function: string;
  ok: boolean;
  errorKind?: FailureKind;
  errorMessage?: string;
  durationMs: number;
  billedMs: number;
  cold: boolean;
  /** Milliseconds since the epoch, when it finished. */
  time: number;
}

export interface SampleEvent {
  type: string;
  dialect: Dialect;
  description: string;
  event: unknown;
}

export interface RouteInfo {
  function: string;
  method: string;
  path: string;
  url: string;
  payload: "scf" | "aws-v1" | "aws-v2";
}

export interface TimerInfo {
  function: string;
  name: string;
  /** As written in the manifest. */
  schedule: string;
  enabled: boolean;
  /** Milliseconds since the epoch; absent when disabled. */
  nextFire?: number;
  lastFire?: number;
  timezone?: string;
}

export interface TriggersListResult {
  routes: RouteInfo[];
  timers: TimerInfo[];
  topics: string[];
  buckets: { bucket: string; folder: string }[];
  /** Triggers that could not be set up (a bad schedule), each saying why. */
  problems: string[];
}

export interface AsyncEventInfo {
  id: string;
  function: string;
  source: string;
  payload: string;
  enqueuedAt: number;
  attempts: number;
  lastError?: FunctionError;
  deadAt?: number;
}

export type { DebugSessionInfo } from "../core/debug/debugSessions";

export interface SubscriptionResult {
  subscriptionId: string;
}

export interface LogRecordNotification {
  subscriptionId: string;
  record: LogRecord;
}

export interface LogsDroppedNotification {
  subscriptionId: string;
  /** Records not sent to this subscriber because it read too slowly. */
  count: number;
}

export interface MetricsSubscribeParams {
  /** How often to send metrics (default 2000 ms, at least 250). */
  intervalMs?: number;
}

export const Requests = {
  functionsList: new RequestType0<FunctionsListResult, void>("functions.list"),
  projectReload: new RequestType0<{ reloaded: string[]; problems: string[] }, void>("project.reload"),
  invoke: new RequestType<InvokeParams, InvokeResult, void>("invoke"),
  instancesList: new RequestType<InstancesListParams, { instances: InstanceInfo[] }, void>("instances.list"),
  instancesStop: new RequestType<{ id: string }, { stopped: boolean }, void>("instances.stop"),
  logsSubscribe: new RequestType<LogFilter, SubscriptionResult, void>("logs.subscribe"),
  logsUnsubscribe: new RequestType<SubscriptionResult, { ok: boolean }, void>("logs.unsubscribe"),
  logsQuery: new RequestType<LogsQueryParams, { records: LogRecord[] }, void>("logs.query"),
  metricsGet: new RequestType<{ function?: string }, MetricsResult, void>("metrics.get"),
  metricsSubscribe: new RequestType<MetricsSubscribeParams, SubscriptionResult, void>("metrics.subscribe"),
  metricsUnsubscribe: new RequestType<SubscriptionResult, { ok: boolean }, void>("metrics.unsubscribe"),
  costEstimate: new RequestType<CostEstimateParams, { functions: FunctionCost[] }, void>("cost.estimate"),
  triggersList: new RequestType0<TriggersListResult, void>("triggers.list"),
  timersSetEnabled: new RequestType<{ function: string; trigger: string; enabled: boolean }, { ok: boolean }, void>("timers.setEnabled"),
  timersFire: new RequestType<{ function: string; trigger: string }, { ok: boolean }, void>("timers.fire"),
  topicsPublish: new RequestType<{ topic: string; messages: string[]; subject?: string }, { subscribers: number }, void>("topics.publish"),
  asyncList: new RequestType<{ function?: string }, { pending: AsyncEventInfo[]; dead: AsyncEventInfo[] }, void>("async.list"),
  asyncReplay: new RequestType<{ id: string }, { replayed: boolean }, void>("async.replay"),
  /** `debugpyPath`: a folder on the emulator's machine holding `debugpy/`, for Python images without it. */
  debugStart: new RequestType<{ function: string; debugpyPath?: string }, DebugSessionInfo, void>("debug.start"),
  debugStop: new RequestType<{ sessionId: string }, { stopped: boolean }, void>("debug.stop"),
  debugList: new RequestType0<{ sessions: DebugSessionInfo[] }, void>("debug.list"),
  eventsSamples: new RequestType<{ function?: string }, { samples: SampleEvent[] }, void>("events.samples"),
  emulatorStatus: new RequestType0<EmulatorStatus, void>("emulator.status"),
  emulatorShutdown: new RequestType0<{ ok: boolean }, void>("emulator.shutdown"),
} as const;

export const Notifications = {
  logRecord: new NotificationType<LogRecordNotification>("logs.record"),
  logsDropped: new NotificationType<LogsDroppedNotification>("logs.dropped"),
  metricsUpdate: new NotificationType<{ subscriptionId: string } & MetricsResult>("metrics.update"),
  instanceChanged: new NotificationType<InstanceInfo>("instance.changed"),
  poolChanged: new NotificationType<{ function: string; pool: PoolSnapshot; state: FunctionState }>("pool.changed"),
  invocationFinished: new NotificationType<InvocationSummary>("invocation.finished"),
  functionsReloaded: new NotificationType<{ functions: string[] }>("functions.reloaded"),
  projectChanged: new NotificationType<FunctionsListResult>("project.changed"),
  shuttingDown: new NotificationType<{ reason: string }>("emulator.shuttingDown"),
} as const;

/** JSON-RPC error codes: the standard ones, and the emulator's own from -32000 down. */
export const ErrorCodes = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  UnknownFunction: -32001,
  ShuttingDown: -32002,
  DebugFailed: -32003,
} as const;
