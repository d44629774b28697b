import type { MemoryRecord } from '../memory/memoryRecord';

/** Storage behind AuctionMemory: a JSON-lines file (CLI) or workspace state (extension). */
export interface MemoryStore {
  load(): Promise<MemoryRecord[]>;
  append(record: MemoryRecord): Promise<void>;
  /** Replaces a record with the same id (outcome updates). */
  update(record: MemoryRecord): Promise<void>;
  /** Problems met while loading (corrupt lines kept aside, etc.), for the user to see. */
  warnings(): string[];
}
