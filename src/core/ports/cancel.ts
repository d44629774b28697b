/** Cancellation shared by auction and execution; the extension maps its CancellationToken onto it. */
export interface CancelSignal {
  readonly cancelled: boolean;
  /** Registers a listener; returns a function that removes it. */
  onCancel(listener: () => void): () => void;
}

export class CancelSource implements CancelSignal {
  private listeners = new Set<() => void>();
  private _cancelled = false;
  get cancelled(): boolean {
    return this._cancelled;
  }
  onCancel(listener: () => void): () => void {
    if (this._cancelled) {
      listener();
      return () => undefined;
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  cancel(): void {
    if (this._cancelled) return;
    this._cancelled = true;
    for (const l of [...this.listeners]) l();
    this.listeners.clear();
  }
}

/**
 * An AbortSignal (for openai/fetch calls) that follows a CancelSignal. Call dispose() when the call is over so
 * long runs don't pile up one listener per model call.
 */
export function abortSignalFor(signal: CancelSignal | undefined): { signal: AbortSignal | undefined; dispose(): void } {
  if (!signal) return { signal: undefined, dispose: () => undefined };
  const ac = new AbortController();
  if (signal.cancelled) {
    ac.abort();
    return { signal: ac.signal, dispose: () => undefined };
  }
  const remove = signal.onCancel(() => ac.abort());
  return { signal: ac.signal, dispose: remove };
}
