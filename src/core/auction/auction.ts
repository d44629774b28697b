/*
 * The strategy auction (DESIGN §1). Over 300 lines on purpose: bids, jury, refinement and the winner share one
 * budgeted `call` closure and one explanation, and read best top to bottom in the order the auction runs them.
 */
import { type AuctionRecord, type Bid, type JuryScore, type UsageTotals, addUsage, emptyUsage } from './auctionRecord';
import type { AuctionMemory } from '../memory/auctionMemory';
import type { AuctionSettings } from './auctionSettings';
import { availableTopK, commonTopK, meanEntropy } from './entropy';
import { CancelledError, SaleError, errorMessage } from '../errors';
import type { SaleEvent } from '../events';
import { parseBatchScores, parsePairScore } from './juryParser';
import { parsePlan, planProblem } from './planParser';
import { type CancelSignal, abortSignalFor } from '../ports/cancel';
import { type Clock, systemClock } from '../ports/clock';
import { type RepoContext, trimRepoContext } from './prompts';
import { bestPossibleScore, couldBeat, panelWeight } from './scoreBounds';
import { argminScore, juryMean, scoreBid } from './scoring';
import { auctionPrompts } from './sharedPrefixPrompts';
import { mapLimit } from '../mapLimit';
import { seededShuffle } from './seededShuffle';
import type { CodingTask } from '../task';
import { type ChatModel, type ChatResult, type TokenLogprob, thinkingTokensOf } from '../ports/chatModel';
import { blendedPrice } from '../pricing';
import { explainAuction } from './explain';
import { taskTextNotice } from '../inputLimits';
import { BudgetError, TaskBudget, chatWithinBudget } from '../callBudget';

export interface AuctionOptions {
  task: CodingTask;
  repoContext: RepoContext;
  /** One model per agent of the pool. */
  models: ChatModel[];
  settings: AuctionSettings;
  memory?: AuctionMemory;
  signal?: CancelSignal;
  onEvent?: (e: SaleEvent) => void;
  /** Shown in the auction-start event (the UI labels simulated pools). */
  simulated?: boolean;
  /** Max concurrent model calls (per-pair jury makes |A|² calls). */
  concurrency?: number;
  /**
   * The task's budget (dollars and tokens). Each call reserves its worst case (max_tokens × output price +
   * a bound of its prompt tokens × input price) first and does not start when that would overrun the budget.
   */
  budget?: { maxUsd: number; maxTokens: number };
  /** Time source for `startedAt` and `durationMs`; the system clock unless a test fixes it. */
  clock?: Clock;
}

interface Draft {
  model: ChatModel;
  round: number;
  raw: string;
  /** Plan tokens: billed output minus thinking tokens. */
  tokens: number;
  logprobs?: TokenLogprob[];
  /** Set once the auction's common top-k is known (entropy.ts). */
  entropy: number | null;
  bidUsd: number;
  thoughts?: string;
  thinkingTokens?: number;
  error?: string;
  /** The call was never started: its worst case did not fit in the budget. */
  overBudget?: boolean;
}

type Messages = Parameters<ChatModel['chat']>[0]['messages'];

/** Error code the model adapter gives "context length exceeded" (core does not import the adapter). */
const isContextTooLong = (e: unknown) => (e as { code?: unknown })?.code === 'context-length';

/**
 * The strategy auction of DESIGN §1: bids, jury, provisional winner by min C − V, refinement by strictly
 * cheaper agents from memory, replacement only when strictly better. Returns a full serialisable record.
 */
export async function runAuction(opts: AuctionOptions): Promise<AuctionRecord> {
  const abort = abortSignalFor(opts.signal);
  try {
    return await auctionWith(opts, abort.signal);
  } finally {
    abort.dispose();
  }
}

async function auctionWith(opts: AuctionOptions, abort: AbortSignal | undefined): Promise<AuctionRecord> {
  const { task, settings, models } = opts;
  if (models.length === 0) throw new SaleError('The pool has no agents.');
  const clock = opts.clock ?? systemClock;
  const started = clock.now();
  const startedAt = new Date(started).toISOString();
  const emit = (e: SaleEvent) => opts.onEvent?.(e);
  const checkCancel = () => {
    if (opts.signal?.cancelled) throw new CancelledError('Auction');
  };
  const usage = { bids: emptyUsage(), jury: emptyUsage(), refinement: emptyUsage() };
  const explanation: string[] = [];
  const concurrency = opts.concurrency ?? 8;
  const price = new Map(models.map((m) => [m.agent.id, blendedPrice(m.agent.price)]));
  const seed = settings.seed;
  const prompts = auctionPrompts(settings.promptLayout);

  const budget = opts.budget ? new TaskBudget(opts.budget) : undefined;
  const noted = new Set<string>();
  const note = (line: string) => {
    if (noted.has(line)) return;
    noted.add(line);
    explanation.push(line);
    emit({ type: 'log', level: 'warn', message: line });
  };
  const loadingShown = new Set<string>();
  const call = async (m: ChatModel, phase: UsageTotals, req: Parameters<ChatModel['chat']>[0], what: string): Promise<ChatResult> => {
    checkCancel();
    const onSlowStart = (waitedMs: number) => {
      // Once per agent: a cold model loads once, and n jury calls would otherwise say it n times.
      if (loadingShown.has(m.agent.id)) return;
      loadingShown.add(m.agent.id);
      emit({ type: 'model-loading', agent: m.agent.id, waitedMs });
    };
    const r = await chatWithinBudget(budget, m, { ...req, signal: abort, seed, onSlowStart }, what);
    addUsage(phase, r);
    if (r.usageEstimated) note(`${m.agent.id}: ${r.usageEstimated}.`);
    for (const n of r.notes ?? []) note(`${m.agent.id}: ${n}.`);
    return r;
  };

  const draftPlan = async (m: ChatModel, round: number, messagesFor: (ctx: RepoContext) => Messages, phase: UsageTotals): Promise<Draft> => {
    let ctx = opts.repoContext;
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await call(m, phase, {
          messages: messagesFor(ctx),
          maxTokens: settings.maxPlanTokens,
          logprobs: settings.useEntropy,
          temperature: 0.7,
          purpose: 'bid',
          onDelta: (text) => emit({ type: 'bid-delta', agent: m.agent.id, round, text }),
        }, round === 0 ? 'Bid' : 'Refined bid');
        const thinkingTokens = thinkingTokensOf(r);
        const thought = r.thoughts || thinkingTokens ? { ...(r.thoughts ? { thoughts: r.thoughts } : {}), thinkingTokens } : {};
        const problem = !r.text.trim() && thinkingTokens > 0
          ? `spent its whole budget thinking (${thinkingTokens} thinking tokens, no plan); set "thinking": {"bid": false} for it in the pool, or give it a larger "budgetTokens"`
          : planProblem(r.text);
        // Thoughts are billed (bidUsd) but are not the plan: C counts the plan's own tokens.
        return { model: m, round, raw: r.text, tokens: r.outputTokens - thinkingTokens, logprobs: r.logprobs, entropy: null, bidUsd: r.usd, ...thought, ...(problem ? { error: problem } : {}) };
      } catch (e) {
        if (opts.signal?.cancelled) throw new CancelledError('Auction');
        if (attempt === 0 && isContextTooLong(e)) {
          ctx = trimRepoContext(ctx);
          emit({ type: 'log', level: 'warn', message: `${m.agent.id}: prompt too long for its context window; retrying once with a trimmed repository context.` });
          continue;
        }
        return { model: m, round, raw: '', tokens: 0, entropy: null, bidUsd: 0, error: errorMessage(e), ...(e instanceof BudgetError ? { overBudget: true } : {}) };
      }
    }
  };

  emit({ type: 'auction-start', taskId: task.id, agents: models.map((m) => m.agent.id), simulated: !!opts.simulated });
  const tooLong = taskTextNotice(task);
  if (tooLong) note(tooLong);

  // 1. Bids, in parallel.
  const drafts = await Promise.all(models.map((m) => draftPlan(m, 0, (ctx) => prompts.bid(m.agent.id, task, ctx, settings.maxPlanTokens), usage.bids)));
  checkCancel();
  const valid = drafts.filter((d) => !d.error);
  // One top-k for every bid, so top-20 and top-5 servers give comparable entropies (entropy.ts).
  const entropyK = commonTopK(valid.map((d) => d.logprobs));
  for (const d of valid) d.entropy = meanEntropy(d.logprobs, entropyK);
  for (const d of drafts.filter((d) => d.error)) explanation.push(`${d.model.agent.id} did not bid: ${d.error}.`);
  if (valid.length === 0 && drafts.some((d) => d.overBudget)) {
    throw new BudgetError(`No agent could bid within the budget:\n${drafts.map((d) => `  - ${d.model.agent.id}: ${d.error}`).join('\n')}`);
  }
  if (valid.length === 0) {
    throw new SaleError(`No agent could bid:\n${drafts.map((d) => `  - ${d.model.agent.id}: ${d.error}`).join('\n')}`, 'no-bids');
  }
  // The full jury: agents that answered (an agent whose endpoint failed would only fail again, slowly). With
  // juryPanel 'cheaper-half' only its cheaper half is asked, and stands in for all of it (scoring.juryTerm).
  const fullJury = models.filter((m) => valid.some((d) => d.model === m));
  const judges = settings.juryPanel === 'cheaper-half' ? cheaperHalf(fullJury) : fullJury;
  const panel = fullJury.map((m) => m.agent.id);
  const fullPanelWeight = panelWeight(settings.weights, panel);
  if (judges.length < fullJury.length) explanation.push(`Jury: ${judges.map((m) => m.agent.id).join(', ')} (the cheaper half of the pool), standing in for all ${fullJury.length} agents.`);

  // 2–3. Jury.
  let juryDone = 0;
  const juryCalls = settings.juryMode === 'per-pair' ? judges.length * valid.length : judges.length;
  const juryFor = async (plans: Draft[]): Promise<Map<Draft, JuryScore[]>> => {
    const scores = new Map<Draft, JuryScore[]>(plans.map((p) => [p, []]));
    const tick = () => emit({ type: 'jury-progress', done: ++juryDone, total: juryCalls + (plans === valid ? 0 : settings.juryMode === 'per-pair' ? judges.length * plans.length : judges.length) });
    if (settings.juryMode === 'per-judge') {
      await mapLimit(judges, concurrency, async (judge) => {
        // Each judge sees the plans anonymised and in its own seeded order, so position tells nothing.
        const order = seededShuffle(plans, `${task.id}|${judge.agent.id}|${seed ?? ''}|${plans[0]?.round}`);
        const labelled = order.map((d, i) => ({ draft: d, label: i + 1 }));
        try {
          const r = await call(judge, usage.jury, { messages: prompts.juryBatch(judge.agent.id, task, labelled.map((l) => ({ label: l.label, text: l.draft.raw }))), json: true, temperature: 0, maxTokens: 120 + 60 * plans.length, purpose: 'judge' }, 'Jury call');
          const parsed = parseBatchScores(r.text, labelled.map((l) => l.label));
          for (const l of labelled) scores.get(l.draft)!.push({ judge: judge.agent.id, ...parsed.get(l.label)! });
        } catch (e) {
          if (opts.signal?.cancelled) throw new CancelledError('Auction');
          for (const l of labelled) scores.get(l.draft)!.push({ judge: judge.agent.id, score: null, note: `judge failed: ${errorMessage(e)}` });
        }
        tick();
      });
    } else {
      const pairs = judges.flatMap((judge) => plans.map((d) => ({ judge, d })));
      const results = await mapLimit(pairs, concurrency, async ({ judge, d }) => {
        let s: JuryScore;
        try {
          const r = await call(judge, usage.jury, { messages: prompts.juryPair(judge.agent.id, task, { label: 1, text: d.raw }), json: true, temperature: 0, maxTokens: 120, purpose: 'judge' }, 'Jury call');
          s = { judge: judge.agent.id, ...parsePairScore(r.text) };
        } catch (e) {
          if (opts.signal?.cancelled) throw new CancelledError('Auction');
          s = { judge: judge.agent.id, score: null, note: `judge failed: ${errorMessage(e)}` };
        }
        tick();
        return { d, s };
      });
      for (const { d, s } of results) scores.get(d)!.push(s);
    }
    // Keep juror order stable (pool order) for display and records.
    const rank = new Map(models.map((m, i) => [m.agent.id, i]));
    for (const list of scores.values()) list.sort((a, b) => rank.get(a.judge)! - rank.get(b.judge)!);
    return scores;
  };

  const useEntropy = settings.useEntropy && valid.every((d) => d.entropy !== null);
  if (settings.useEntropy && !useEntropy) {
    const missing = valid.filter((d) => d.entropy === null).map((d) => d.model.agent.id);
    explanation.push(`Entropy term dropped for every bid: no logprobs from ${missing.join(', ')} (comparing some bids with it and some without would be unfair).`);
  } else if (!settings.useEntropy) {
    explanation.push('Entropy term off by setting.');
  } else if (valid.some((d) => availableTopK(d.logprobs) !== entropyK)) {
    explanation.push(`Entropy measured on the ${entropyK} most likely alternatives of every token, renormalised (the most every bidder sent, up to 5), so bids are comparable.`);
  }

  const toBid = (d: Draft, jury: JuryScore[]): Bid => {
    const p = price.get(d.model.agent.id)!;
    const parts = scoreBid(settings.weights, p, d.tokens, useEntropy ? d.entropy : null, jury, fullPanelWeight);
    return {
      agent: d.model.agent.id,
      model: d.model.agent.model,
      round: d.round,
      refined: d.round > 0,
      raw: d.raw,
      plan: parsePlan(d.raw),
      tokens: d.tokens,
      ...(d.thoughts ? { thoughts: d.thoughts } : {}),
      ...(d.thinkingTokens ? { thinkingTokens: d.thinkingTokens } : {}),
      entropy: d.entropy,
      jury,
      juryMean: juryMean(jury),
      pricePerMTok: p,
      ...parts,
      estimatedExecUsd: (p * d.tokens * settings.execTokensPerPlanToken) / 1e6,
      bidUsd: d.bidUsd,
    };
  };
  const failedBid = (d: Draft): Bid => ({
    agent: d.model.agent.id, model: d.model.agent.model, round: d.round, refined: d.round > 0, raw: d.raw,
    plan: parsePlan(d.raw), tokens: d.tokens, ...(d.thoughts ? { thoughts: d.thoughts } : {}), ...(d.thinkingTokens ? { thinkingTokens: d.thinkingTokens } : {}),
    entropy: d.entropy, jury: [], juryMean: null,
    pricePerMTok: price.get(d.model.agent.id)!, cost: 0, valueEntropy: 0, valueJury: 0, value: 0,
    score: Number.POSITIVE_INFINITY, estimatedExecUsd: 0, bidUsd: d.bidUsd, error: d.error,
  });

  const juryScores = await juryFor(valid);
  checkCancel();
  const bids: Bid[] = [];
  for (const d of drafts) {
    const b = d.error ? failedBid(d) : toBid(d, juryScores.get(d)!);
    bids.push(b);
    emit({ type: 'bid', bid: b });
  }
  const scorable = bids.map((b, i) => ({ b, i })).filter(({ b }) => !b.error);
  const provisionalIdx = scorable[argminScore(scorable.map(({ b }) => b))].i;
  const provisional = bids[provisionalIdx];
  emit({ type: 'scored', bids, provisionalWinner: provisional.agent });

  // 5. Refinement: only agents strictly cheaper than the provisional winner, only with memory examples.
  let winnerIdx = provisionalIdx;
  const refinements: AuctionRecord['refinements'] = [];
  if (settings.refine && opts.memory) {
    const cheaper = scorable.filter(({ b }) => b.pricePerMTok < provisional.pricePerMTok);
    const bound = (b: { pricePerMTok: number; planTokens?: number; entropy?: number | null }) =>
      bestPossibleScore(settings.weights, { ...b, useEntropy, panel });
    const jobs = cheaper
      .map(({ b }) => ({ b, examples: opts.memory!.retrievePairs(b.agent, task, settings.k, { labels: settings.memoryLabels, sameRepoFirst: settings.sameRepoFirst }) }))
      .filter((j) => {
        if (j.examples.length === 0) refinements.push({ agent: j.b.agent, examples: 0, replacedWinner: false, error: 'no similar past auctions in memory' });
        else if (settings.skipUselessRefinement && !couldBeat(bound({ pricePerMTok: j.b.pricePerMTok }), provisional.score)) {
          refinements.push({ agent: j.b.agent, examples: j.examples.length, replacedWinner: false, skipped: `even a perfect refined bid (score ${f(bound({ pricePerMTok: j.b.pricePerMTok }))}) could not beat ${f(provisional.score)}` });
          return false;
        }
        return j.examples.length > 0;
      });
    if (jobs.length) {
      emit({ type: 'refine-start', agents: jobs.map((j) => j.b.agent) });
      const refinedDrafts = await Promise.all(
        jobs.map((j) => {
          const m = models.find((x) => x.agent.id === j.b.agent)!;
          return draftPlan(m, 1, (ctx) => prompts.refine(m.agent.id, task, ctx, j.b.raw, j.examples, settings.maxPlanTokens), usage.refinement);
        }),
      );
      checkCancel();
      for (const d of refinedDrafts.filter((x) => !x.error)) d.entropy = meanEntropy(d.logprobs, entropyK || commonTopK([d.logprobs]));
      // A refined plan that could not beat the provisional winner even with every judge at 5 is not judged.
      const hopeless = new Set(settings.skipUselessRefinement
        ? refinedDrafts.filter((d) => !d.error && !couldBeat(bound({ pricePerMTok: price.get(d.model.agent.id)!, planTokens: d.tokens, entropy: useEntropy ? d.entropy : null }), provisional.score))
        : []);
      const ok = refinedDrafts.filter((d) => !d.error && !hopeless.has(d));
      const refinedJury = ok.length ? await juryFor(ok) : new Map<Draft, JuryScore[]>();
      checkCancel();
      refinedDrafts.forEach((d, i) => {
        const examples = jobs[i].examples.length;
        if (d.error) {
          refinements.push({ agent: d.model.agent.id, examples, replacedWinner: false, error: d.error });
          bids.push(failedBid(d));
          return;
        }
        const b = toBid(d, refinedJury.get(d) ?? []);
        bids.push(b);
        emit({ type: 'bid', bid: b });
        // Strictly better than the provisional winner, and better than any refined bid accepted so far.
        const replaces = !hopeless.has(d) && b.score < provisional.score && b.score < bids[winnerIdx].score;
        if (replaces) winnerIdx = bids.length - 1;
        refinements.push({ agent: b.agent, examples, replacedWinner: false, ...(hopeless.has(d) ? { skipped: 'not judged: could not beat the provisional winner even with every judge at 5' } : {}) });
      });
      for (const r of refinements) r.replacedWinner = bids[winnerIdx].refined && bids[winnerIdx].agent === r.agent && !r.error;
    }
    for (const r of refinements.filter((x) => x.skipped)) explanation.push(`Refinement by ${r.agent} skipped: ${r.skipped}.`);
  } else if (settings.refine && !opts.memory) {
    explanation.push('No memory given: refinement skipped.');
  }

  const winner = bids[winnerIdx];
  explanation.unshift(...explainAuction(bids, winner, provisional, useEntropy, settings.weights));
  const record: AuctionRecord = {
    taskId: task.id,
    startedAt,
    durationMs: clock.now() - started,
    juryMode: settings.juryMode,
    weights: settings.weights,
    bids,
    provisionalWinner: provisional.agent,
    winner: winner.agent,
    winnerBidIndex: winnerIdx,
    refinements,
    explanation,
    usage,
  };
  emit({ type: 'auction-done', record });
  return record;
}

const f = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(3));

/** The `n` cheapest agents by blended price, in their own order (the cheap jury, a routed plan's check). */
export function cheapestModels(models: ChatModel[], n: number): ChatModel[] {
  const keep = new Set([...models].sort((a, b) => blendedPrice(a.agent.price) - blendedPrice(b.agent.price)).slice(0, n));
  return models.filter((m) => keep.has(m));
}

/** The cheaper half of the agents by price (rounded up, at least one), in their own order. */
export function cheaperHalf(models: ChatModel[]): ChatModel[] {
  return cheapestModels(models, Math.max(1, Math.ceil(models.length / 2)));
}
