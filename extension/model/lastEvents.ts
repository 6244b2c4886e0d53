/** The part of VS Code's Memento this needs (workspaceState), so tests can give a Map-backed one. */
export interface EventMemory {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

/**
 * The event each function was last invoked with from the editor, as text, kept in the
 * workspace's state: the Invoke lens and the invoke panel start from it, so a function's
 * second Invoke reuses what its first was given (not `{}`).
 */
export class LastEvents {
  constructor(private readonly memory: EventMemory) {}

  private static key(fn: string): string {
    return `faasbox.lastEvent.${fn}`;
  }

  get(fn: string): string | undefined {
    return this.memory.get<string>(LastEvents.key(fn));
  }

  remember(fn: string, text: string): Thenable<void> {
    return this.memory.update(LastEvents.key(fn), text);
  }
}
