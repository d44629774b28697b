/**
 * Our own retry waits (the `openai` SDK's are off: it sleeps whatever `Retry-After` says — an hour for 3600 —
 * and its sleep ignores the abort signal). Waits are capped, reported, and end at once on cancel.
 */

/** Longest we ever wait before a retry, whatever the server asks. */
export const MAX_RETRY_WAIT_MS = 20_000;

export interface RetryWait {
  ms: number;
  /** What the server asked for, when it said (ms); undefined when we chose the back-off ourselves. */
  askedMs?: number;
  capped: boolean;
}

/** Reads `retry-after-ms` / `retry-after` (seconds or an HTTP date); falls back to exponential back-off with jitter. */
export function retryWait(headers: { get(name: string): string | null } | undefined, attempt: number, capMs = MAX_RETRY_WAIT_MS): RetryWait {
  let asked: number | undefined;
  const ms = headers?.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) asked = Number(ms);
  const ra = headers?.get('retry-after');
  if (asked === undefined && ra) {
    const secs = Number(ra);
    if (Number.isFinite(secs)) asked = secs * 1000;
    else if (Number.isFinite(Date.parse(ra))) asked = Date.parse(ra) - Date.now();
  }
  if (asked !== undefined) {
    const clean = Math.max(0, asked);
    return { ms: Math.min(clean, capMs), askedMs: clean, capped: clean > capMs };
  }
  const backoff = Math.min(500 * 2 ** attempt, 8_000) * (1 - Math.random() * 0.25);
  return { ms: Math.min(backoff, capMs), capped: false };
}

/** Sleeps `ms`, or rejects with the signal's reason as soon as it aborts. */
export function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason ?? new Error('aborted'));
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
