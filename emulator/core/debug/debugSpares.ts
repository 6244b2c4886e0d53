import type { LogRecord } from "../../protocol";
import { LogBus } from "../logs/logBus";
import type { FunctionSpec } from "../../project/spec";
import { DEFAULT_STANDBY_WINDOW_MS } from "../pool/standbyPolicy";
import type { Instance } from "../runtime/instance";
import type { WebInstance } from "../runtime/webInstance";

/** A debug instance on its way: launched, its debugger listening once `ready` resolves. */
export interface DebugLaunch {
  instance: Instance | WebInstance;
  /** Where its debugger listens (inside the instance under the agent). */
  port: number;
  /** The instance's start (its container created and started). */
  started: Promise<void>;
  /** Its debugger listens; rejects when it cannot (the reason says why). */
  ready: Promise<void>;
}

/** Starts a debug instance of `spec` whose log lines go to `logBus`. */
export type LaunchDebugInstance = (spec: FunctionSpec, logBus: LogBus) => Promise<DebugLaunch>;

/** At most this many functions keep a spare: the most recently debugged. */
const MAX_SPARES = 2;
/** Lines a spare says before it is taken (the debugger's "listening" line): kept for when it is. */
const HELD_LINES = 200;

/**
 * Debug instances started ahead ("spares"), so that debugging a Node.js function again starts at
 * once: the container's start and the runtime's start up to its debugger listening (most of a
 * debug start: 150-180 ms of about 300 on this project's machines) are done while the developer
 * reads or edits. After a debug session of a function ends, one spare of it is started; it waits,
 * with its inspector listening and nothing of the function run (it breaks before the first line),
 * for the next session of that function,
 * which takes it. A spare is replaced when the function's code or configuration changes, and goes
 * DEFAULT_STANDBY_WINDOW_MS (15 minutes, as standby instances) after the session that made it; at
 * most MAX_SPARES functions keep one. What a spare prints waits until a session takes it, so the
 * function's log shows nothing of a debugger no one started yet.
 */
export class DebugSpares {
  private readonly spares = new Map<string, Spare>();
  private closed = false;

  constructor(private readonly launch: LaunchDebugInstance, private readonly logBus: LogBus, private readonly enabled: boolean, private readonly windowMs = DEFAULT_STANDBY_WINDOW_MS) {}

  /** The spare of `spec` started with the same code and configuration, with its lines released; else undefined. */
  async take(spec: FunctionSpec): Promise<DebugLaunch | undefined> {
    const spare = this.spares.get(spec.name);
    if (!spare) return undefined;
    this.drop(spec.name);
    const launch = await spare.launch.catch(() => undefined);
    const state = launch?.instance.state;
    if (!launch || spare.key !== JSON.stringify(spec) || state === "stopping" || state === "stopped") {
      void launch?.instance.stop();
      return undefined;
    }
    spare.logs.release();
    return launch;
  }

  /** A session of `spec` ended: start its spare (replacing one it had). */
  prepare(spec: FunctionSpec): void {
    // Node only: its inspector's address is a secret (inspectorAddress.ts), so a spare waiting for
    // minutes on a shared loopback (host networking) is no door; debugpy and JDWP take any client.
    if (!this.enabled || this.closed || spec.family !== "nodejs" || spec.container || spec.web) return;
    this.retire(spec.name);
    const logs = new HeldLogs(this.logBus);
    const launch = this.launch(spec, logs);
    const timer = setTimeout(() => this.retire(spec.name), this.windowMs);
    timer.unref();
    const spare: Spare = { key: JSON.stringify(spec), launch, logs, timer };
    this.spares.set(spec.name, spare);
    // Nothing waits on a spare's start: one that fails is dropped, and the next session starts as it would have anyway.
    void launch.then(
      ({ started, ready }) => Promise.all([started, ready]),
    ).catch(() => {
      if (this.spares.get(spec.name) === spare) this.retire(spec.name);
    });
    // The oldest goes when more functions keep one than allowed (a Map keeps insertion order).
    while (this.spares.size > MAX_SPARES) this.retire(this.spares.keys().next().value!);
  }

  /** `spec`'s code or configuration changed: a spare it keeps is started again with it. */
  changed(spec: FunctionSpec): void {
    if (this.spares.has(spec.name)) this.prepare(spec);
  }

  /** Stops `name`'s spare, if it keeps one. */
  retire(name: string): void {
    const spare = this.spares.get(name);
    if (!spare) return;
    this.drop(name);
    void stopLaunch(spare.launch);
  }

  has(name: string): boolean {
    return this.spares.has(name);
  }

  async close(): Promise<void> {
    this.closed = true;
    const spares = [...this.spares.keys()];
    const stopping = spares.map((name) => stopLaunch(this.spares.get(name)!.launch));
    for (const name of spares) this.drop(name);
    await Promise.all(stopping);
  }

  private drop(name: string): void {
    clearTimeout(this.spares.get(name)?.timer);
    this.spares.delete(name);
  }
}

interface Spare {
  /** What the spare was started with: a session for anything else cannot use it. */
  key: string;
  launch: Promise<DebugLaunch>;
  logs: HeldLogs;
  timer: NodeJS.Timeout;
}

/** Stops a spare's instance, once it exists (a launch that failed has none to stop). */
async function stopLaunch(launch: Promise<DebugLaunch>): Promise<void> {
  const launched = await launch.catch(() => undefined);
  await launched?.instance.stop();
}

/** A spare's log: held until a session takes the spare, then passed on (the held lines first). */
class HeldLogs extends LogBus {
  private held: LogRecord[] | undefined = [];

  constructor(private readonly target: LogBus) {
    super();
  }

  override publish(record: LogRecord): void {
    if (!this.held) return this.target.publish(record);
    if (this.held.length < HELD_LINES) this.held.push(record);
  }

  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const record of held) this.target.publish(record);
  }
}
