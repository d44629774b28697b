/**
 * The plan of a task routed from memory (issue 8). Routing skips the auction, and with it the one place where
 * memory reached the models: refinement's examples. So the routed agent writes its plan with the winning plans of
 * the repository's most similar past tasks in front of it (one call, budgeted like an auction call), and executes
 * that plan instead of none. When memory has no winning plan to show, or the call fails, the agent runs without a
 * plan as before, and the record says why.
 */
import { type Bid, type UsageTotals, addUsage, emptyUsage } from '../auction/auctionRecord';
import type { AuctionSettings } from '../auction/auctionSettings';
import { parsePlan, planProblem } from '../auction/planParser';
import { type RepoContext, routedPlanMessages } from '../auction/prompts';
import { type TaskBudget, chatWithinBudget } from '../callBudget';
import { CancelledError, errorMessage } from '../errors';
import type { MemoryReader } from '../memory/auctionMemory';
import { type CancelSignal, abortSignalFor } from '../ports/cancel';
import { type ChatModel, thinkingTokensOf } from '../ports/chatModel';
import type { CodingTask } from '../task';
import { placeholderBid } from './routedRecord';

export interface RoutedPlanInput {
  model: ChatModel;
  task: CodingTask;
  repoContext: RepoContext;
  /** For a plan written once the task is recorded (an escalation's), memory without its record (`without`). */
  memory: MemoryReader;
  settings: Pick<AuctionSettings, 'memoryLabels' | 'sameRepoFirst' | 'maxPlanTokens' | 'seed'>;
  /** Past tasks to show (routing's planExamples). */
  examples: number;
  /** Show past tasks whose executed plan failed too, labelled so (routing's planFailures). */
  failures: boolean;
  /** The task's budget, shared with the calls around this one. */
  budget?: TaskBudget;
  signal?: CancelSignal;
}

export interface RoutedPlan {
  /** The routed agent's bid: its plan from memory, or the no-plan placeholder when there is none. */
  bid: Bid;
  usage: UsageTotals;
  /** Past tasks shown to the agent (0: none to show, no call made). */
  examples: number;
  /** One line for the record's explanation. */
  note: string;
}

export async function planFromMemory(input: RoutedPlanInput): Promise<RoutedPlan> {
  const { model, task, settings } = input;
  const usage = emptyUsage();
  const placeholder = placeholderBid(model);
  const examples = input.memory.retrieveWins(task, input.examples, { labels: settings.memoryLabels, sameRepoFirst: settings.sameRepoFirst, failures: input.failures });
  if (examples.length === 0) {
    return { bid: placeholder, usage, examples: 0, note: 'No winning plan of a similar past task to learn from: the agent works without a plan.' };
  }
  const messages = routedPlanMessages(model.agent.id, task, input.repoContext, examples, settings.maxPlanTokens);
  const abort = abortSignalFor(input.signal);
  try {
    const r = await chatWithinBudget(input.budget, model, { messages, maxTokens: settings.maxPlanTokens, temperature: 0.7, purpose: 'bid', signal: abort.signal, seed: settings.seed }, 'Plan from memory');
    addUsage(usage, r);
    const thinkingTokens = thinkingTokensOf(r);
    const problem = planProblem(r.text);
    const cost = `$${r.usd.toFixed(5)}`;
    if (problem) {
      return { bid: { ...placeholder, bidUsd: r.usd }, usage, examples: examples.length, note: `${model.agent.id}'s plan from memory was unusable (${problem}; ${cost}): it works without a plan.` };
    }
    const bid: Bid = {
      ...placeholder,
      raw: r.text,
      plan: parsePlan(r.text),
      tokens: r.outputTokens - thinkingTokens,
      ...(r.thoughts ? { thoughts: r.thoughts } : {}),
      ...(thinkingTokens ? { thinkingTokens } : {}),
      bidUsd: r.usd,
    };
    const failed = examples.filter((e) => e.winning.passed === false).length;
    const ofWhich = failed ? `, ${failed === examples.length ? (failed === 1 ? 'which' : 'all of which') : `${failed} of which`} failed` : '';
    return { bid, usage, examples: examples.length, note: `${model.agent.id} wrote its plan from ${examples.length} similar past task${examples.length === 1 ? '' : 's'} here${ofWhich} (${cost}).` };
  } catch (e) {
    if (input.signal?.cancelled) throw new CancelledError('Run');
    return { bid: placeholder, usage, examples: examples.length, note: `${model.agent.id} could not write a plan from memory (${errorMessage(e)}): it works without a plan.` };
  } finally {
    abort.dispose();
  }
}
