import type { CodingTask } from '../task';
import {
  type ContrastExample, JURY_BATCH_INSTRUCTION, JURY_PAIR_INSTRUCTION, PROMPT_HEADERS, type PlanForJury, type RepoContext,
  bidInstruction, bidMessages, examplesBlock, juryBatchMessages, juryPairMessages, planBlocks, refineInstruction, refineMessages,
  repoBlock, taskBlock,
} from './prompts';

/**
 * The auction's prompts laid out for prompt caching: every call to one model starts with the same system
 * message; bids and jury calls then repeat the task (bids also the repository), and every call ends with the
 * part only it has, opened by its header line (`detectPromptKindOf`). Providers that cache prompt
 * prefixes then serve the shared part of the jury and refinement calls from cache. Same words as the paper
 * layout (prompts.ts), reordered, plus one short system line and two message separators per call (measured:
 * about 20 more input tokens a call), so without a cache discount it costs slightly more.
 */
// Short on purpose: it is the only text the paper layout does not send.
const SYSTEM = (agentId: string) => `You are ${agentId}, a coding agent in a SALE auction. The last message says what to do now.`;

const system = (agentId: string) => ({ role: 'system' as const, content: SYSTEM(agentId) });
const user = (content: string) => ({ role: 'user' as const, content });

export function sharedBidMessages(agentId: string, task: CodingTask, ctx: RepoContext, maxTokens: number) {
  return [system(agentId), user(taskBlock(task)), user(repoBlock(ctx)), user(`${PROMPT_HEADERS.bid}\n${bidInstruction(agentId, maxTokens)}`)];
}

export function sharedJuryBatchMessages(judgeId: string, task: CodingTask, plans: PlanForJury[]) {
  return [system(judgeId), user(taskBlock(task)), user(`${PROMPT_HEADERS.juryBatch}\n${JURY_BATCH_INSTRUCTION}\n\n${planBlocks(plans)}`)];
}

export function sharedJuryPairMessages(judgeId: string, task: CodingTask, plan: PlanForJury) {
  return [system(judgeId), user(taskBlock(task)), user(`${PROMPT_HEADERS.juryPair}\n${JURY_PAIR_INSTRUCTION}\n\n${planBlocks([plan])}`)];
}

/**
 * Refinement keeps the paper's order inside its call — the memory examples before the task — because
 * consecutive refinements by one agent on similar tasks retrieve the same leading examples, and that run
 * (often over 1,000 tokens) is the longest prefix a refinement can repeat; the task-first prefix it would
 * share with its own bid is a few hundred tokens.
 */
export function sharedRefineMessages(agentId: string, task: CodingTask, ctx: RepoContext, ownPlan: string, examples: ContrastExample[], maxTokens: number) {
  return [
    system(agentId), user(examplesBlock(examples)), user(`${taskBlock(task)}\n\n${repoBlock(ctx)}`),
    user(`${PROMPT_HEADERS.refine}\n${refineInstruction(agentId, maxTokens, 'above')}\n\n<your-plan>\n${ownPlan.trim()}\n</your-plan>`),
  ];
}

export type PromptLayout = 'paper' | 'shared-prefix';

/** The four auction prompts of a layout, with one signature (judges are named; the paper layout ignores it). */
export function auctionPrompts(layout: PromptLayout) {
  if (layout === 'shared-prefix') {
    return { bid: sharedBidMessages, juryBatch: sharedJuryBatchMessages, juryPair: sharedJuryPairMessages, refine: sharedRefineMessages };
  }
  return {
    bid: bidMessages,
    juryBatch: (_judge: string, task: CodingTask, plans: PlanForJury[]) => juryBatchMessages(task, plans),
    juryPair: (_judge: string, task: CodingTask, plan: PlanForJury) => juryPairMessages(task, plan),
    refine: refineMessages,
  };
}
