import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

/**
 * Durable small-file writes for the write-ahead journal: write a temporary file, fsync it, rename it into place,
 * fsync the folder. After `writeDurable` returns, the bytes survive a kill -9 or a power cut (on file systems
 * that honour fsync); a crash in between leaves either the old file or the new one, never half of one.
 *
 * `crashPoint` is the test hook of the kill -9 test: with `SALE_TEST_CRASH_AT=k` in the environment the process
 * SIGKILLs itself at the k-th crash point (journal writes and workspace changes each count as one).
 */
export async function writeDurable(file: string, data: string | Buffer): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  const fh = await fsp.open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fsp.rename(tmp, file);
  await syncDir(path.dirname(file));
  crashPoint();
}

/** Removes a journal file and makes the removal durable. Missing files are fine. */
export async function unlinkDurable(file: string): Promise<void> {
  await fsp.rm(file, { force: true });
  await syncDir(path.dirname(file));
  crashPoint();
}

export async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return; // folders cannot be opened for fsync there
  const fh = await fsp.open(dir, 'r').catch(() => undefined);
  if (!fh) return;
  try {
    await fh.sync().catch(() => undefined);
  } finally {
    await fh.close();
  }
}

let crashCount = 0;
/** Test hook (see the module comment). Does nothing unless SALE_TEST_CRASH_AT is set. */
export function crashPoint(): void {
  const at = process.env.SALE_TEST_CRASH_AT;
  if (!at) return;
  crashCount++;
  if (crashCount === Number(at)) process.kill(process.pid, 'SIGKILL');
}

/** How many crash points this process has passed (the kill -9 test reads it from a clean run). */
export function crashPointsPassed(): number {
  return crashCount;
}
