import { randomUUID } from 'node:crypto';
import { type AuctionRecord, auctionUsageTotals } from '../auction/auctionRecord';
import type { MemoryBid, MemoryRecord, Outcome } from './memoryRecord';
import type { MemoryStore } from '../ports/memoryStore';
import { MEMORY_SCHEMA_VERSION } from './memoryRecord';
import type { ContrastExample } from '../auction/prompts';
import { TaskIndex } from './bm25TaskIndex';
import { type CodingTask, taskText } from '../task';

export type MemoryLabels = 'outcome' | 'auction';

export interface RetrievedPair extends ContrastExample {
  recordId: string;
  similarity: number;
}

/** Lowest-score bid of an agent in a record (its refined bid if that scored better). */
function bestBidOf(r: MemoryRecord, agent: string): MemoryBid | undefined {
  return r.bids.filter((b) => b.agent === agent).sort((a, b) => a.score - b.score)[0];
}

/** Title/body split of the stored task text (first line is the title). */
function splitTaskText(text: string): { title: string; body: string } {
  const [title, ...rest] = text.split('\n');
  return { title: title.trim(), body: rest.join('\n').trim() };
}

/**
 * The auction memory: past tasks with every bid, the winner and the outcome. Retrieval gives an agent the
 * (losing plan, winning plan) pairs of the most similar past tasks in which one of the plans is its own.
 */
export class AuctionMemory {
  private readonly byId = new Map<string, MemoryRecord>();
  private readonly index = new TaskIndex();

  private constructor(private readonly store: MemoryStore) {}

  static async open(store: MemoryStore): Promise<AuctionMemory> {
    const m = new AuctionMemory(store);
    for (const r of await store.load()) m.remember(r);
    return m;
  }

  private remember(r: MemoryRecord): void {
    this.byId.set(r.id, r);
    this.index.add(r.id, r.task.text);
  }

  get size(): number {
    return this.byId.size;
  }

  records(): MemoryRecord[] {
    return [...this.byId.values()];
  }

  get(id: string): MemoryRecord | undefined {
    return this.byId.get(id);
  }

  warnings(): string[] {
    return this.store.warnings();
  }

  /** Which agent's plan counts as the "win" of a record, or undefined if the record teaches nothing. */
  private winLabel(r: MemoryRecord, labels: MemoryLabels): { agent: string; passed: boolean | null; tier: number } | undefined {
    if (labels === 'auction') return r.winner ? { agent: r.winner, passed: r.outcome?.passed ?? null, tier: 0 } : undefined;
    if (r.outcome?.passed) return { agent: r.outcome.executedBy, passed: true, tier: 0 };
    if (!r.outcome && r.winner) return { agent: r.winner, passed: null, tier: 1 };
    // Executed and failed: the auction's pick is no example of a win.
    return undefined;
  }

  /**
   * Up to k pairs from the most similar past tasks where `agent` bid. If the agent won, its plan is the win and
   * the best other plan the loss; otherwise its best plan is the loss. With 'outcome' labels, records whose
   * executed plan passed come first, then records never executed; records whose execution failed are skipped.
   */
  retrievePairs(agent: string, task: Pick<CodingTask, 'title' | 'body'>, k: number, labels: MemoryLabels, excludeRecordId?: string): RetrievedPair[] {
    const ranked = this.index.rank(taskText(task), Math.max(50, k * 10));
    const pairs: (RetrievedPair & { tier: number; rank: number })[] = [];
    ranked.forEach(({ id, score }, rank) => {
      if (id === excludeRecordId) return;
      const r = this.byId.get(id);
      if (!r) return;
      const mine = bestBidOf(r, agent);
      const win = this.winLabel(r, labels);
      if (!mine || !win) return;
      const winBid = bestBidOf(r, win.agent);
      if (!winBid) return;
      let losing: MemoryBid | undefined;
      let winning: MemoryBid;
      if (win.agent === agent) {
        winning = mine;
        losing = r.bids.filter((b) => b.agent !== agent).sort((a, b) => a.score - b.score)[0];
      } else {
        winning = winBid;
        losing = mine;
      }
      if (!losing) return;
      pairs.push({
        recordId: r.id,
        similarity: score,
        task: splitTaskText(r.task.text),
        losing: { agent: losing.agent, plan: losing.plan },
        winning: { agent: winning.agent, plan: winning.plan, passed: win.passed },
        tier: win.tier,
        rank,
      });
    });
    pairs.sort((a, b) => a.tier - b.tier || a.rank - b.rank);
    return pairs.slice(0, k).map(({ tier: _t, rank: _r, ...p }) => p);
  }

  async recordAuction(task: CodingTask, auction: AuctionRecord): Promise<MemoryRecord> {
    const rec: MemoryRecord = {
      schema: MEMORY_SCHEMA_VERSION,
      id: randomUUID(),
      time: new Date().toISOString(),
      task: { id: task.id, text: taskText(task), source: task.source, repo: task.repo, ...(task.family ? { family: task.family } : {}) },
      bids: auction.bids
        .filter((b) => !b.error)
        .map((b) => ({
          agent: b.agent,
          plan: b.raw,
          tokens: b.tokens,
          entropy: b.entropy,
          jury: b.jury.map((j) => ({ judge: j.judge, score: j.score })),
          cost: b.cost,
          value: b.value,
          score: b.score,
          refined: b.refined,
        })),
      winner: auction.winner,
      auctionUsd: auctionUsageTotals(auction).usd,
      outcome: null,
    };
    this.remember(rec);
    await this.store.append(rec);
    return rec;
  }

  async setOutcome(id: string, outcome: Outcome): Promise<void> {
    const r = this.byId.get(id);
    if (!r) return;
    const next = { ...r, outcome };
    this.byId.set(id, next);
    await this.store.update(next);
  }

  async setKept(id: string, kept: boolean): Promise<void> {
    const r = this.byId.get(id);
    if (!r?.outcome) return;
    await this.setOutcome(id, { ...r.outcome, kept });
  }
}
