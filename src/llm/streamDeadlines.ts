/**
 * Deadlines for one model call attempt that hold after the response headers: the SDK's `timeout` stops at the
 * headers, so a body that trickles one byte a second would hang forever. `overallMs` bounds the attempt from
 * start to last byte; `idleMs` bounds the gap between stream chunks (`touch()` on each chunk). Either aborts the
 * returned signal, which the SDK honours while reading the body too. The caller's signal (cancel) is followed.
 */
export type DeadlineKind = 'overall' | 'idle' | 'cancelled';

export interface AttemptDeadline {
  readonly signal: AbortSignal;
  /** Why the signal aborted (undefined while it has not). */
  readonly fired: DeadlineKind | undefined;
  /** A chunk arrived: restart the idle clock. */
  touch(): void;
  dispose(): void;
}

export function attemptDeadline(opts: { overallMs: number; idleMs?: number; signal?: AbortSignal }): AttemptDeadline {
  const ac = new AbortController();
  let fired: DeadlineKind | undefined;
  const fire = (kind: DeadlineKind) => {
    if (fired) return;
    fired = kind;
    ac.abort(new Error(`deadline: ${kind}`));
  };
  const overall = setTimeout(() => fire('overall'), opts.overallMs);
  let idle: NodeJS.Timeout | undefined;
  const armIdle = () => {
    if (opts.idleMs === undefined) return;
    if (idle) clearTimeout(idle);
    idle = setTimeout(() => fire('idle'), opts.idleMs);
  };
  armIdle();
  const onCancel = () => fire('cancelled');
  if (opts.signal?.aborted) onCancel();
  else opts.signal?.addEventListener('abort', onCancel, { once: true });
  return {
    signal: ac.signal,
    get fired() {
      return fired;
    },
    touch: armIdle,
    dispose() {
      clearTimeout(overall);
      if (idle) clearTimeout(idle);
      opts.signal?.removeEventListener('abort', onCancel);
    },
  };
}
