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

const MAX_WARM_BACKOFF_MS = 60_000;
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
 */
export class FunctionPool extends EventEmitter<PoolEvents> {
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

  constructor(public spec: FunctionSpec, private deps: PoolDeps) {
    super();
    this.ensureMinWarm();
  }

  invoke(invocation: Invocation): Promise<InvocationOutcome> {
    if (this.closed) {
      this.reject(invocation, SHUTTING_DOWN);
    } else {
      const idle = this.findIdle();
      if (idle) this.assign(idle, invocation);
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
    for (const instance of this.instances) {
      this.retired.add(instance);
      if (!instance.hasWork) void this.stopInstance(instance);
    }
    this.ensureMinWarm();
  }

  snapshot(): PoolSnapshot {
    const counts: PoolSnapshot = { starting: 0, idle: 0, busy: 0, stopping: 0, queued: this.waiting.length };
    for (const instance of this.instances) {
      if (instance.state === "starting" || instance.state === "idle" || instance.state === "busy" || instance.state === "stopping") counts[instance.state]++;
    }
    return counts;
  }

  listInstances(): InstanceInfo[] {
    return [...this.instances].map(describe);
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
    for (let invocation = this.takeWaiting(); invocation; invocation = this.takeWaiting()) {
      this.reject(invocation, SHUTTING_DOWN);
    }
    await Promise.all([...this.instances].map((instance) => this.stopInstance(instance)));
  }

  private activeCount(): number {
    let count = 0;
    for (const instance of this.instances) if (instance.state !== "stopping" && instance.state !== "stopped") count++;
    return count;
  }

  private findIdle(): PoolInstance | undefined {
    for (const instance of this.instances) if (instance.isAvailable && !this.retired.has(instance)) return instance;
    return undefined;
  }

  private assign(instance: PoolInstance, invocation: Invocation): void {
    clearTimeout(this.keepAliveTimers.get(instance));
    this.keepAliveTimers.delete(instance);
    instance.assign(invocation);
  }

  private startInstance(first?: Invocation): void {
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
    if (first) instance.assign(first);
    this.emit("instance", describe(instance));
    instance.start().catch(() => {
      // The instance has already failed its invocation with the launch error and stopped.
    });
  }

  private onInstanceState(instance: PoolInstance, state: InstanceState): void {
    this.emit("instance", describe(instance));
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
    for (const instance of this.instances) if (!this.retired.has(instance) && instance.state !== "stopping" && instance.state !== "stopped") fresh++;
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

function describe(instance: PoolInstance): InstanceInfo {
  return {
    id: instance.id, function: instance.spec.name, state: instance.state, createdAt: instance.createdAt,
    lastUsedAt: instance.lastUsedAt, invocations: instance.invocationCount, initMs: instance.initMs,
  };
}
