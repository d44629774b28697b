/**
 * Deadlines for one model call attempt that hold after the response headers: the SDK's `timeout` stops at the
 * headers, so a body that trickles one byte a second would hang forever. `overallMs` bounds the attempt from
 * start to last byte; `idleMs` bounds the gap between stream chunks (`touch()` on each chunk). Either aborts the
 * returned signal, which the SDK honours while reading the body too. The caller's signal (cancel) is followed.
 * A non-streamed answer (jury, execution turns) may legitimately take long before its headers, so there the idle
 * clock starts at the first `touch()` — the headers — and then bounds every gap while the body is read.
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

export function attemptDeadline(opts: { overallMs: number; idleMs?: number; idleFromFirstTouch?: boolean; signal?: AbortSignal }): AttemptDeadline {
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
  if (!opts.idleFromFirstTouch) armIdle();
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

/** The largest non-streamed answer body read (a hostile server could send gigabytes). */
export const MAX_ANSWER_BODY_BYTES = 32 * 1024 * 1024;

/**
 * Reads a response body under a deadline: `touch()` on the headers and on every chunk, so a body trickled after
 * the headers ends on the idle deadline rather than on the overall one. A body over `maxBytes` is refused.
 */
export async function readBodyWithin(res: Response, deadline: Pick<AttemptDeadline, 'touch' | 'signal'>, maxBytes = MAX_ANSWER_BODY_BYTES): Promise<string> {
  deadline.touch();
  if (!res.body) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      deadline.touch();
      size += value.byteLength;
      if (size > maxBytes) throw new Error(`the answer body is over ${maxBytes} bytes`);
      chunks.push(Buffer.from(value));
    }
  } finally {
    // Release the connection whatever happened (a deadline abort has already failed the read).
    await reader.cancel().catch(() => undefined);
  }
  if (deadline.signal.aborted) throw new Error('aborted');
  return Buffer.concat(chunks).toString('utf8');
}
