/** The time source for durations and record timestamps; tests pass a fixed clock to get stable records. */
export interface Clock {
  /** Milliseconds since the epoch, like Date.now(). */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
