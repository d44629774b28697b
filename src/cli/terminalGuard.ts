/**
 * Everything the CLI prints goes through the one sanitiser (src/core/controlChars.ts): model text reaches the
 * terminal in bid tables, plans, file names, diffs, test output and errors, and wrapping the two streams at the
 * edge is the only way to be sure none of it slips through raw. Our own colour codes survive.
 */
import { stripControlSequences } from '../core/controlChars';

type Write = typeof process.stdout.write;

/** Wraps process.stdout/stderr.write; returns the function that restores them. */
export function guardTerminalOutput(): () => void {
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((s) => s.write);
  streams.forEach((stream, i) => {
    const original = originals[i];
    stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
      const text = typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : undefined;
      const clean = text === undefined ? chunk : stripControlSequences(text, { keepOwnColours: true });
      return (original as (...a: unknown[]) => boolean).call(this, clean, ...rest);
    } as Write;
  });
  return () => streams.forEach((stream, i) => {
    stream.write = originals[i];
  });
}
