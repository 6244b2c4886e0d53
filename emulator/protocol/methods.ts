// Every request and notification between a client (the extension, the CLI) and the
// daemon: JSON-RPC 2.0 over a WebSocket. Each request carries the one validator of its
// params, which the daemon runs on whatever arrives before any handler sees it.
import { NotificationType, RequestType, RequestType0 } from "vscode-jsonrpc/node";
import type { AsyncEventInfo, InvocationSummary, InvokeParams, InvokeResult, LogFilter, LogRecord, LogsQueryParams } from "./invocation";
import type {
  DebugSessionInfo, EmulatorStatus, FunctionState, FunctionsListResult, InstanceInfo, PoolSnapshot, SampleEvent, TriggersListResult,
} from "./model";
import type { CostEstimateParams, FunctionCost, MetricsResult } from "./observability";
import { ErrorCodes, protocolError } from "./errors";
import { Params } from "./params";

/** Bumped when a method or a shape changes incompatibly. */
export const PROTOCOL_VERSION = 1;
/** Path of the WebSocket endpoint on the control port. */
export const CONTROL_PATH = "/faasbox";

/** A request with params: its JSON-RPC type for clients, its validator for the daemon. */
export class Method<P, R> extends RequestType<P, R, void> {
  constructor(method: string, readonly parse: (raw: unknown) => P) {
    super(method);
  }
}

/** A request without params. */
export class Method0<R> extends RequestType0<R, void> {
  parse(): void {}
}

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

export interface DebugStartParams {
  function: string;
  /** A folder on the emulator's machine holding `debugpy/`, for Python images without it. */
  debugpyPath?: string;
}

export interface TimerParams {
  function: string;
  trigger: string;
}

/** One trigger of a function: its index in the function's triggers (0, its first, when left out). */
export interface TriggerParams {
  function: string;
  trigger?: number;
}

/** What `triggers.run` sent through the trigger: a sentence for the user, and the gateway's answer for a route. */
export interface TriggerRunResult {
  /** "fired timer every-minute", "published 1 message to orders", "GET /users/id-1 answered 200". */
  sent: string;
  /** A route's HTTP status and body as the gateway answered. */
  status?: number;
  body?: string;
}

function triggerParams(method: string) {
  return (raw: unknown): TriggerParams => {
    const p = new Params(method, raw, true);
    const trigger = p.optional<number>("trigger", "number");
    if (trigger !== undefined && (!Number.isInteger(trigger) || trigger < 0)) {
      throw protocolError(ErrorCodes.InvalidParams, `${method}: params.trigger must be the index of one of the function's triggers (0 or more)`);
    }
    return { function: p.required("function", "string"), trigger };
  };
}

export interface PublishParams {
  topic: string;
  messages: string[];
  subject?: string;
}

/** One event for an EventBridge bus, as PutEvents takes it (Detail as JSON text). */
export interface EventsPutParams {
  bus: string;
  source: string;
  detailType: string;
  /** A JSON object as text, as PutEvents' Detail. */
  detail: string;
  resources?: string[];
}

/** Kinesis records or DynamoDB item changes put on a stream (DynamoDB images in plain JSON). */
export type StreamsPutParams =
  | { kind: "kinesis"; stream: string; records: Array<{ data: string; partitionKey?: string }> }
  | {
      kind: "dynamodb";
      stream: string;
      records: Array<{ eventName: "INSERT" | "MODIFY" | "REMOVE"; keys: Record<string, unknown>; newImage?: Record<string, unknown>; oldImage?: Record<string, unknown> }>;
    };

function streamsPut(raw: unknown): StreamsPutParams {
  const p = new Params("streams.put", raw, true);
  const kind = p.oneOf("kind", ["kinesis", "dynamodb"] as const);
  const stream = p.required<string>("stream", "string");
  const records = p.raw("records");
  const fail = (expected: string) => protocolError(ErrorCodes.InvalidParams, `streams.put: params.records must be a non-empty array of ${expected}`);
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
  if (!Array.isArray(records) || records.length === 0) throw fail("records");
  if (kind === "kinesis") {
    if (!records.every((r) => isObject(r) && typeof r.data === "string" && (r.partitionKey === undefined || typeof r.partitionKey === "string"))) throw fail("{data: string, partitionKey?: string}");
    return { kind, stream, records: records as Array<{ data: string; partitionKey?: string }> };
  }
  if (kind !== "dynamodb") throw protocolError(ErrorCodes.InvalidParams, "streams.put: params.kind is required (kinesis or dynamodb)");
  const change = (r: unknown) =>
    isObject(r) && ["INSERT", "MODIFY", "REMOVE"].includes(r.eventName as string) && isObject(r.keys) &&
    (r.newImage === undefined || isObject(r.newImage)) && (r.oldImage === undefined || isObject(r.oldImage));
  if (!records.every(change)) throw fail("{eventName: INSERT|MODIFY|REMOVE, keys: object, newImage?: object, oldImage?: object}");
  return { kind, stream, records: records as Extract<StreamsPutParams, { kind: "dynamodb" }>["records"] };
}

const STREAMS = ["stdout", "stderr", "system"] as const;

function logFilter(p: Params): LogFilter {
  return { function: p.optional("function", "string"), requestId: p.optional("requestId", "string"), stream: p.oneOf("stream", STREAMS), text: p.optional("text", "string") };
}

/** `{ function?: string }`, the params of methods that may be narrowed to one function. */
function optionalFunction(method: string) {
  return (raw: unknown) => ({ function: new Params(method, raw).optional<string>("function", "string") });
}

function subscription(method: string) {
  return (raw: unknown): SubscriptionResult => ({ subscriptionId: new Params(method, raw, true).required<string>("subscriptionId", "string") });
}

export const Requests = {
  functionsList: new Method0<FunctionsListResult>("functions.list"),
  projectReload: new Method0<{ reloaded: string[]; problems: string[] }>("project.reload"),
  invoke: new Method<InvokeParams, InvokeResult>("invoke", (raw) => {
    const p = new Params("invoke", raw, true);
    return { function: p.required("function", "string"), event: p.raw("event"), eventText: p.optional("eventText", "string"), requestId: p.token("requestId") };
  }),
  instancesList: new Method<{ function?: string }, { instances: InstanceInfo[] }>("instances.list", optionalFunction("instances.list")),
  instancesStop: new Method<{ id: string }, { stopped: boolean }>("instances.stop", (raw) => ({ id: new Params("instances.stop", raw, true).required("id", "string") })),
  logsSubscribe: new Method<LogFilter, SubscriptionResult>("logs.subscribe", (raw) => logFilter(new Params("logs.subscribe", raw))),
  logsUnsubscribe: new Method<SubscriptionResult, { ok: boolean }>("logs.unsubscribe", subscription("logs.unsubscribe")),
  logsQuery: new Method<LogsQueryParams, { records: LogRecord[] }>("logs.query", (raw) => {
    const p = new Params("logs.query", raw);
    return { ...logFilter(p), since: p.optional("since", "number"), until: p.optional("until", "number"), limit: p.positiveInteger("limit") };
  }),
  metricsGet: new Method<{ function?: string }, MetricsResult>("metrics.get", optionalFunction("metrics.get")),
  metricsSubscribe: new Method<MetricsSubscribeParams, SubscriptionResult>("metrics.subscribe", (raw) => ({
    intervalMs: new Params("metrics.subscribe", raw).optional<number>("intervalMs", "number"),
  })),
  metricsUnsubscribe: new Method<SubscriptionResult, { ok: boolean }>("metrics.unsubscribe", subscription("metrics.unsubscribe")),
  costEstimate: new Method<CostEstimateParams, { functions: FunctionCost[] }>("cost.estimate", (raw) => {
    const p = new Params("cost.estimate", raw);
    return { function: p.optional("function", "string"), provider: p.oneOf("provider", ["scf", "aws"] as const) };
  }),
  triggersList: new Method0<TriggersListResult>("triggers.list"),
  timersSetEnabled: new Method<TimerParams & { enabled: boolean }, { ok: boolean }>("timers.setEnabled", (raw) => {
    const p = new Params("timers.setEnabled", raw, true);
    return { function: p.required("function", "string"), trigger: p.required("trigger", "string"), enabled: p.required("enabled", "boolean") };
  }),
  timersFire: new Method<TimerParams, { ok: boolean }>("timers.fire", (raw) => {
    const p = new Params("timers.fire", raw, true);
    return { function: p.required("function", "string"), trigger: p.required("trigger", "string") };
  }),
  topicsPublish: new Method<PublishParams, { subscribers: number }>("topics.publish", (raw) => {
    const p = new Params("topics.publish", raw, true);
    return { topic: p.required("topic", "string"), messages: p.strings("messages"), subject: p.optional("subject", "string") };
  }),
  eventsPut: new Method<EventsPutParams, { rules: string[] }>("events.put", (raw) => {
    const p = new Params("events.put", raw, true);
    const resources = p.raw("resources");
    return {
      bus: p.required("bus", "string"), source: p.required("source", "string"), detailType: p.required("detailType", "string"), detail: p.required("detail", "string"),
      resources: resources === undefined ? undefined : p.strings("resources"),
    };
  }),
  streamsPut: new Method<StreamsPutParams, { consumers: number }>("streams.put", streamsPut),
  asyncList: new Method<{ function?: string }, { pending: AsyncEventInfo[]; dead: AsyncEventInfo[] }>("async.list", optionalFunction("async.list")),
  asyncReplay: new Method<{ id: string }, { replayed: boolean }>("async.replay", (raw) => ({ id: new Params("async.replay", raw, true).required("id", "string") })),
  debugStart: new Method<DebugStartParams, DebugSessionInfo>("debug.start", (raw) => {
    const p = new Params("debug.start", raw, true);
    return { function: p.required("function", "string"), debugpyPath: p.optional("debugpyPath", "string") };
  }),
  debugStop: new Method<{ sessionId: string }, { stopped: boolean }>("debug.stop", (raw) => ({
    sessionId: new Params("debug.stop", raw, true).required("sessionId", "string"),
  })),
  debugList: new Method0<{ sessions: DebugSessionInfo[] }>("debug.list"),
  eventsSamples: new Method<{ function?: string }, { samples: SampleEvent[] }>("events.samples", optionalFunction("events.samples")),
  /** The event a function's trigger sends it, in its cloud's shape, with sample values (path parameters, a message). */
  eventsSample: new Method<TriggerParams, SampleEvent>("events.sample", triggerParams("events.sample")),
  /** Sends a sample through the trigger itself: fires the timer, publishes to the topic, drops an object in the bucket, requests the route. */
  triggersRun: new Method<TriggerParams, TriggerRunResult>("triggers.run", triggerParams("triggers.run")),
  emulatorStatus: new Method0<EmulatorStatus>("emulator.status"),
  emulatorShutdown: new Method0<{ ok: boolean }>("emulator.shutdown"),
} as const;

export type RequestName = keyof typeof Requests;
/** The params a request's handler receives, after validation. */
export type ParamsOf<K extends RequestName> = (typeof Requests)[K] extends Method<infer P, unknown> ? P : void;
export type ResultOf<K extends RequestName> = (typeof Requests)[K] extends Method<unknown, infer R> ? R : (typeof Requests)[K] extends Method0<infer R> ? R : never;

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
