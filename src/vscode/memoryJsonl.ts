/**
 * Auction memory as JSON lines, so a team can share what SALE learned in a repository. One MemoryRecord per
 * line. Import validates every line and reports the ones it refused with their line numbers. Pure.
 */
import { MemoryRecordSchema, type MemoryRecord } from '../core/memory/memoryRecord';
import { formatZodIssues } from '../core/zodIssues';

export function toJsonLines(records: MemoryRecord[]): string {
  return records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : '');
}

export interface JsonLinesParse {
  records: MemoryRecord[];
  errors: { line: number; message: string }[];
}

const MAX_ERRORS = 50;

export function parseJsonLines(text: string): JsonLinesParse {
  const records: MemoryRecord[] = [];
  const errors: { line: number; message: string }[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (e) {
      if (errors.length < MAX_ERRORS) errors.push({ line: i + 1, message: `not JSON (${(e as Error).message})` });
      return;
    }
    const p = MemoryRecordSchema.safeParse(json);
    if (!p.success) {
      if (errors.length < MAX_ERRORS) errors.push({ line: i + 1, message: formatZodIssues(p.error, { style: 'inline', root: '(record)', max: 1 }) });
      return;
    }
    records.push(p.data);
  });
  return { records, errors };
}

/**
 * Imported records keep their ids and times; their `task.repo` is rewritten to this repository so retrieval and
 * per-repo statistics treat them as this repository's history (the original is kept in `task.source`).
 */
export function adoptIntoRepo(records: MemoryRecord[], repo: string): MemoryRecord[] {
  return records.map((r) => (r.task.repo === repo ? r : { ...r, task: { ...r.task, repo, source: `${r.task.source} (imported from ${r.task.repo})` } }));
}
