import type { SuiteTask } from '../core/task';
import { Rng } from './random';
import type { Bin } from './successModel';
import { fillTemplate, padToTokens } from './textFiller';
import { countTokens, tokenize } from './tokenizer';
import type { AgentSim } from './worldConfig';

/**
 * Writes simulated plans in the section format of prompts.ts. The only thing a plan may reveal about the
 * success draw is which of the task's key steps it mentions:
 *  - the plan's length, its number of steps, its wording and the order of its steps come from random
 *    streams keyed WITHOUT the draw;
 *  - every step slot holds either a key step or a decoy step of exactly the same token length, so
 *    coverage never changes the length;
 *  - coverage: key step k is mentioned iff v_k < pCover, where pCover rises with the draw only as much as
 *    planSignal says. With planSignal 0 the success and failure plans are the same text.
 */

export interface PlanRequest {
  agent: AgentSim;
  worldSeed: number;
  requestSeed: number | undefined;
  /** The suite task, or a bare title for tasks the simulator does not know. */
  task: SuiteTask | { title: string; keySteps?: undefined; testCommand?: string; id?: undefined };
  bin: Bin;
  /** Solution file paths (what the Files section lists); empty for unknown tasks. */
  files: string[];
  /** 'bid' or 'refine': separate streams so a refined plan is a new text. */
  purpose: 'bid' | 'refine';
  success: boolean;
  /** Token cap of the request (the plan aims below it rather than being cut). */
  maxTokens?: number;
}

/** Probability that a key step is mentioned, given the draw. planSignal 1 gives 0.95 vs 0.05. */
export function coverageProbability(agent: AgentSim, success: boolean): number {
  const base = agent.plan.coverageBase;
  const s = agent.planSignal;
  return success ? base + s * (0.95 - base) : base - s * (base - 0.05);
}

/** Target plan length (tokens) from the plan-length model; never depends on the draw. */
export function planLengthTarget(agent: AgentSim, worldSeed: number, requestSeed: number | undefined, taskKey: string, bin: Bin, purpose: string): number {
  const r = new Rng(worldSeed, requestSeed ?? 0, 'plan-length', agent.id, taskKey, purpose);
  const m = agent.plan;
  const mean = m.baseTokens * m.verbosity * (1 + m.growthPerBin * (bin - 1));
  return Math.max(60, Math.round(mean * Math.exp(m.noise * r.normal() - (m.noise * m.noise) / 2)));
}

const VERBS = ['check', 'review', 'confirm', 'inspect', 'trace', 'read', 'compare', 'note', 'look at', 'go over', 'double-check', 'keep'];
const OBJECTS = [
  'the existing tests for {id}', 'how {id} is called', 'the {id} call sites', 'the exported {id} signature',
  'the default arguments of {id}', 'the input handling in {file}', 'the module exports in {file}', 'the error messages',
  'the edge cases in the issue', 'the current behaviour of {id}', 'the examples from the issue', 'the surrounding code in {file}',
  'the public API of {file}', 'the return value of {id}', 'the types used by {id}',
];
const QUALIFIERS = [
  'before editing', 'for regressions', 'in the test file', 'around the change', 'so nothing else breaks',
  'against the issue examples', 'with a quick test run', 'to avoid surprises', 'while making the change',
  'once more', 'first', 'again', 'carefully', 'there', 'too', 'now',
];

const APPROACH = [
  'Fix the problem in {file} with the smallest change that makes the failing tests pass.',
  'Start from the failing tests, find where {id} goes wrong, and correct it in {file}.',
  'Keep the public behaviour of {id} unchanged for inputs that already work.',
  'Reproduce the problem from the task description first, then change {file} and re-run the tests.',
  'Read the relevant tests to pin down the expected behaviour before touching {id}.',
  'Work in small steps and run the test command after each change.',
];
const RISKS = [
  '- Changing {id} could break callers that rely on the current output.',
  '- The tests may cover edge cases the task does not mention.',
  '- A fix in one place may leave a second code path unchanged.',
  '- Empty or unusual inputs could behave differently than expected.',
  '- Other modules may import {file} and depend on its exports.',
  '- The test command may need the right working directory.',
];
const VERIFY_PADDING = [
  'Read the diff once more before finishing.', 'Keep the change small and focused.', 'Compare the results with the examples in the task.',
  'Make sure no unrelated files change.', 'Check the output for new warnings.', 'Confirm the exports are unchanged.',
  'Stop when the tests are green.', 'Note anything left for a follow-up.', 'Re-run the full suite, not only one file.',
  'Look at the failing assertion if anything is red.', 'Check that the examples from the task now give the expected results.',
  'Keep the code style consistent with the file.', 'Avoid new dependencies.', 'Keep it small.', 'Verify twice.', 'Done.',
];

function capitalize(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

/** A step line's text: capitalised, ending with a full stop (same rendering for key and decoy steps). */
function renderStep(text: string): string {
  const t = capitalize(text.trim());
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/** A generic but plausible step of exactly `n` tokens (as rendered). */
function decoyStep(n: number, vars: Record<string, string>, rng: Rng, used: Set<string>): string {
  let best = '';
  let bestLen = -1;
  let bestObj = '';
  const fresh = OBJECTS.filter((o) => !used.has(o));
  const objects = fresh.length ? fresh : OBJECTS;
  for (let i = 0; i < 24; i++) {
    const obj = rng.pick(objects);
    const base = `${rng.pick(VERBS)} ${fillTemplate(obj, vars)}`;
    const len = countTokens(renderStep(base));
    if (len <= n && len > bestLen) {
      best = base;
      bestLen = len;
      bestObj = obj;
    }
    if (bestLen === n) break;
  }
  if (bestObj) used.add(bestObj);
  if (bestLen < 0) {
    best = rng.pick(VERBS);
    bestLen = countTokens(renderStep(best));
  }
  for (const q of rng.shuffle(QUALIFIERS)) {
    if (bestLen >= n) break;
    const len = countTokens(renderStep(`${best} ${q}`));
    if (len <= n) {
      best = `${best} ${q}`;
      bestLen = len;
    }
  }
  let out = renderStep(best);
  // Exactness matters more than elegance: cut or extend with neutral words so the length equals n.
  const filler = [' first', ' again', ' too', ' here', ' now', ' also'];
  let fi = 0;
  while (countTokens(out) < n) out = `${out.slice(0, -1)}${filler[fi++ % filler.length]}.`;
  if (countTokens(out) > n) out = tokenize(out).slice(0, Math.max(1, n - 1)).join('').trimEnd() + '.';
  while (countTokens(out) < n) out = `${out.slice(0, -1)}${filler[fi++ % filler.length]}.`;
  return out;
}

/** The main identifier a task is about: the first `name(` or `name` in backticks, else the first solution file's base name. */
export function taskIdentifier(title: string, body: string | undefined, files: string[]): string {
  const m = /([A-Za-z_$][\w$]*)\(\)/.exec(title) ?? /`([A-Za-z_$][\w$.]*)(?:\(\))?`/.exec(body ?? '') ?? /([A-Za-z_$][\w$]*)\(/.exec(body ?? '');
  if (m) return m[1];
  if (files[0]) return files[0].split('/').pop()!.replace(/\.[^.]+$/, '');
  return 'the code';
}

export interface WrittenPlan {
  text: string;
  /** Indices of the task's key steps the plan mentions. */
  covered: number[];
}

export function writePlan(req: PlanRequest): WrittenPlan {
  const { agent, task, bin, files, purpose } = req;
  const taskKey = task.id ?? `title:${task.title}`;
  // Wording, order and length: one stream keyed without the draw.
  const shape = new Rng(req.worldSeed, req.requestSeed ?? 0, 'plan-shape', agent.id, taskKey, purpose);
  // Coverage uniforms: keyed per agent/task/seed, shared by bid and refine so refinement only adds steps.
  const cover = new Rng(req.worldSeed, req.requestSeed ?? 0, 'plan-cover', agent.id, taskKey);
  let target = planLengthTarget(agent, req.worldSeed, req.requestSeed, taskKey, bin, purpose);
  if (req.maxTokens) target = Math.min(target, Math.max(20, req.maxTokens - 2));

  const body = 'body' in task ? (task as SuiteTask).body : undefined;
  const id = taskIdentifier(task.title, body, files);
  const file = files[0] ?? 'the affected file';
  const vars = { id, file };
  const testCommand = task.testCommand ?? 'npm test';
  const keySteps = task.keySteps ?? [];

  const pCover = coverageProbability(agent, req.success);
  const covered: number[] = [];
  keySteps.forEach((_, k) => {
    if (cover.next() < pCover) covered.push(k);
  });

  // Step slots: one per key step (key text or its same-length decoy) plus extra decoys, in a shuffled order.
  const extra = Math.max(1, Math.min(6, Math.round((target - 120) / 25)));
  const used = new Set<string>();
  const slots: string[] = keySteps.map((k, i) => {
    const keyText = renderStep(k);
    const decoy = decoyStep(countTokens(keyText), vars, shape, used);
    return covered.includes(i) ? keyText : decoy;
  });
  for (let i = 0; i < extra; i++) slots.push(decoyStep(shape.int(6, 12), vars, shape, used));
  const steps = shape.shuffle(slots).map((s, i) => `${i + 1}. ${s}`);

  const approach = shape.shuffle(APPROACH).slice(0, 2).map((s) => fillTemplate(s, vars)).join(' ');
  const risks = shape.shuffle(RISKS).slice(0, 2).map((s) => fillTemplate(s, vars));
  const fileLines = files.length ? files.map((f) => `- ${f}`) : ['- (to be located with a search first)'];
  const head = [
    '## Approach', approach, '',
    '## Files', ...fileLines, '',
    '## Commands', `- ${testCommand}`, '',
    '## Steps', ...steps, '',
    '## Risks', ...risks, '',
    '## Verification', `Run \`${testCommand}\` and confirm every test passes, including the ones that failed before.`,
  ].join('\n');
  const text = padToTokens(head, target, VERIFY_PADDING, shape);
  return { text, covered };
}
