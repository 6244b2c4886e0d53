import type {
  DebugSessionInfo, DebugStartParams, FunctionState, FunctionsListResult, InstanceInfo, InvocationSummary, LogRecord, MetricsResult,
  ParamsOf, PoolSnapshot, RequestName, ResultOf,
} from "../protocol";

export type RequestHandler<K extends RequestName> = (params: ParamsOf<K>) => ResultOf<K> | Promise<ResultOf<K>>;
export type RequestHandlers = { [K in RequestName]: RequestHandler<K> };

/** Requests whose answer depends on the session asking: its subscriptions, its debug sessions. */
export type SessionRequest = "logsSubscribe" | "logsUnsubscribe" | "metricsSubscribe" | "metricsUnsubscribe" | "debugStart";
export type SharedHandlers = Omit<RequestHandlers, SessionRequest>;

/** What the daemon tells every connected client about. */
export type ControlEvent =
  | { kind: "instance"; info: InstanceInfo }
  | { kind: "pool"; function: string }
  | { kind: "reloaded"; functions: string[] }
  /** What the function list shows changed without a reload (e.g. the runtimes' images were chosen). */
  | { kind: "projectChanged" }
  | { kind: "invoked"; summary: InvocationSummary }
  | { kind: "shuttingDown"; reason: string };

/**
 * What a control session needs from the daemon, and nothing more: the session owns its
 * subscriptions and debug sessions, the target answers everything else.
 */
export interface ControlTarget {
  /** One handler per request that does not depend on who asks. */
  readonly handlers: SharedHandlers;
  onEvent(listener: (event: ControlEvent) => void): () => void;
  /** Every log record as it is printed, until the returned function is called. */
  onLog(listener: (record: LogRecord) => void): () => void;
  poolState(name: string): { pool: PoolSnapshot; state: FunctionState } | undefined;
  functionsList(): FunctionsListResult;
  metrics(): MetricsResult;
  startDebug(params: DebugStartParams, owner: string): Promise<DebugSessionInfo>;
  stopDebug(sessionId: string): Promise<boolean>;
  stopDebugOwnedBy(owner: string): Promise<void>;
}
