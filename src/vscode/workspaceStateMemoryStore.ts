/**
 * The auction memory of one repository, kept in VS Code's workspace state (a Memento). Bounded: past
 * `maxRecords` or `maxBytes` it compacts — first the plans of older records are shortened, then the oldest
 * records go. Records that fail validation on load are set aside under their own key (never silently dropped)
 * and reported through warnings(). No `vscode` import: the Memento is passed in, so this is unit-tested.
 */
import { formatZodIssues } from '../core/zodIssues';
import { MemoryRecordSchema, type MemoryRecord } from '../core/memory/memoryRecord';
import type { MemoryStore } from '../core/ports/memoryStore';

/** The part of vscode.Memento this store needs. */
export interface MementoLike {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void> | Promise<void>;
}

export interface WorkspaceStateMemoryOptions {
  /** Repository label: one memory per repository, even in a multi-root workspace. */
  repo: string;
  maxRecords?: number;
  maxBytes?: number;
  /** The newest records keep their plans whole; older ones are shortened to `maxPlanChars` when compacting. */
  keepFullRecent?: number;
  maxPlanChars?: number;
}

export const MEMORY_KEY_PREFIX = 'sale.memory.v1:';
export const QUARANTINE_KEY_PREFIX = 'sale.memory.quarantine.v1:';

export interface CompactionReport {
  before: number;
  after: number;
  plansShortened: number;
  bytesBefore: number;
  bytesAfter: number;
}

export class WorkspaceStateMemoryStore implements MemoryStore {
  readonly key: string;
  readonly quarantineKey: string;
  private readonly maxRecords: number;
  private readonly maxBytes: number;
  private readonly keepFullRecent: number;
  private readonly maxPlanChars: number;
  private readonly problems: string[] = [];
  private cache: MemoryRecord[] | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  lastCompaction: CompactionReport | undefined;

  constructor(private readonly memento: MementoLike, opts: WorkspaceStateMemoryOptions) {
    this.key = MEMORY_KEY_PREFIX + opts.repo;
    this.quarantineKey = QUARANTINE_KEY_PREFIX + opts.repo;
    this.maxRecords = Math.max(1, opts.maxRecords ?? 500);
    this.maxBytes = Math.max(10_000, opts.maxBytes ?? 2_000_000);
    this.keepFullRecent = Math.max(0, opts.keepFullRecent ?? 100);
    this.maxPlanChars = Math.max(200, opts.maxPlanChars ?? 1_500);
  }

  async load(): Promise<MemoryRecord[]> {
    return [...(await this.records())];
  }

  append(record: MemoryRecord): Promise<void> {
    return this.serial(async () => {
      const valid = MemoryRecordSchema.parse(record);
      const recs = [...(await this.records())];
      const i = recs.findIndex((r) => r.id === valid.id);
      if (i >= 0) recs[i] = valid;
      else recs.push(valid);
      await this.write(recs);
    });
  }

  update(record: MemoryRecord): Promise<void> {
    return this.serial(async () => {
      const valid = MemoryRecordSchema.parse(record);
      const recs = [...(await this.records())];
      const i = recs.findIndex((r) => r.id === valid.id);
      if (i < 0) {
        this.problems.push(`Memory record ${valid.id} was not found to update (it may have been compacted away); stored it as new.`);
        recs.push(valid);
      } else recs[i] = valid;
      await this.write(recs);
    });
  }

  warnings(): string[] {
    return [...this.problems];
  }

  /** Adds records (e.g. imported from JSON lines), skipping ids already present. */
  importRecords(records: MemoryRecord[]): Promise<{ added: number; skipped: number }> {
    return this.serial(async () => {
      const recs = [...(await this.records())];
      const ids = new Set(recs.map((r) => r.id));
      let added = 0;
      let skipped = 0;
      for (const r of records) {
        if (ids.has(r.id)) {
          skipped++;
          continue;
        }
        ids.add(r.id);
        recs.push(r);
        added++;
      }
      recs.sort((a, b) => a.time.localeCompare(b.time));
      await this.write(recs);
      return { added, skipped };
    });
  }

  /** Forgets everything for this repository (quarantined records included). */
  clear(): Promise<void> {
    return this.serial(async () => {
      this.cache = [];
      await this.memento.update(this.key, []);
      await this.memento.update(this.quarantineKey, undefined);
    });
  }

  /** Raw values that failed validation, kept for the user. */
  quarantined(): unknown[] {
    return this.memento.get<unknown[]>(this.quarantineKey) ?? [];
  }

  sizeBytes(): number {
    return JSON.stringify(this.memento.get(this.key) ?? []).length;
  }

  private async records(): Promise<MemoryRecord[]> {
    if (this.cache) return this.cache;
    const raw = this.memento.get<unknown>(this.key);
    const out: MemoryRecord[] = [];
    const bad: unknown[] = [];
    if (raw !== undefined && !Array.isArray(raw)) {
      this.problems.push('The stored SALE memory was not a list; it was set aside and memory starts empty.');
      bad.push(raw);
    } else {
      for (const [i, r] of (raw ?? []).entries()) {
        const p = MemoryRecordSchema.safeParse(r);
        if (p.success) out.push(p.data);
        else {
          bad.push(r);
          this.problems.push(`Memory record ${i + 1} is not valid (${formatZodIssues(p.error, { style: 'inline', root: '', max: 1 })}); set aside.`);
        }
      }
    }
    if (bad.length) {
      const q = this.quarantined();
      await this.memento.update(this.quarantineKey, [...q, ...bad].slice(-200));
      await this.memento.update(this.key, out);
    }
    this.cache = out;
    return out;
  }

  private async write(recs: MemoryRecord[]): Promise<void> {
    const compacted = this.compact(recs);
    this.cache = compacted;
    await this.memento.update(this.key, compacted);
  }

  /** Pure compaction step (exposed for tests through the store's behaviour). */
  private compact(recs: MemoryRecord[]): MemoryRecord[] {
    const bytesBefore = JSON.stringify(recs).length;
    if (recs.length <= this.maxRecords && bytesBefore <= this.maxBytes) return recs;
    let out = recs.slice();
    let plansShortened = 0;
    // 1. Shorten plans of all but the newest records.
    const cutoff = Math.max(0, out.length - this.keepFullRecent);
    out = out.map((r, i) => {
      if (i >= cutoff) return r;
      let changed = false;
      const bids = r.bids.map((b) => {
        if (b.plan.length <= this.maxPlanChars) return b;
        changed = true;
        plansShortened++;
        return { ...b, plan: `${b.plan.slice(0, this.maxPlanChars)}\n…(shortened by compaction)` };
      });
      return changed ? { ...r, bids } : r;
    });
    // 2. Drop the oldest past the record cap.
    if (out.length > this.maxRecords) out = out.slice(out.length - this.maxRecords);
    // 3. Drop the oldest until the bytes fit (always keep the newest record).
    let bytes = JSON.stringify(out).length;
    while (bytes > this.maxBytes && out.length > 1) {
      const dropped = out.shift()!;
      bytes -= JSON.stringify(dropped).length + 1;
    }
    this.lastCompaction = { before: recs.length, after: out.length, plansShortened, bytesBefore, bytesAfter: JSON.stringify(out).length };
    return out;
  }

  private serial<T>(f: () => Promise<T>): Promise<T> {
    const next = this.queue.then(f, f);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
