import { readFileSync } from 'node:fs';

/**
 * Is the process that wrote a journal still running? `kill(pid, 0)` alone is fooled by pid reuse: after a crash and
 * a reboot (or in a container, where pids restart low) another process may hold the same pid, and recovery would
 * then skip a dead run forever. So each run records its process's start time too, and a live pid counts only when
 * its start time is the same. On Linux the start time is field 22 of /proc/PID/stat (clock ticks since boot);
 * elsewhere there is none and the check falls back to `kill(pid, 0)`.
 */

/** The start time of a process (an opaque string, compared for equality), or undefined where it cannot be read. */
export function processStartTime(pid: number, procRoot = '/proc'): string | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  let stat: string;
  try {
    stat = readFileSync(`${procRoot}/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Field 2 (comm) is in parentheses and may itself hold spaces and ')': the fields after it start at the last ')'.
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  const rest = stat.slice(close + 2).trim().split(/\s+/);
  // rest[0] is field 3 (state), so field 22 is rest[19].
  const start = rest[19];
  return start && /^\d+$/.test(start) ? start : undefined;
}

/** kill(pid, 0): true when the pid exists (EPERM means it exists but belongs to someone else). */
function pidExists(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True when the process `pid` that recorded `startTime` (undefined: not recorded, e.g. an older journal or another
 * platform) is still running. A pid whose current start time differs is another process: the recorder is gone.
 */
export function processAlive(pid: number, startTime?: string, procRoot = '/proc'): boolean {
  if (!pidExists(pid)) return false;
  if (startTime === undefined) return true;
  const now = processStartTime(pid, procRoot);
  return now === undefined || now === startTime;
}
