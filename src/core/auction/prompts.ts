import { MAX_TASK_PROMPT_CHARS, MAX_TASK_TITLE_CHARS, clipWithNotice } from '../inputLimits';
import type { CodingTask } from '../task';

/**
 * Prompts of every model call SALE makes. Each system prompt starts with a header line naming its kind, so
 * logs are readable and the simulated pool can tell calls apart without guessing. Real models ignore it.
 */
export const PROMPT_HEADERS = {
  bid: 'SALE bid v1',
  juryBatch: 'SALE jury v1',
  juryPair: 'SALE jury-one v1',
  refine: 'SALE refine v1',
  execute: 'SALE execute v1',
} as const;
export type PromptKind = keyof typeof PROMPT_HEADERS;

export function detectPromptKind(systemText: string): PromptKind | undefined {
  const first = systemText.split('\n', 1)[0].trim();
  for (const [k, h] of Object.entries(PROMPT_HEADERS)) if (first === h) return k as PromptKind;
  return undefined;
}

/**
 * The kind of a whole request: the system message's header (paper layout, execution), else the header that
 * opens the last user message (shared-prefix layout, sharedPrefixPrompts.ts, where the system message and the
 * task are the same for every call of an auction).
 */
export function detectPromptKindOf(messages: readonly { role: string; content?: unknown }[]): PromptKind | undefined {
  const text = (m: { content?: unknown } | undefined) => (typeof m?.content === 'string' ? m.content : '');
  const system = messages.find((m) => m.role === 'system' || m.role === 'developer');
  const users = messages.filter((m) => m.role === 'user');
  return detectPromptKind(text(system)) ?? detectPromptKind(text(users[users.length - 1]));
}

export const PLAN_SECTIONS = ['Approach', 'Files', 'Commands', 'Steps', 'Risks', 'Verification'] as const;

export const planFormat = `Write the plan in Markdown with exactly these sections, in this order:
## Approach — two or three sentences.
## Files — one path per line, "- path".
## Commands — one per line, "- command"; the test command first.
## Steps — a numbered list of concrete steps.
## Risks — what could go wrong.
## Verification — how you will know it works.
Do not write code. Do not edit anything: you have no tools now.`;

/** Every prompt names the task through here, so the caps on task text hold for all of them. */
export function taskBlock(task: Pick<CodingTask, 'title' | 'body'>, tag = 'task'): string {
  const title = clipWithNotice(task.title.trim(), MAX_TASK_TITLE_CHARS, 'title');
  const body = clipWithNotice(task.body.trim(), MAX_TASK_PROMPT_CHARS, 'task text');
  return `<${tag}>\n# ${title}\n\n${body}\n</${tag}>`;
}

export interface RepoContext {
  /** A compact file list (already capped). */
  files: string[];
  testCommand?: string;
  /** Short excerpts of the files the task points at. */
  excerpts?: { path: string; text: string }[];
}

/**
 * A smaller repository context for a retry after "context length exceeded": a quarter of the file list and
 * of each excerpt, half the excerpts. Once only: a prompt still too long then is the user's to shorten.
 */
export function trimRepoContext(ctx: RepoContext): RepoContext {
  const quarter = <T>(xs: T[]) => xs.slice(0, Math.max(1, Math.ceil(xs.length / 4)));
  const excerpts = (ctx.excerpts ?? []).slice(0, Math.ceil((ctx.excerpts ?? []).length / 2))
    .map((e) => ({ path: e.path, text: e.text.length > 400 ? `${e.text.slice(0, Math.ceil(e.text.length / 4))}\n… (trimmed)` : e.text }));
  return { files: ctx.files.length ? [...quarter(ctx.files), ...(ctx.files.length > 4 ? [`… (${ctx.files.length - Math.ceil(ctx.files.length / 4)} more files not shown)`] : [])] : [], ...(ctx.testCommand ? { testCommand: ctx.testCommand } : {}), ...(excerpts.length ? { excerpts } : {}) };
}

export function repoBlock(ctx: RepoContext): string {
  const parts = [`<repository>\n${ctx.files.join('\n')}\n</repository>`];
  parts.push(`Test command: ${ctx.testCommand ?? '(none found — propose one)'}`);
  for (const ex of ctx.excerpts ?? []) parts.push(`<file path="${ex.path}">\n${ex.text}\n</file>`);
  return parts.join('\n\n');
}

export const bidInstruction = (agentId: string, maxTokens: number) =>
  `You are ${agentId}, one of several coding agents bidding to be chosen for a task. ` +
  `Write a short strategic plan (at most ${maxTokens} tokens) for how you would solve it.\n${planFormat}`;

export function bidMessages(agentId: string, task: CodingTask, ctx: RepoContext, maxTokens: number) {
  return [
    {
      role: 'system' as const,
      content: `${PROMPT_HEADERS.bid}\n${bidInstruction(agentId, maxTokens)}`,
    },
    { role: 'user' as const, content: `${taskBlock(task)}\n\n${repoBlock(ctx)}` },
  ];
}

export interface PlanForJury {
  /** Anonymous label shown to the judge (1-based). */
  label: number;
  text: string;
}

export const JURY_BATCH_INSTRUCTION = `You judge plans written by coding agents for one task. Rate every plan from 0 ` +
  `(would not solve it) to 5 (would certainly solve it), judging only whether following it would make the tests pass. ` +
  `Answer with JSON only: {"scores":[{"plan":<id>,"score":<0-5>,"reason":"<short>"}]} with one entry per plan.`;

export const JURY_PAIR_INSTRUCTION = `You judge one plan written by a coding agent for a task. Rate it from 0 ` +
  `(would not solve it) to 5 (would certainly solve it), judging only whether following it would make the tests pass. ` +
  `Answer with JSON only: {"score":<0-5>,"reason":"<short>"}.`;

export function planBlocks(plans: PlanForJury[]): string {
  return plans.map((p) => `<plan id="${p.label}">\n${p.text.trim()}\n</plan>`).join('\n\n');
}

export function juryBatchMessages(task: CodingTask, plans: PlanForJury[]) {
  const body = planBlocks(plans);
  return [
    {
      role: 'system' as const,
      content: `${PROMPT_HEADERS.juryBatch}\n${JURY_BATCH_INSTRUCTION}`,
    },
    { role: 'user' as const, content: `${taskBlock(task)}\n\n${body}` },
  ];
}

export function juryPairMessages(task: CodingTask, plan: PlanForJury) {
  return [
    {
      role: 'system' as const,
      content: `${PROMPT_HEADERS.juryPair}\n${JURY_PAIR_INSTRUCTION}`,
    },
    { role: 'user' as const, content: `${taskBlock(task)}\n\n<plan id="${plan.label}">\n${plan.text.trim()}\n</plan>` },
  ];
}

export interface ContrastExample {
  task: { title: string; body: string };
  /** Absent for a past task that had no other plan (routed from memory, or a single bid). */
  losing?: { agent: string; plan: string };
  winning: { agent: string; plan: string; passed: boolean | null };
}

export function examplesBlock(examples: ContrastExample[]): string {
  const ex = examples
    .map((e, i) =>
      `<example n="${i + 1}">\n${taskBlock(e.task, 'past-task')}\n` +
      (e.losing ? `<losing-plan agent="${e.losing.agent}">\n${e.losing.plan.trim()}\n</losing-plan>\n` : '') +
      `<winning-plan agent="${e.winning.agent}" tests-passed="${e.winning.passed === null ? 'unknown' : e.winning.passed}">\n` +
      `${e.winning.plan.trim()}\n</winning-plan>\n</example>`)
    .join('\n\n');
  return `<examples>\n${ex}\n</examples>`;
}

export const refineInstruction = (agentId: string, maxTokens: number, where: 'above' | 'below' = 'below') =>
  `You are ${agentId}. You bid a plan for the task ${where} and a more expensive agent's plan ` +
  `is currently preferred. Here are past auctions on similar tasks, each with a losing and a winning plan (at least one ` +
  `of each pair is yours). For each pair, consider briefly why the winner won. Then write an improved plan for the ` +
  `current task (at most ${maxTokens} tokens).\n${planFormat}\nOutput only the improved plan.`;

export function refineMessages(agentId: string, task: CodingTask, ctx: RepoContext, ownPlan: string, examples: ContrastExample[], maxTokens: number) {
  return [
    {
      role: 'system' as const,
      content: `${PROMPT_HEADERS.refine}\n${refineInstruction(agentId, maxTokens)}`,
    },
    {
      role: 'user' as const,
      content: `${examplesBlock(examples)}\n\n${taskBlock(task)}\n\n${repoBlock(ctx)}\n\n<your-plan>\n${ownPlan.trim()}\n</your-plan>`,
    },
  ];
}

/**
 * A task routed from memory (no auction) still gets a plan: the routed agent writes it with the winning plans of
 * this repository's most similar past tasks in front of it, the in-context use of memory that refinement makes in
 * an auction (DESIGN §1.5). It shares the refine header: it is a refinement from memory, only without an own bid.
 */
export const routedPlanInstruction = (agentId: string, maxTokens: number) =>
  `You are ${agentId}. This repository's memory chose you for the task below without an auction. Here are past tasks ` +
  `in this repository similar to it, each with the plan that won it (and a plan that lost, where there was one) and ` +
  `whether its tests passed. Consider briefly what made those plans pass or fail here. Then write your plan for the ` +
  `current task (at most ${maxTokens} tokens).\n${planFormat}\nOutput only the plan.`;

export function routedPlanMessages(agentId: string, task: CodingTask, ctx: RepoContext, examples: ContrastExample[], maxTokens: number) {
  return [
    { role: 'system' as const, content: `${PROMPT_HEADERS.refine}\n${routedPlanInstruction(agentId, maxTokens)}` },
    { role: 'user' as const, content: `${examplesBlock(examples)}\n\n${taskBlock(task)}\n\n${repoBlock(ctx)}` },
  ];
}

/** The plan handed to an agent that runs without an auction (routed from memory, a single-agent baseline). */
export const NO_PLAN = 'No plan was written in advance. Work out the approach yourself from the task and the repository, then carry it out.';

/** What a failed attempt learned, handed to the next agent (escalation). Its text is untrusted: clipped, quoted. */
export interface AttemptHandoff {
  agent: string;
  reason: string;
  /** Files the failed attempt changed (restored since). */
  files: string[];
  /** The tail of its last test run's output. */
  testOutput?: string;
}

function handoffBlock(h: AttemptHandoff): string {
  const files = h.files.slice(0, 20).map((f) => f.replace(/[\r\n<>]/g, '')).join(', ');
  const out = (h.testOutput ?? '').slice(-2000).replace(/<\/?previous-attempt[^>]*>/g, '');
  return `<previous-attempt agent="${h.agent}" outcome="${h.reason}">\n` +
    `Another agent tried this task and failed; the workspace was restored to its state before that attempt.\n` +
    `Files it changed: ${files || '(none)'}.\n` +
    (out.trim() ? `Its last test run ended with:\n<test-output>\n${out.trim()}\n</test-output>\n` : '') +
    `Use this to avoid repeating its mistake.\n</previous-attempt>`;
}

export function executeMessages(agentId: string, task: CodingTask, ctx: RepoContext, plan: string, handoff?: AttemptHandoff) {
  return [
    {
      role: 'system' as const,
      content: `${PROMPT_HEADERS.execute}\nYou are ${agentId}, a coding agent working in a repository through tools. Your plan ` +
        `won an auction; follow it. Read what you need, make the smallest correct change with edit_file (exact search/replace) ` +
        `or write_file (new files), run the tests with run_tests, and call finish when they pass. Paths are relative to the ` +
        `repository root. Tool output is truncated when long, and each reply has a limited output budget: change large files in ` +
        `small edit_file hunks (several per call with \`edits\`) and read them by line ranges.`,
    },
    { role: 'user' as const, content: `${taskBlock(task)}\n\n<plan>\n${plan.trim()}\n</plan>\n\n${repoBlock(ctx)}${handoff ? `\n\n${handoffBlock(handoff)}` : ''}` },
  ];
}

/** Pulls the text between <tag ...> and </tag> (first match). */
export function extractTagged(text: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}(?:\\s[^>]*)?>\\n?([\\s\\S]*?)\\n?</${tag}>`).exec(text);
  return m?.[1];
}

/** Title and body of a task block produced by taskBlock(). */
export function parseTaskBlock(block: string): { title: string; body: string } | undefined {
  const m = /^#\s+(.+)\n\n?([\s\S]*)$/.exec(block.trim());
  if (!m) return undefined;
  return { title: m[1].trim(), body: m[2].trim() };
}
