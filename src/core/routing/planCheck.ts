/**
 * A check of a routed plan (issue 8). Routing's neighbours tell how an agent does on tasks *like* this one, not on
 * this one: within a family of similar tasks difficulty still varies, and a cheap agent routed to a hard task
 * fails where the auction would have chosen better. The routed agent has already written its plan from memory,
 * so the pool's cheapest other agents judge that one plan (one short call each, the auction's single-plan jury
 * prompt). A plan they rate below `checkMinScore` is not run (checkedRoute.ts decides what happens instead). The
 * check reads only the task and the plan, like any juror.
 */
import { type JuryScore, type UsageTotals, addUsage, emptyUsage } from '../auction/auctionRecord';
import { cheapestModels } from '../auction/auction';
import { parsePairScore } from '../auction/juryParser';
import { juryPairMessages } from '../auction/prompts';
import { juryMeanOf } from './agentEstimates';
import { type TaskBudget, chatWithinBudget } from '../callBudget';
import { CancelledError, errorMessage } from '../errors';
import { mapLimit } from '../mapLimit';
import { type CancelSignal, abortSignalFor } from '../ports/cancel';
import type { ChatModel } from '../ports/chatModel';
import type { CodingTask } from '../task';

export interface PlanCheckInput {
  /** The pool. */
  models: ChatModel[];
  /** The agent routed to; it does not judge its own plan. */
  routed: ChatModel;
  task: CodingTask;
  plan: string;
  /** How many of the cheapest other agents judge. */
  jurors: number;
  /** Mean score (0–5) at or above which the routed plan runs. */
  minScore: number;
  /** The task's budget, shared with the calls around this one. */
  budget?: TaskBudget;
  seed?: number;
  signal?: CancelSignal;
}

export interface PlanCheck {
  scores: JuryScore[];
  /** Mean of the readable scores; null when no juror answered. */
  mean: number | null;
  /** Whether the routed plan runs: its mean reached `minScore`, or nobody could judge it (routing stands). */
  passed: boolean;
  usage: UsageTotals;
  /** One sentence for the record's explanation. */
  note: string;
}

/** The `n` cheapest agents other than `routed` (pool order kept for display). */
export function checkJurors(models: ChatModel[], routed: ChatModel, n: number): ChatModel[] {
  return cheapestModels(models.filter((m) => m !== routed), n);
}

export async function checkRoutedPlan(input: PlanCheckInput): Promise<PlanCheck> {
  const usage = emptyUsage();
  const judges = checkJurors(input.models, input.routed, input.jurors);
  const agent = input.routed.agent.id;
  if (judges.length === 0) return { scores: [], mean: null, passed: true, usage, note: `No other agent to check ${agent}'s plan: it runs as routed.` };
  const budget = input.budget;
  const abort = abortSignalFor(input.signal);
  try {
    const messages = juryPairMessages(input.task, { label: 1, text: input.plan });
    const scores = await mapLimit(judges, judges.length, async (judge): Promise<JuryScore> => {
      try {
        const r = await chatWithinBudget(budget, judge, { messages, json: true, temperature: 0, maxTokens: 120, purpose: 'judge', signal: abort.signal, seed: input.seed }, 'Plan check');
        addUsage(usage, r);
        return { judge: judge.agent.id, ...parsePairScore(r.text) };
      } catch (e) {
        if (input.signal?.cancelled) throw new CancelledError('Run');
        return { judge: judge.agent.id, score: null, note: `judge failed: ${errorMessage(e)}` };
      }
    });
    const mean = juryMeanOf(scores);
    const cost = `$${usage.usd.toFixed(5)}`;
    const who = judges.map((j) => j.agent.id).join(', ');
    if (mean === null) return { scores, mean, passed: true, usage, note: `Nobody could check ${agent}'s plan (${who}; ${cost}): it runs as routed.` };
    const passed = mean >= input.minScore;
    const rated = `${who} rated ${agent}'s plan ${mean.toFixed(1)} of 5 (${cost})`;
    return {
      scores,
      mean,
      passed,
      usage,
      note: passed ? `Plan checked: ${rated}; it runs.` : `Plan check failed: ${rated}, below ${input.minScore}.`,
    };
  } finally {
    abort.dispose();
  }
}
