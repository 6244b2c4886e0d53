import type { FunctionCost, PriceTable, Provider } from "../../protocol";
import type { InvocationSample } from "./metricsCollector";

/**
 * Shipped prices, dated: pay-as-you-go list prices for x86 functions, without free
 * tiers or SCF's monthly base package. Override them in ~/.config/faasbox/config.json
 * under "pricing": { "aws": {...}, "scf": {...} }.
 */
export const DEFAULT_PRICES: Readonly<Record<Provider, PriceTable>> = {
  aws: {
    provider: "aws",
    currency: "USD",
    perGbSecond: 0.0000166667,
    perMillionRequests: 0.2,
    asOf: "2025-01",
    source: "AWS Lambda pricing, us-east-1, x86",
  },
  scf: {
    provider: "scf",
    currency: "CNY",
    perGbSecond: 0.00011108,
    perMillionRequests: 1.33,
    asOf: "2025-01",
    source: "Tencent Cloud SCF pricing, Chinese mainland regions",
  },
};

const MONTH_MS = 30 * 24 * 3_600_000;

/**
 * The seed's cost model, f = P × C: the time a function holds its memory (billed
 * duration × memory size, in GB-seconds) times the price of holding it, plus the
 * per-request price. Throttled invocations are neither billed nor counted.
 */
export function estimateCost(
  functionName: string,
  samples: readonly InvocationSample[],
  prices: PriceTable,
  now: number,
  observedSince: number,
): FunctionCost {
  const billed = samples.filter((s) => !s.throttled);
  const billedMs = billed.reduce((sum, s) => sum + s.billedMs, 0);
  const gbSeconds = billed.reduce((sum, s) => sum + (s.billedMs / 1000) * (s.memoryMb / 1024), 0);
  const total = gbSeconds * prices.perGbSecond + (billed.length / 1_000_000) * prices.perMillionRequests;
  const perInvocation = billed.length ? total / billed.length : 0;
  const observedMs = Math.max(1000, now - Math.max(observedSince, now - 3_600_000));
  const monthlyInvocations = Math.round((billed.filter((s) => s.time >= now - observedMs).length / observedMs) * MONTH_MS);
  return {
    function: functionName,
    provider: prices.provider,
    currency: prices.currency,
    invocations: billed.length,
    billedMs,
    gbSeconds,
    perInvocation,
    monthly: { invocations: monthlyInvocations, cost: monthlyInvocations * perInvocation },
    prices,
  };
}
