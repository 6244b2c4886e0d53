// What a class owns (listeners, emitters, panels) in one list, disposed together, after
// js-debug's DisposableList. Free of `vscode` (anything with dispose() fits) so the unit
// tests load it directly.

export interface Disposable {
  dispose(): unknown;
}

export class DisposableList implements Disposable {
  private items: Disposable[] = [];
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  /**
   * Keeps `items` until dispose(). After dispose() they are disposed at once: a listener
   * added by an async step that finishes after its owner went away must not outlive it.
   * Returns the first item, so `const x = list.push(new X())` reads naturally.
   */
  push<T extends Disposable>(first: T, ...rest: Disposable[]): T {
    if (this.disposed) {
      disposeAll([first, ...rest]);
    } else {
      this.items.push(first, ...rest);
    }
    return first;
  }

  /** Disposes every item (newest first, as later ones may use earlier ones), even if one throws. */
  dispose(): void {
    this.disposed = true;
    const items = this.items;
    this.items = [];
    disposeAll(items.reverse());
  }
}

function disposeAll(items: Disposable[]): void {
  const errors: unknown[] = [];
  for (const item of items) {
    try {
      item.dispose();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, "several disposables failed to dispose");
}
