import type { Rng } from './random';
import { countTokens } from './tokenizer';

/**
 * Filler text of a wanted token length: plausible, task-flavoured sentences whose choice never depends on
 * a success draw (callers pass an Rng keyed without the draw).
 */

/** Appends sentences from `pool` (each at most once, then repeats) to `text` until it has about `target` tokens. */
export function padToTokens(text: string, target: number, pool: readonly string[], rng: Rng, joiner = ' ', maxRounds = 4): string {
  let out = text;
  let have = countTokens(out);
  for (let round = 0; round < maxRounds && have < target; round++) {
    const order = rng.shuffle(pool);
    let added = false;
    for (const s of order) {
      const piece = (out && !out.endsWith('\n') ? joiner : '') + s;
      const n = countTokens(out + piece) - have;
      if (n <= target - have) {
        out += piece;
        have += n;
        added = true;
      }
      if (have >= target) break;
    }
    if (!added) break;
  }
  return out;
}

const REASONING_OPENERS = [
  'Looking at {file}, the behaviour the task describes comes from a single place.',
  'The failing tests point at {file}, so that is where the change belongs.',
  'I want to keep the change small and avoid touching unrelated modules.',
  'Before editing I should be sure how {id} is used elsewhere.',
  'The issue text gives concrete examples I can compare against the test output.',
  'Step by step: understand the current code, change it, then run the tests.',
];

const REASONING_BODY = [
  'The current code handles the common case but misses the one in the report.',
  'I will follow the plan and check each step against the tests.',
  'Edge cases such as empty input and long input deserve a second look.',
  'The exports of {file} should stay the same so callers keep working.',
  'Running the test command will tell me whether the change is enough.',
  'If a test still fails, the output should show which assertion it was.',
  'There may be a second code path that needs the same treatment.',
  'Reading the tests first makes the expected behaviour explicit.',
  'The fix should not change the behaviour of inputs that already work.',
  'I will keep the style of the surrounding code.',
  'A careful reading of {id} shows where the values are computed.',
  'Nothing here needs a new dependency.',
  'The change is local to {file}.',
  'Good, that matches what the plan expected.',
  'Next I will look at the result and decide.',
  'The plan lists the steps; I am checking them one at a time.',
  'It is worth confirming that the tests exercise this path at all.',
  'The names in {file} are clear enough to follow without guessing.',
  'A smaller change is easier to review and to revert if needed.',
  'If the behaviour differs between inputs, the branches are where to look.',
  'The error in the report is consistent with the code I see.',
  'I should not change the tests themselves.',
  'After the change, the examples from the task should give the expected results.',
];

export function fillTemplate(s: string, vars: Record<string, string>): string {
  return s.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? k);
}

/** A short reasoning paragraph of about `tokens` tokens (the visible part of an execution trace). */
export function reasoningParagraph(tokens: number, lead: string, vars: Record<string, string>, rng: Rng): string {
  const opener = fillTemplate(rng.pick(REASONING_OPENERS), vars);
  const start = lead ? `${lead} ${opener}` : opener;
  if (countTokens(start) >= tokens) return start;
  return padToTokens(start, tokens, REASONING_BODY.map((s) => fillTemplate(s, vars)), rng, ' ', 1000);
}
