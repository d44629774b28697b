import type * as vscode from 'vscode';
import type { AuctionMemory } from '../core/memory/auctionMemory';
import { WorkspaceStateMemoryStore } from './workspaceStateMemoryStore';

/** One auction memory per repository label, stored in the workspace state. */
export class MemoryService {
  private readonly open = new Map<string, { store: WorkspaceStateMemoryStore; memory: Promise<AuctionMemory> }>();

  constructor(private readonly workspaceState: vscode.Memento, private readonly maxRecords: () => number) {}

  store(repo: string): WorkspaceStateMemoryStore {
    return this.entry(repo).store;
  }

  memory(repo: string): Promise<AuctionMemory> {
    return this.entry(repo).memory;
  }

  /** Drops the cached AuctionMemory (after an import or clear) so the next use reloads it from the store. */
  reload(repo: string): void {
    const e = this.open.get(repo);
    if (!e) return;
    e.memory = openMemory(e.store);
  }

  private entry(repo: string) {
    let e = this.open.get(repo);
    if (!e) {
      const store = new WorkspaceStateMemoryStore(this.workspaceState, { repo, maxRecords: this.maxRecords() });
      e = { store, memory: openMemory(store) };
      this.open.set(repo, e);
    }
    return e;
  }
}

/** The memory's retrieval index (minisearch) loads on first use. */
async function openMemory(store: WorkspaceStateMemoryStore): Promise<AuctionMemory> {
  const { AuctionMemory } = await import('../core/memory/auctionMemory');
  return AuctionMemory.open(store);
}
