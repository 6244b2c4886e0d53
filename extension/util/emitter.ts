// A typed event, shaped like vscode.Event so either kind can be passed where the other is
// listened to, but free of `vscode` so what uses it can be unit tested without an editor.
import type { Disposable } from "./disposableList";

export type Event<T> = (listener: (event: T) => void) => Disposable;

export class Emitter<T> implements Disposable {
  private readonly listeners = new Set<(event: T) => void>();

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  /** Calls every listener; one that throws does not keep the event from the others. */
  fire(event: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        console.error("an event listener failed", error);
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
