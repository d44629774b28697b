import { appendFileSync, copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createHash } from 'node:crypto';
import { errorMessage } from '../errors';
import { type MemoryRecord, MemoryRecordSchema } from './memoryRecord';
import type { MemoryStore } from '../ports/memoryStore';

/**
 * Append-only JSON-lines memory for the CLI. Updates (outcomes) are appended as a newer copy of the record;
 * on load the last copy of an id wins. The file is never rewritten, so a crash can lose at most the line being
 * written. Lines that don't parse or don't match the schema are copied aside with the whole file and reported.
 */
export class JsonlMemoryStore implements MemoryStore {
  private problems: string[] = [];
  /** Set when the file could not be read: then nothing is written to it, so nothing is overwritten. */
  private readOnly = false;
  private needsNewline = false;

  constructor(readonly path: string) {}

  warnings(): string[] {
    return [...this.problems];
  }

  async load(): Promise<MemoryRecord[]> {
    this.problems = [];
    if (!existsSync(this.path)) return [];
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (e) {
      this.readOnly = true;
      this.problems.push(`Memory file ${this.path} cannot be read (${errorMessage(e)}); running without memory and not writing to it.`);
      return [];
    }
    const byId = new Map<string, MemoryRecord>();
    const bad: number[] = [];
    text.split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        bad.push(i + 1);
        return;
      }
      const r = MemoryRecordSchema.safeParse(json);
      if (!r.success) {
        bad.push(i + 1);
        return;
      }
      byId.set(r.data.id, r.data);
    });
    // A crash mid-append leaves a last line without its newline: the next append must not glue onto it.
    this.needsNewline = text.length > 0 && !text.endsWith('\n');
    if (bad.length) {
      // Named by content, so loading the same damaged file again does not pile up copies.
      const aside = `${this.path}.corrupt-${createHash('sha256').update(text).digest('hex').slice(0, 12)}`;
      try {
        if (!existsSync(aside)) copyFileSync(this.path, aside);
        this.problems.push(`Memory file ${this.path}: ${bad.length} unreadable line(s) (${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ', …' : ''}) skipped; a copy of the file was kept at ${aside}.`);
      } catch (e) {
        this.readOnly = true;
        this.problems.push(`Memory file ${this.path}: ${bad.length} unreadable line(s) and no copy could be kept aside (${errorMessage(e)}); not writing to it.`);
      }
    }
    return [...byId.values()];
  }

  async append(record: MemoryRecord): Promise<void> {
    if (this.readOnly) return;
    mkdirSync(dirname(this.path), { recursive: true });
    appendFileSync(this.path, (this.needsNewline ? '\n' : '') + JSON.stringify(MemoryRecordSchema.parse(record)) + '\n');
    this.needsNewline = false;
  }

  async update(record: MemoryRecord): Promise<void> {
    await this.append(record);
  }
}

/** In-memory store for tests and the benchmark (each policy gets its own). */
export class InMemoryStore implements MemoryStore {
  private rows: MemoryRecord[] = [];
  async load(): Promise<MemoryRecord[]> {
    return [...this.rows];
  }
  async append(record: MemoryRecord): Promise<void> {
    this.rows.push(structuredClone(record));
  }
  async update(record: MemoryRecord): Promise<void> {
    const i = this.rows.findIndex((r) => r.id === record.id);
    if (i >= 0) this.rows[i] = structuredClone(record);
    else this.rows.push(structuredClone(record));
  }
  warnings(): string[] {
    return [];
  }
}
