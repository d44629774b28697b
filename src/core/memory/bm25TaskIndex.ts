import MiniSearch from 'minisearch';

/**
 * Lexical similarity over past task texts: BM25+ as implemented by MiniSearch (well kept, incremental, no
 * native parts). Works offline, which sentence embeddings would not.
 */
export class TaskIndex {
  private readonly search = new MiniSearch<{ id: string; text: string }>({
    fields: ['text'],
    idField: 'id',
    searchOptions: { combineWith: 'OR', prefix: false, fuzzy: false },
  });

  add(id: string, text: string): void {
    if (this.search.has(id)) this.search.discard(id);
    this.search.add({ id, text });
  }

  get size(): number {
    return this.search.documentCount;
  }

  /** Ids ranked by BM25 score against the query, best first. */
  rank(query: string, limit = 50): { id: string; score: number }[] {
    if (!query.trim() || this.search.documentCount === 0) return [];
    // Each distinct term once: repeated words in a long issue text would otherwise be scored again and again.
    const terms = [...new Set(query.toLowerCase().split(/[^\p{L}\p{N}_]+/u).filter((t) => t.length > 1))];
    if (terms.length === 0) return [];
    return this.search.search(terms.join(' ')).slice(0, limit).map((r) => ({ id: String(r.id), score: r.score }));
  }
}
