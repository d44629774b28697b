/** Disposable-like: anything with dispose(). No `vscode` import. */
export interface DisposableLike {
  dispose(): unknown;
}

/**
 * The listeners of one thing that can be replaced (a webview view resolved again): `replace` disposes the previous
 * set before holding the new one; `clear` disposes the current set. A failing dispose does not stop the others.
 */
export class ListenerSlot {
  private current: DisposableLike[] = [];

  get size(): number {
    return this.current.length;
  }

  replace(next: DisposableLike[]): void {
    this.clear();
    this.current = next;
  }

  clear(): void {
    const old = this.current;
    this.current = [];
    for (const d of old) {
      try {
        d.dispose();
      } catch {
        // keep disposing the rest
      }
    }
  }
}
