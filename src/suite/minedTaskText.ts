import { diffHunks } from '../core/textHunks';

/**
 * The words of a mined task: title and body as a user would state the problem (from the commit message, with
 * the commit-convention noise removed), key steps from the diff (what a plan that solves it must mention, so the
 * simulator can serve the task), an estimate of human minutes, and a folder-safe id.
 */

const TRAILER = /^(Signed-off-by|Co-authored-by|Reviewed-by|Acked-by|Tested-by|Reported-by|Refs?|Closes|Fixes|Resolves|See|Change-Id|PR-URL|Reviewed-on):/i;

export function cleanSubject(subject: string): string {
  let s = subject.trim();
  s = s.replace(/^(fix|feat|chore|refactor|perf|test|tests|docs|build|ci|style|revert)(\([^)]*\))?!?:\s*/i, '');
  s = s.replace(/^\[[^\]]+\]\s*/, '');
  s = s.replace(/\s*\((#|GH-)\d+\)\s*$/i, '').replace(/\s+(#|GH-)\d+\s*$/i, '');
  s = s.replace(/[.\s]+$/, '');
  return s ? s[0].toUpperCase() + s.slice(1) : 'Change from history';
}

export function taskTitle(subject: string): string {
  return cleanSubject(subject).slice(0, 120);
}

export function taskBody(subject: string, body: string, tests: string[]): string {
  const paragraphs = body
    .split('\n')
    .filter((l) => !TRAILER.test(l.trim()))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  const intro = paragraphs || `${cleanSubject(subject)}.`;
  const where = tests.length === 1 ? `the test in ${tests[0]}` : `the tests in ${tests.slice(0, 5).join(', ')}${tests.length > 5 ? ', …' : ''}`;
  return `${intro}\n\nThe expected behaviour is described by ${where}, which currently fail${tests.length === 1 ? 's' : ''}. Change the code (not the tests) so that they pass.`;
}

/** Names of the functions, methods and classes a hunk touches, from the lines it changes and the nearest declaration above it. */
function namesNear(lines: string[], from: number, to: number): string[] {
  const decl = /(?:function\s*\*?\s*([A-Za-z_$][\w$]*)|(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:async\s*)?(?:function|\(|[A-Za-z_$][\w$]*\s*=>)|^\s*(?:async\s+)?([A-Za-z_$][\w$]*)\s*\([^)]*\)\s*\{|class\s+([A-Za-z_$][\w$]*)|def\s+([A-Za-z_]\w*)|func\s+(?:\([^)]*\)\s*)?([A-Za-z_]\w*)|(?:exports|module\.exports)\.([A-Za-z_$][\w$]*)\s*=)/;
  const keywords = new Set(['if', 'for', 'while', 'switch', 'catch', 'function', 'return', 'else']);
  const out: string[] = [];
  const take = (line: string) => {
    const m = decl.exec(line);
    const name = m?.slice(1).find(Boolean);
    if (name && !keywords.has(name) && !out.includes(name)) out.push(name);
  };
  // The declaration the hunk starts in, then those inside it.
  for (let i = Math.min(from, lines.length - 1); i >= 0; i--) {
    take(lines[i]);
    if (out.length) break;
  }
  for (let i = from; i < to && i < lines.length; i++) take(lines[i]);
  return out;
}

/** Key steps: one per changed source file, naming what changes in it. */
export function keyStepsFromDiff(files: { path: string; before: string | undefined; after: string }[]): string[] {
  const steps: string[] = [];
  for (const f of files) {
    if (f.before === undefined) {
      steps.push(`create ${f.path}${namesNear(f.after.split('\n'), 0, 400).slice(0, 3).map((n) => `, with ${n}`).join('')}`);
      continue;
    }
    const afterLines = f.after.split('\n');
    const names: string[] = [];
    for (const h of diffHunks(f.before, f.after)) {
      for (const n of namesNear(afterLines, h.start, h.start + Math.max(1, h.lines.length))) if (!names.includes(n)) names.push(n);
    }
    steps.push(names.length ? `change ${names.slice(0, 4).join(', ')} in ${f.path}` : `change ${f.path}`);
  }
  return steps.length ? steps.slice(0, 8) : ['make the failing tests pass'];
}

/** Human minutes by changed lines of source: a proxy the complexity bins (core/task.ts) can use. */
export function estimateMinutes(changedLines: number, files: number): number {
  const n = changedLines + 10 * Math.max(0, files - 1);
  if (n <= 4) return 4;
  if (n <= 20) return 10;
  if (n <= 60) return 20;
  if (n <= 150) return 45;
  return 90;
}

export function taskId(subject: string, sha: string): string {
  const slug = cleanSubject(subject).toLowerCase().normalize('NFKD').replace(/[^\w\s-]/g, '').replace(/[\s_]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '').slice(0, 48).replace(/-$/, '');
  return `${slug || 'commit'}-${sha.slice(0, 8)}`;
}
