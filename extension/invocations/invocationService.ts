import { randomUUID } from "node:crypto";
import { Requests, type InvokeResult, type LogRecord } from "../../emulator/protocol";
import type { DaemonConnection } from "../daemon/daemonConnection";
import { DisposableList, type Disposable } from "../util/disposableList";
import { Emitter, type Event } from "../util/emitter";
import type { InvocationCost, InvocationEvent } from "./invocationEvents";

/**
 * The one place the editor invokes a function (the invoke command, the invoke panel,
 * CodeLens, a debug session's first event, tests). It chooses the request id before
 * invoking, so the request's live log lines can be told from those of other invocations
 * of the same function (HTTP requests, timers, another invoke) running at the same time,
 * and reports each invocation as events that views, like the invoke panel, only observe.
 */
export class InvocationService implements Disposable {
  private readonly emitter = new Emitter<InvocationEvent>();
  readonly onEvent = this.emitter.event;
  /** The function of each invocation still waiting for its result, by request id. */
  private readonly running = new Map<string, string>();
  private readonly disposables = new DisposableList();

  /**
   * `logs`: every log record the editor receives (one subscription for all functions,
   * LogChannels'); this service passes on the lines of its own requests.
   */
  constructor(private readonly connection: Pick<DaemonConnection, "request">, logs: Event<LogRecord>) {
    this.disposables.push(
      this.emitter,
      logs((record) => {
        const functionName = record.requestId === undefined ? undefined : this.running.get(record.requestId);
        if (functionName) this.emitter.fire({ type: "log", function: functionName, requestId: record.requestId!, record });
      }),
    );
  }

  /**
   * Invokes `functionName` with `event` (any JSON value, sent as it is), or with `eventText`
   * when the user typed it: the runtime then gets those bytes as written. Rejects when the
   * emulator cannot run it.
   */
  async invoke(functionName: string, event: unknown, eventText?: string): Promise<InvokeResult> {
    const requestId = randomUUID();
    this.running.set(requestId, functionName);
    this.emitter.fire({ type: "started", function: functionName, requestId, event });
    let result: InvokeResult;
    try {
      const params = eventText === undefined ? { function: functionName, event, requestId } : { function: functionName, eventText, requestId };
      result = await this.connection.request(Requests.invoke, params);
    } catch (error) {
      this.emitter.fire({ type: "failed", function: functionName, requestId, message: (error as Error).message });
      throw error;
    } finally {
      // From here the result holds the request's lines; live ones would be repeats.
      this.running.delete(requestId);
    }
    const cost = await this.costOf(functionName);
    this.emitter.fire({ type: "finished", function: functionName, requestId, result, cost });
    return result;
  }

  private async costOf(functionName: string): Promise<InvocationCost | undefined> {
    try {
      const { functions } = await this.connection.request(Requests.costEstimate, { function: functionName });
      const cost = functions[0];
      return cost && { perInvocation: cost.perInvocation, currency: cost.currency, provider: cost.provider, monthly: cost.monthly.cost };
    } catch {
      return undefined; // a result without a cost estimate is still worth showing
    }
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
