import { MAX_MEMORY_PLAN_CHARS, MAX_MEMORY_TASK_CHARS, clipWithNotice } from '../inputLimits';
import { randomUUID } from 'node:crypto';
import { type AuctionRecord, auctionUsageTotals } from '../auction/auctionRecord';
import { bestBidOf, compareBids } from '../auction/bestBids';
import type { MemoryBid, MemoryRecord, OutcomeInput } from './memoryRecord';
import type { MemoryStore } from '../ports/memoryStore';
import { MEMORY_SCHEMA_VERSION, OutcomeSchema } from './memoryRecord';
import { type ContrastExample, NO_PLAN } from '../auction/prompts';
import { TaskIndex } from './bm25TaskIndex';
import { type CodingTask, taskText } from '../task';
import type { SimilarRecord } from '../routing/agentEstimates';

export type MemoryLabels = 'outcome' | 'auction';

/** Which past tasks retrieval offers as examples, and in what order. */
export interface ExampleChoice {
  labels: MemoryLabels;
  /**
   * The task's own repository's past tasks before any other repository's (each group by similarity). In the editor a
   * memory is one repository's; it holds others' records when imported or, in the bench, shared by a stream.
   */
  sameRepoFirst?: boolean;
  /**
   * With 'outcome' labels, past tasks whose executed plan failed count too, labelled tests-passed="false" and ranked
   * with the passed ones: what was tried here and failed. Off: they are skipped.
   */
  failures?: boolean;
}

/** The task retrieval looks for: its text, and its repository for `sameRepoFirst`. */
type ExampleQuery = Pick<CodingTask, 'title' | 'body'> & { repo?: string };

export interface RetrievedPair extends ContrastExample {
  recordId: string;
  similarity: number;
  losing: { agent: string; plan: string };
}

/** A past task's winning plan (and its best losing plan, when it had one), whoever wrote it. */
export interface RetrievedWin extends ContrastExample {
  recordId: string;
  similarity: number;
}

/** Lowest-score bid of any other agent in a record. */
function bestOtherBid(r: MemoryRecord, agent: string): MemoryBid | undefined {
  return r.bids.filter((b) => b.agent !== agent).sort(compareBids)[0];
}

/** A record whose task text and plans fit the memory caps (the same object when they already do). */
function smallRecord(r: MemoryRecord): MemoryRecord {
  const big = r.task.text.length > MAX_MEMORY_TASK_CHARS || r.bids.some((b) => b.plan.length > MAX_MEMORY_PLAN_CHARS);
  if (!big) return r;
  return {
    ...r,
    task: { ...r.task, text: clipWithNotice(r.task.text, MAX_MEMORY_TASK_CHARS, 'task text') },
    bids: r.bids.map((b) => ({ ...b, plan: clipWithNotice(b.plan, MAX_MEMORY_PLAN_CHARS, 'plan') })),
  };
}

/** Title/body split of the stored task text (first line is the title). */
function splitTaskText(text: string): { title: string; body: string } {
  const [title, ...rest] = text.split('\n');
  return { title: title.trim(), body: rest.join('\n').trim() };
}

/**
 * What deciding a task reads from memory. `AuctionMemory.without(id)` gives one without a task's own record: a task
 * is recorded before it executes (so a crash keeps its auction), and what happens after (escalation's estimates, an
 * escalated agent's plan) must not learn from the task itself, which would be its own best match.
 */
export interface MemoryReader {
  records(): MemoryRecord[];
  similar(task: Pick<CodingTask, 'title' | 'body' | 'focusFiles'>, k: number): SimilarRecord[];
  retrievePairs(agent: string, task: ExampleQuery, k: number, choice: ExampleChoice): RetrievedPair[];
  retrieveWins(task: ExampleQuery, k: number, choice: ExampleChoice): RetrievedWin[];
}

/**
 * The auction memory: past tasks with every bid, the winner and the outcome. Retrieval gives an agent the
 * (losing plan, winning plan) pairs of the most similar past tasks in which one of the plans is its own.
 */
export class AuctionMemory implements MemoryReader {
  private readonly byId = new Map<string, MemoryRecord>();
  private readonly index = new TaskIndex();

  private constructor(private readonly store: MemoryStore) {}

  static async open(store: MemoryStore): Promise<AuctionMemory> {
    const m = new AuctionMemory(store);
    for (const r of await store.load()) m.remember(r);
    return m;
  }

  /** Records from older versions (or other tools) may be huge: they are cut on the way in, like new ones. */
  private remember(raw: MemoryRecord): void {
    const r = smallRecord(raw);
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

  /** This memory as it reads without one record (a task's own, while it runs); later writes show through. */
  without(recordId: string): MemoryReader {
    return {
      records: () => this.records().filter((r) => r.id !== recordId),
      similar: (task, k) => this.similar(task, k, recordId),
      retrievePairs: (agent, task, k, choice) => this.retrievePairs(agent, task, k, choice, recordId),
      retrieveWins: (task, k, choice) => this.retrieveWins(task, k, choice, recordId),
    };
  }

  /**
   * The k past tasks most similar to `task` (BM25 over the task text and the files it names), each with its
   * similarity relative to the best match (1). `exclude` (through `without`): the task's own record, once it is in
   * memory (during its execution); left in, it would be its own best match and shrink every real neighbour's
   * similarity to a sliver.
   */
  similar(task: Pick<CodingTask, 'title' | 'body' | 'focusFiles'>, k: number, exclude?: string): SimilarRecord[] {
    const query = [taskText(task), ...(task.focusFiles ?? [])].join('\n');
    const ranked = this.index.rank(query, exclude === undefined ? k : k + 1).filter((r) => r.id !== exclude).slice(0, k);
    const top = ranked[0]?.score ?? 0;
    const out: SimilarRecord[] = [];
    for (const { id, score } of ranked) {
      const record = this.byId.get(id);
      if (record && top > 0) out.push({ record, similarity: score / top });
    }
    return out;
  }

  /** Which agent's plan counts as the "win" of a record, or undefined if the record teaches nothing. */
  private winLabel(r: MemoryRecord, choice: ExampleChoice): { agent: string; passed: boolean | null; tier: number } | undefined {
    if (choice.labels === 'auction') return r.winner ? { agent: r.winner, passed: r.outcome?.passed ?? null, tier: 0 } : undefined;
    if (r.outcome?.passed) return { agent: r.outcome.executedBy, passed: true, tier: 0 };
    if (!r.outcome && r.winner) return { agent: r.winner, passed: null, tier: 1 };
    // Executed and failed: no example of a win, though with `failures` an example of what did not work.
    if (r.outcome && choice.failures) return { agent: r.outcome.executedBy, passed: false, tier: 0 };
    return undefined;
  }

  /**
   * Up to k pairs from the most similar past tasks where `agent` bid. If the agent won, its plan is the win and
   * the best other plan the loss; otherwise its best plan is the loss. With 'outcome' labels, records whose
   * executed plan passed come first, then records never executed; records whose execution failed are skipped unless
   * `choice.failures` (ranked with the passed ones then); `choice.sameRepoFirst` orders within each group.
   */
  retrievePairs(agent: string, task: ExampleQuery, k: number, choice: ExampleChoice, excludeRecordId?: string): RetrievedPair[] {
    const pairs: RetrievedPair[] = [];
    for (const { r, win, winBid, similarity } of this.labelledWins(task, k, choice, excludeRecordId)) {
      const mine = bestBidOf(r.bids, agent);
      if (!mine) continue;
      const [winning, losing] = win.agent === agent ? [mine, bestOtherBid(r, agent)] : [winBid, mine];
      if (!losing) continue;
      pairs.push({
        recordId: r.id,
        similarity,
        task: splitTaskText(r.task.text),
        losing: { agent: losing.agent, plan: losing.plan },
        winning: { agent: winning.agent, plan: winning.plan, passed: win.passed },
      });
      if (pairs.length === k) break;
    }
    return pairs;
  }

  /**
   * The winning plans of the k most similar past tasks, whoever wrote them (a routed agent's plan from memory,
   * routedPlan.ts). Same labels and order as retrievePairs; a record with no plan for its win is skipped.
   */
  retrieveWins(task: ExampleQuery, k: number, choice: ExampleChoice, excludeRecordId?: string): RetrievedWin[] {
    return this.labelledWins(task, k, choice, excludeRecordId).slice(0, k).map(({ r, win, winBid, similarity }) => {
      const losing = bestOtherBid(r, win.agent);
      return {
        recordId: r.id,
        similarity,
        task: splitTaskText(r.task.text),
        ...(losing ? { losing: { agent: losing.agent, plan: losing.plan } } : {}),
        winning: { agent: winBid.agent, plan: winBid.plan, passed: win.passed },
      };
    });
  }

  /**
   * The most similar past tasks (BM25 over the task text) that teach something under `choice.labels`, each with its
   * win and the plan that won: records whose executed plan passed (or failed, with `failures`) first, then records
   * never executed; within each, this repository's first with `sameRepoFirst`, then by rank.
   */
  private labelledWins(task: ExampleQuery, k: number, choice: ExampleChoice, excludeRecordId?: string) {
    const out: { r: MemoryRecord; win: NonNullable<ReturnType<AuctionMemory['winLabel']>>; winBid: MemoryBid; similarity: number; rank: number }[] = [];
    this.index.rank(taskText(task), Math.max(50, k * 10)).forEach(({ id, score }, rank) => {
      const r = id === excludeRecordId ? undefined : this.byId.get(id);
      const win = r && this.winLabel(r, choice);
      const winBid = r && win && bestBidOf(r.bids, win.agent);
      if (r && win && winBid) out.push({ r, win, winBid, similarity: score, rank });
    });
    const elsewhere = (x: (typeof out)[number]) => (choice.sameRepoFirst && task.repo !== undefined && x.r.task.repo !== task.repo ? 1 : 0);
    return out.sort((a, b) => a.win.tier - b.win.tier || elsewhere(a) - elsewhere(b) || a.rank - b.rank);
  }

  async recordAuction(task: CodingTask, auction: AuctionRecord): Promise<MemoryRecord> {
    const rec: MemoryRecord = {
      schema: MEMORY_SCHEMA_VERSION,
      id: randomUUID(),
      time: new Date().toISOString(),
      task: { id: task.id, text: clipWithNotice(taskText(task), MAX_MEMORY_TASK_CHARS, 'task text'), source: task.source, repo: task.repo },
      // A routed task had no auction: its placeholder (no plan) is no example. A plan written from memory
      // (routedPlan.ts) is kept: it can be a later routed task's example, though never a jury opinion (no jury).
      bids: auction.bids
        .filter((b) => !b.error && !(auction.routing?.mode === 'routed' && b.raw === NO_PLAN))
        .map((b) => ({
          agent: b.agent,
          plan: clipWithNotice(b.raw, MAX_MEMORY_PLAN_CHARS, 'plan'),
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
      ...(auction.routing ? { routing: { mode: auction.routing.mode, agent: auction.routing.agent, cause: auction.routing.cause, reason: auction.routing.reason.slice(0, 2000) } } : {}),
      outcome: null,
    };
    this.remember(rec);
    await this.store.append(rec);
    return rec;
  }

  async setOutcome(id: string, input: OutcomeInput): Promise<void> {
    const r = this.byId.get(id);
    if (!r) return;
    const next = { ...r, outcome: OutcomeSchema.parse(input) };
    this.byId.set(id, next);
    await this.store.update(next);
  }

  async setKept(id: string, kept: boolean): Promise<void> {
    const r = this.byId.get(id);
    if (!r?.outcome) return;
    await this.setOutcome(id, { ...r.outcome, kept });
  }
}
