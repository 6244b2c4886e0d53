import type { LogRecord } from "../../protocol";

export type LogListener = (record: LogRecord) => void;

/**
 * Fans every log record out to its listeners synchronously. Listeners must not block:
 * slow consumers (a WebSocket client) buffer and drop on their own side, so an
 * invocation never waits for them.
 */
export class LogBus {
  private readonly listeners = new Set<LogListener>();

  publish(record: LogRecord): void {
    for (const listener of this.listeners) {
      try {
        listener(record);
      } catch {
        // A failing listener must not break logging for the others or the invocation.
      }
    }
  }

  subscribe(listener: LogListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
