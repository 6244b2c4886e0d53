// Wire shapes of metrics and cost estimates. A leaf.

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
  /** Invocations a debug session ran: counted here only, kept out of every figure above (and of cost). */
  debugInvocations: number;
}

export type MetricsWindow = "1m" | "5m" | "1h";

/** One invocation as the metrics counted it. */
export interface MetricsSample {
  /** Milliseconds since the epoch, when it finished. */
  time: number;
  durationMs: number;
  ok: boolean;
  throttled: boolean;
  cold: boolean;
}

export interface FunctionMetrics {
  function: string;
  concurrencyNow: number;
  windows: Record<MetricsWindow, WindowMetrics>;
  /**
   * The newest invocations of the "5m" window (at most RECENT_SAMPLES, oldest first): the
   * very ones its counts are made of, so a chart of them agrees with the numbers.
   */
  recent: MetricsSample[];
}

/** How many of the "5m" window's invocations FunctionMetrics.recent carries. */
export const RECENT_SAMPLES = 50;

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
