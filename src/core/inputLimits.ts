/**
 * Limits on what users and models feed in. A 5 MB task file was once sent whole in every prompt (the budget
 * broke) and stored whole in memory, where retrieval pulled it into every later refinement. Task text is cut
 * for prompts and, smaller, for memory; stored plans are cut too. Each cut says so where it is.
 */

/** Characters of a task's body put in a prompt. */
export const MAX_TASK_PROMPT_CHARS = 24_000;
export const MAX_TASK_TITLE_CHARS = 300;
/** Characters of a task's text stored in (and read back from) memory. */
export const MAX_MEMORY_TASK_CHARS = 4_000;
/** Characters of one plan stored in (and read back from) memory; plans are capped at ~4000 tokens when asked for. */
export const MAX_MEMORY_PLAN_CHARS = 12_000;

const CUT_MARK = /\n\[… [a-z ]+ cut: \d+ of \d+ characters kept\]$/;

/** `text` cut to `max` characters with a marker saying how much was cut (unchanged when it fits). */
export function clipWithNotice(text: string, max: number, what = 'text'): string {
  if (text.length <= max) return text;
  // Already cut (a stored record read back): leave it as it is.
  const mark = CUT_MARK.exec(text);
  if (mark && mark.index <= max) return text;
  return `${text.slice(0, max)}\n[… ${what} cut: ${max} of ${text.length} characters kept]`;
}

/** The user-facing notice for a task too long for prompts, or undefined when it fits. */
export function taskTextNotice(task: { title: string; body: string }): string | undefined {
  const cut = [
    task.title.length > MAX_TASK_TITLE_CHARS ? `title ${task.title.length} characters (kept ${MAX_TASK_TITLE_CHARS})` : '',
    task.body.length > MAX_TASK_PROMPT_CHARS ? `text ${task.body.length} characters (kept ${MAX_TASK_PROMPT_CHARS})` : '',
  ].filter(Boolean);
  if (!cut.length) return undefined;
  return `The task is too long for the prompts: ${cut.join(', ')}. Models see only the start; memory stores at most ${MAX_MEMORY_TASK_CHARS} characters of it.`;
}
