import { EventEmitter } from "node:events";
import type { Executor, ImageRequest } from "../executors/executor";
import { platformErrors, type Failure } from "../invoke/functionError";
import type { LogBus } from "../logs/logBus";
import type { FunctionSpec } from "../../project/spec";
import { INIT_LIMIT_MS, Instance } from "../runtime/instance";
import { WebInstance } from "../runtime/webInstance";
import type { InstanceInfo, InstanceState, PoolSnapshot } from "../../protocol";
import type { Invocation, InvocationOutcome } from "../runtime/invocation";
import type { WebInstanceEvents as WebInstanceEventsLike } from "../runtime/webInstance";
import type { StandbyHolder } from "./standbys";

const MAX_WARM_BACKOFF_MS = 60_000;
/**
 * A standby is made this long after the pool last changed, when no instance is starting: the
 * answer to the call that took the old one goes out first, and a burst of cold starts is not
 * slowed by one more container.
 */
const STANDBY_REFILL_DELAY_MS = 100;
const SHUTTING_DOWN: Failure = { kind: "platform", error: { errorType: "Faasbox.ShuttingDown", errorMessage: "the emulator is shutting down" } };

export interface PoolDeps {
  executor: Executor;
  /** The images its instances may run on (runtime/imageRequest.ts). */
  image: ImageRequest;
  logBus: LogBus;
  labels: Record<string, string>;
  /** The user's cloud credentials for the function's dialect (see credentials/functionCredentials.ts). */
  credentials?: Record<string, string>;
}

/** An event function's instance, or a web function's (runtime/webInstance.ts): the pool treats them alike. */
type PoolInstance = Instance | WebInstance;

export interface PoolEvents {
  instance: [InstanceInfo];
  changed: [PoolSnapshot];
}

/**
 * The instances of one function. An instance serves one invocation at a time; more
 * concurrent invocations start more instances up to maxConcurrency, then wait in a
 * bounded queue, then are throttled. Idle instances stop after the keep-alive.
 *
 * While Standbys (standbys.ts) wants it, the pool also keeps one standby instance: started and
 * initialised up to its runtime's first request for an event, never given one, and not reaped
 * for idleness. A call that finds no idle warm instance takes it (it starts at once) and a new
 * one is made in the background. It counts against no limit until taken; a call past
 * maxConcurrency does not take it.
 *
 * Its first call is warm (no initMs, no Init Duration in its REPORT): Lambda initialises a
 * provisioned-concurrency environment, and sometimes an on-demand one, before any call reaches
 * it, "a time gap between the initialization and invocation phases"
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html), and SCF's
 * 预置并发 instances are started ahead "降低冷启动、运行环境初始化及业务代码初始化引起的耗时"
 * (https://cloud.tencent.com/document/product/583/46743). Neither page shows the REPORT line of
 * such a call: Init Duration is reported for the call that waited for the init, and this one did
 * not. The standby's init output is published when it happens and given to its first call's
 * logs before START, as a cold start's is (runtime/instance.ts).
 */
export class FunctionPool extends EventEmitter<PoolEvents> implements StandbyHolder {
  private readonly instances = new Set<PoolInstance>();
  private readonly waiting: Invocation[] = [];
  /** When each waiting invocation gives up: the init limit plus the timeout, counted from when it was accepted. */
  private readonly waitDeadlines = new Map<Invocation, NodeJS.Timeout>();
  private readonly keepAliveTimers = new Map<PoolInstance, NodeJS.Timeout>();
  /** Instances running code older than the last change: stopped as soon as they are idle. */
  private readonly retired = new WeakSet<PoolInstance>();
  private closed = false;
  private warmBackoffMs = 0;
  private warmTimer?: NodeJS.Timeout;
  /** The standby instance, from its creation until a call takes it or it stops. */
  private standby?: PoolInstance;
  private standbyWanted = false;
  /** A standby stopped without being taken (it failed, or was stopped): none is made again until the next call. */
  private standbyHeld = false;
  private standbyTimer?: NodeJS.Timeout;

  constructor(public spec: FunctionSpec, private deps: PoolDeps) {
    super();
    this.ensureMinWarm();
  }

  get name(): string {
    return this.spec.name;
  }

  get memoryMb(): number {
    return this.spec.memoryMb;
  }

  invoke(invocation: Invocation): Promise<InvocationOutcome> {
    if (this.closed) {
      this.reject(invocation, SHUTTING_DOWN);
    } else {
      this.standbyHeld = false;
      const idle = this.findIdle();
      const standby = idle ? undefined : this.takeStandby();
      if (idle) this.assign(idle, invocation);
      else if (standby) this.assign(standby, invocation);
      else if (this.activeCount() < this.spec.maxConcurrency) this.startInstance(invocation);
      else if (this.waiting.length < this.spec.queueSize) this.wait(invocation);
      else this.reject(invocation, platformErrors.throttled(this.spec.dialect, this.spec.name, this.spec.maxConcurrency));
      this.emitChanged();
    }
    return invocation.done;
  }

  /** New code or configuration: the next invocations run on fresh instances. */
  retire(spec?: FunctionSpec, deps?: PoolDeps): void {
    if (spec) this.spec = spec;
    if (deps) this.deps = deps;
    // The standby runs the old code too: replaced by one of the new.
    this.standby = undefined;
    for (const instance of this.instances) {
      this.retired.add(instance);
      if (!instance.hasWork) void this.stopInstance(instance);
    }
    this.ensureMinWarm();
    this.refillStandby();
  }

  /** Keep a standby (made in the background once the pool is calm) or drop it. Web functions keep none. */
  setStandbyWanted(wanted: boolean): void {
    this.standbyWanted = wanted && !this.spec.web;
    if (this.standbyWanted) return this.refillStandby();
    clearTimeout(this.standbyTimer);
    const standby = this.standby;
    this.standby = undefined;
    if (standby) void this.stopInstance(standby);
  }

  snapshot(): PoolSnapshot {
    const counts: PoolSnapshot = { starting: 0, idle: 0, busy: 0, stopping: 0, queued: this.waiting.length };
    // Said only while there is one, so a pool without reads as before.
    if (this.standby) counts.standby = 1;
    for (const instance of this.instances) {
      if (instance === this.standby) continue;
      if (instance.state === "starting" || instance.state === "idle" || instance.state === "busy" || instance.state === "stopping") counts[instance.state]++;
    }
    return counts;
  }

  listInstances(): InstanceInfo[] {
    return [...this.instances].map((instance) => describe(instance, instance === this.standby));
  }

  async stopInstanceById(id: string): Promise<boolean> {
    const instance = [...this.instances].find((i) => i.id === id);
    if (!instance) return false;
    await this.stopInstance(instance);
    return true;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.warmTimer);
    clearTimeout(this.standbyTimer);
    for (let invocation = this.takeWaiting(); invocation; invocation = this.takeWaiting()) {
      this.reject(invocation, SHUTTING_DOWN);
    }
    await Promise.all([...this.instances].map((instance) => this.stopInstance(instance)));
  }

  /** Instances that count against maxConcurrency: all that live, but the standby. */
  private activeCount(): number {
    let count = 0;
    for (const instance of this.instances) if (instance !== this.standby && instance.state !== "stopping" && instance.state !== "stopped") count++;
    return count;
  }

  private findIdle(): PoolInstance | undefined {
    for (const instance of this.instances) if (instance !== this.standby && instance.isAvailable && !this.retired.has(instance)) return instance;
    return undefined;
  }

  /**
   * The standby for a call that found no idle instance, while the call may start one: ready
   * (its call is warm), or still starting (its call waits for the rest of its init, and is cold).
   */
  private takeStandby(): PoolInstance | undefined {
    const standby = this.standby;
    if (!standby || this.activeCount() >= this.spec.maxConcurrency) return undefined;
    if (standby.state !== "idle" && standby.state !== "starting") return undefined;
    if (standby.state === "idle" && !standby.isAvailable) return undefined;
    this.standby = undefined;
    this.refillStandby();
    return standby;
  }

  /** Makes a standby soon, if the pool should have one and has none. */
  private refillStandby(): void {
    if (!this.standbyWanted || this.standby || this.standbyHeld || this.closed) return;
    clearTimeout(this.standbyTimer);
    this.standbyTimer = setTimeout(() => {
      if (!this.standbyWanted || this.standby || this.standbyHeld || this.closed) return;
      // Not while instances start or calls wait: the next instance to become idle asks again.
      for (const instance of this.instances) if (instance.state === "starting") return;
      if (this.waiting.length) return;
      const standby = this.createInstance();
      this.standby = standby;
      this.launch(standby);
      this.emitChanged();
    }, STANDBY_REFILL_DELAY_MS);
    this.standbyTimer.unref();
  }

  private assign(instance: PoolInstance, invocation: Invocation): void {
    clearTimeout(this.keepAliveTimers.get(instance));
    this.keepAliveTimers.delete(instance);
    instance.assign(invocation);
  }

  private startInstance(first?: Invocation): void {
    const instance = this.createInstance();
    if (first) instance.assign(first);
    this.launch(instance);
  }

  private createInstance(): PoolInstance {
    const instance = this.spec.web
      ? new WebInstance(this.spec, this.deps.executor, this.deps.image, this.deps.logBus, this.deps.labels, undefined, this.deps.credentials)
      : new Instance(this.spec, this.deps.executor, this.deps.image, this.deps.logBus, this.deps.labels, undefined, this.deps.credentials);
    this.instances.add(instance);
    const events = instance as EventEmitter<Pick<WebInstanceEventsLike, "state" | "undelivered" | "capacity">>;
    events.on("state", (state) => this.onInstanceState(instance, state));
    // A web instance with per-instance concurrency has room again while still busy: the next waiting request goes there.
    events.on("capacity", () => {
      const next = instance.isAvailable && !this.retired.has(instance) ? this.takeWaiting() : undefined;
      if (next) this.assign(instance, next);
    });
    // First in line again: it was accepted before anything now waiting.
    events.on("undelivered", (invocation) => {
      if (this.closed) return this.reject(invocation, SHUTTING_DOWN);
      this.wait(invocation, true);
    });
    return instance;
  }

  private launch(instance: PoolInstance): void {
    this.emit("instance", describe(instance, instance === this.standby));
    instance.start().catch(() => {
      // The instance has already failed its invocation with the launch error and stopped.
    });
  }

  private onInstanceState(instance: PoolInstance, state: InstanceState): void {
    this.emit("instance", describe(instance, instance === this.standby));
    if (instance === this.standby) {
      // Ready, it waits for a call. Stopped untaken (an init error, a crash, stopped by hand): none is made until the next call.
      if (state === "stopping" || state === "stopped") this.standbyHeld = true;
      if (state === "stopped") {
        this.standby = undefined;
        this.instances.delete(instance);
      }
      this.emitChanged();
      return;
    }
    if (state === "idle") this.onIdle(instance);
    // A stopping instance no longer counts against maxConcurrency: waiting invocations may start another.
    if (state === "stopping" && !this.closed) this.serveWaiting();
    if (state === "stopped") {
      clearTimeout(this.keepAliveTimers.get(instance));
      this.keepAliveTimers.delete(instance);
      this.instances.delete(instance);
      if (!this.closed) {
        this.serveWaiting();
        this.rewarmAfter(instance);
      }
    }
    this.emitChanged();
  }

  private onIdle(instance: PoolInstance): void {
    if (this.retired.has(instance) || this.closed) {
      void this.stopInstance(instance);
      this.serveWaiting();
      return;
    }
    const next = this.takeWaiting();
    if (next) {
      this.assign(instance, next);
      return;
    }
    this.refillStandby();
    const timer = setTimeout(() => {
      this.keepAliveTimers.delete(instance);
      if (instance.isAvailable && this.activeCount() > this.spec.minWarm) void this.stopInstance(instance);
    }, this.spec.keepAliveMs);
    timer.unref();
    this.keepAliveTimers.set(instance, timer);
  }

  /**
   * Waits for an instance, but not forever: stuck instances are replaced (their own timeouts),
   * and a call still without an instance when it could have started and run is throttled with
   * the cloud's error, as a synchronous call past the concurrency limit is.
   */
  private wait(invocation: Invocation, first = false): void {
    if (first) this.waiting.unshift(invocation);
    else this.waiting.push(invocation);
    const initLimitMs = this.spec.web ? this.spec.web.initTimeoutSec * 1000 : Math.max(INIT_LIMIT_MS, this.spec.timeoutSec * 1000);
    const budgetMs = initLimitMs + this.spec.timeoutSec * 1000;
    const timer = setTimeout(() => {
      const index = this.waiting.indexOf(invocation);
      if (index < 0) return;
      this.waiting.splice(index, 1);
      this.waitDeadlines.delete(invocation);
      const failure = platformErrors.throttled(this.spec.dialect, this.spec.name, this.spec.maxConcurrency);
      failure.error.errorMessage += ` No instance was free within ${budgetMs / 1000} s.`;
      this.reject(invocation, failure);
      this.emitChanged();
    }, Math.max(0, budgetMs - (performance.now() - invocation.enqueuedAt)));
    timer.unref();
    this.waitDeadlines.set(invocation, timer);
  }

  private takeWaiting(): Invocation | undefined {
    const invocation = this.waiting.shift();
    if (invocation) {
      clearTimeout(this.waitDeadlines.get(invocation));
      this.waitDeadlines.delete(invocation);
    }
    return invocation;
  }

  /** Waiting invocations get new instances when capacity frees up. */
  private serveWaiting(): void {
    while (this.waiting.length > 0 && this.activeCount() < this.spec.maxConcurrency) {
      this.startInstance(this.takeWaiting());
    }
  }

  /** Replaces a stopped instance for minWarm, backing off while instances fail to start. */
  private rewarmAfter(instance: PoolInstance): void {
    if (instance.initMs !== undefined) {
      this.warmBackoffMs = 0;
      this.ensureMinWarm();
      return;
    }
    this.warmBackoffMs = Math.min(MAX_WARM_BACKOFF_MS, Math.max(1000, this.warmBackoffMs * 2));
    clearTimeout(this.warmTimer);
    this.warmTimer = setTimeout(() => this.ensureMinWarm(), this.warmBackoffMs);
    this.warmTimer.unref();
  }

  private ensureMinWarm(): void {
    if (this.closed) return;
    let fresh = 0;
    for (const instance of this.instances) if (instance !== this.standby && !this.retired.has(instance) && instance.state !== "stopping" && instance.state !== "stopped") fresh++;
    for (; fresh < this.spec.minWarm && this.activeCount() < this.spec.maxConcurrency; fresh++) this.startInstance();
  }

  private async stopInstance(instance: PoolInstance): Promise<void> {
    clearTimeout(this.keepAliveTimers.get(instance));
    this.keepAliveTimers.delete(instance);
    await instance.stop();
  }

  private reject(invocation: Invocation, failure: Failure): void {
    invocation.settle({
      requestId: invocation.requestId, failure, cold: false, durationMs: 0,
      queuedMs: performance.now() - invocation.enqueuedAt, logs: [],
    });
  }

  private emitChanged(): void {
    this.emit("changed", this.snapshot());
  }
}

function describe(instance: PoolInstance, standby: boolean): InstanceInfo {
  return {
    id: instance.id, function: instance.spec.name, state: instance.state, createdAt: instance.createdAt,
    lastUsedAt: instance.lastUsedAt, invocations: instance.invocationCount, initMs: instance.initMs, ...(standby ? { standby: true } : {}),
  };
}
