import { DEFAULT_STANDBY_BUDGET_MB, DEFAULT_STANDBY_WINDOW_MS, StandbyPolicy, type StandbyPolicyOptions } from "./standbyPolicy";

/** What Standbys needs of a function's pool (FunctionPool implements it). */
export interface StandbyHolder {
  readonly name: string;
  readonly memoryMb: number;
  /** Keep (make, in the background) or drop this function's standby instance. */
  setStandbyWanted(wanted: boolean): void;
}

export interface StandbyOptions extends Partial<StandbyPolicyOptions> {
  /** False: no function keeps a standby (FAASBOX_STANDBY=0, `faasbox.standby: false`). */
  enabled?: boolean;
}

/**
 * Standby instances are on unless FAASBOX_STANDBY=0 (or `enabled: false`);
 * FAASBOX_STANDBY_BUDGET_MB sets the memory budget (default 1024).
 */
export function standbyOptions(options: StandbyOptions = {}, env: NodeJS.ProcessEnv = process.env): Required<StandbyOptions> {
  const budget = Number(env.FAASBOX_STANDBY_BUDGET_MB);
  return {
    enabled: options.enabled ?? env.FAASBOX_STANDBY !== "0",
    windowMs: options.windowMs ?? DEFAULT_STANDBY_WINDOW_MS,
    budgetMb: options.budgetMb ?? (env.FAASBOX_STANDBY_BUDGET_MB && Number.isFinite(budget) && budget >= 0 ? budget : DEFAULT_STANDBY_BUDGET_MB),
  };
}

/** Tells each pool whether it keeps a standby, as the policy decides, now and as functions leave the window. */
export class Standbys {
  private readonly policy: StandbyPolicy;
  private timer?: NodeJS.Timeout;
  private closed = false;
  /** The functions the last apply() entitled. */
  private entitledNow = new Set<string>();
  /** The function invoked last. */
  private lastUsed?: string;

  constructor(private readonly options: Required<StandbyOptions>, private readonly holders: () => Iterable<StandbyHolder>) {
    this.policy = new StandbyPolicy(options);
  }

  /** A function was invoked (not through a debug session). */
  used(holder: StandbyHolder): void {
    if (!this.options.enabled || this.closed) return;
    this.policy.used(holder.name, holder.memoryMb, Date.now());
    // The most recent use again, of a function that keeps one: the order is the same, so is the
    // choice; the use moves its window on, which the expiry timer reads when it fires. Deciding
    // again on every invocation showed in the warm path's profile (issue 21).
    const same = this.lastUsed === holder.name && this.entitledNow.has(holder.name);
    this.lastUsed = holder.name;
    if (!same) this.apply();
  }

  /** A function's configuration changed (its memory may have): the budget is counted again. */
  changed(holder: StandbyHolder): void {
    this.policy.resized(holder.name, holder.memoryMb);
    this.apply();
  }

  /** A function left the project. */
  forget(name: string): void {
    this.policy.forget(name);
  }

  /** Each pool as the policy says now; again when the next function leaves the window. */
  apply(): void {
    if (!this.options.enabled || this.closed) return;
    const now = Date.now();
    const entitled = this.policy.entitled(now);
    this.entitledNow = entitled;
    for (const holder of this.holders()) holder.setStandbyWanted(entitled.has(holder.name));
    clearTimeout(this.timer);
    const next = this.policy.nextExpiry(now);
    if (next !== undefined) {
      this.timer = setTimeout(() => this.apply(), next - now + 1);
      this.timer.unref();
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }
}
