/**
 * What the agent changed, from the unified diff the engine returns: per file its status and line counts, and the
 * file's text before the change (the diff reversed onto the current text) for VS Code's diff editor. Pure.
 */
import { applyPatch, parsePatch, reversePatch, type StructuredPatch } from 'diff';
import type { ChangedFile } from './webviewMessages';

function cleanName(name: string | undefined): string | undefined {
  if (!name || name === '/dev/null') return undefined;
  return name.replace(/^[ab]\//, '');
}

export interface FilePatch {
  path: string;
  status: ChangedFile['status'];
  patch: StructuredPatch | undefined;
  additions: number;
  deletions: number;
}

export function splitDiff(diff: string): FilePatch[] {
  const out: FilePatch[] = [];
  for (const m of diff.matchAll(/^Binary file (.+) (created|deleted|changed)$/gm)) {
    out.push({ path: m[1], status: m[2] === 'created' ? 'added' : m[2] === 'deleted' ? 'deleted' : 'modified', patch: undefined, additions: 0, deletions: 0 });
  }
  let patches: StructuredPatch[] = [];
  try {
    patches = parsePatch(diff);
  } catch {
    patches = [];
  }
  for (const p of patches) {
    const before = cleanName(p.oldFileName);
    const after = cleanName(p.newFileName);
    const file = after ?? before;
    if (!file || !p.hunks.length) continue;
    let additions = 0;
    let deletions = 0;
    for (const h of p.hunks) {
      for (const l of h.lines) {
        if (l.startsWith('+')) additions++;
        else if (l.startsWith('-')) deletions++;
      }
    }
    out.push({ path: file, status: !before ? 'added' : !after ? 'deleted' : 'modified', patch: p, additions, deletions });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

export function changedFiles(diff: string): ChangedFile[] {
  return splitDiff(diff).map(({ path, status, additions, deletions }) => ({ path, status, additions, deletions }));
}

/** The text before the change: '' for an added file, undefined when the reverse patch does not apply. */
export function originalText(current: string, fp: FilePatch): string | undefined {
  if (fp.status === 'added') return '';
  if (!fp.patch) return undefined;
  const r = applyPatch(fp.status === 'deleted' ? '' : current, reversePatch(fp.patch));
  return r === false ? undefined : r;
}
