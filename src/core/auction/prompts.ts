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

export const PLAN_SECTIONS = ['Approach', 'Files', 'Commands', 'Steps', 'Risks', 'Verification'] as const;

const planFormat = `Write the plan in Markdown with exactly these sections, in this order:
## Approach — two or three sentences.
## Files — one path per line, "- path".
## Commands — one per line, "- command"; the test command first.
## Steps — a numbered list of concrete steps.
## Risks — what could go wrong.
## Verification — how you will know it works.
Do not write code. Do not edit anything: you have no tools now.`;

export function taskBlock(task: Pick<CodingTask, 'title' | 'body'>, tag = 'task'): string {
  return `<${tag}>\n# ${task.title.trim()}\n\n${task.body.trim()}\n</${tag}>`;
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

function repoBlock(ctx: RepoContext): string {
  const parts = [`<repository>\n${ctx.files.join('\n')}\n</repository>`];
  parts.push(`Test command: ${ctx.testCommand ?? '(none found — propose one)'}`);
  for (const ex of ctx.excerpts ?? []) parts.push(`<file path="${ex.path}">\n${ex.text}\n</file>`);
  return parts.join('\n\n');
}

export function bidMessages(agentId: string, task: CodingTask, ctx: RepoContext, maxTokens: number) {
  return [
    {
      role: 'system' as const,
      content: `${PROMPT_HEADERS.bid}\nYou are ${agentId}, one of several coding agents bidding to be chosen for a task. ` +
        `Write a short strategic plan (at most ${maxTokens} tokens) for how you would solve it.\n${planFormat}`,
    },
    { role: 'user' as const, content: `${taskBlock(task)}\n\n${repoBlock(ctx)}` },
  ];
}

export interface PlanForJury {
  /** Anonymous label shown to the judge (1-based). */
  label: number;
  text: string;
}

export function juryBatchMessages(task: CodingTask, plans: PlanForJury[]) {
  const body = plans.map((p) => `<plan id="${p.label}">\n${p.text.trim()}\n</plan>`).join('\n\n');
  return [
    {
      role: 'system' as const,
      content: `${PROMPT_HEADERS.juryBatch}\nYou judge plans written by coding agents for one task. Rate every plan from 0 ` +
        `(would not solve it) to 5 (would certainly solve it), judging only whether following it would make the tests pass. ` +
        `Answer with JSON only: {"scores":[{"plan":<id>,"score":<0-5>,"reason":"<short>"}]} with one entry per plan.`,
    },
    { role: 'user' as const, content: `${taskBlock(task)}\n\n${body}` },
  ];
}

export function juryPairMessages(task: CodingTask, plan: PlanForJury) {
  return [
    {
      role: 'system' as const,
      content: `${PROMPT_HEADERS.juryPair}\nYou judge one plan written by a coding agent for a task. Rate it from 0 ` +
        `(would not solve it) to 5 (would certainly solve it), judging only whether following it would make the tests pass. ` +
        `Answer with JSON only: {"score":<0-5>,"reason":"<short>"}.`,
    },
    { role: 'user' as const, content: `${taskBlock(task)}\n\n<plan id="${plan.label}">\n${plan.text.trim()}\n</plan>` },
  ];
}

export interface ContrastExample {
  task: { title: string; body: string };
  losing: { agent: string; plan: string };
  winning: { agent: string; plan: string; passed: boolean | null };
}

export function refineMessages(agentId: string, task: CodingTask, ctx: RepoContext, ownPlan: string, examples: ContrastExample[], maxTokens: number) {
  const ex = examples
    .map((e, i) =>
      `<example n="${i + 1}">\n${taskBlock(e.task, 'past-task')}\n` +
      `<losing-plan agent="${e.losing.agent}">\n${e.losing.plan.trim()}\n</losing-plan>\n` +
      `<winning-plan agent="${e.winning.agent}" tests-passed="${e.winning.passed === null ? 'unknown' : e.winning.passed}">\n` +
      `${e.winning.plan.trim()}\n</winning-plan>\n</example>`)
    .join('\n\n');
  return [
    {
      role: 'system' as const,
      content: `${PROMPT_HEADERS.refine}\nYou are ${agentId}. You bid a plan for the task below and a more expensive agent's plan ` +
        `is currently preferred. Here are past auctions on similar tasks, each with a losing and a winning plan (at least one ` +
        `of each pair is yours). For each pair, consider briefly why the winner won. Then write an improved plan for the ` +
        `current task (at most ${maxTokens} tokens).\n${planFormat}\nOutput only the improved plan.`,
    },
    {
      role: 'user' as const,
      content: `<examples>\n${ex}\n</examples>\n\n${taskBlock(task)}\n\n${repoBlock(ctx)}\n\n<your-plan>\n${ownPlan.trim()}\n</your-plan>`,
    },
  ];
}

export function executeMessages(agentId: string, task: CodingTask, ctx: RepoContext, plan: string) {
  return [
    {
      role: 'system' as const,
      content: `${PROMPT_HEADERS.execute}\nYou are ${agentId}, a coding agent working in a repository through tools. Your plan ` +
        `won an auction; follow it. Read what you need, make the smallest correct change with edit_file (exact search/replace) ` +
        `or write_file (new files), run the tests with run_tests, and call finish when they pass. Paths are relative to the ` +
        `repository root. Tool output is truncated when long.`,
    },
    { role: 'user' as const, content: `${taskBlock(task)}\n\n<plan>\n${plan.trim()}\n</plan>\n\n${repoBlock(ctx)}` },
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
