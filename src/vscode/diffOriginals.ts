/**
 * The left side of the diff editor: the text of each file a run changed, as it was before the agent's change,
 * served under the `sale-original` scheme. One per run; a URI names its run, so an editor left open from an
 * earlier task says so instead of showing the wrong text.
 */
import * as vscode from 'vscode';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { originalText, splitDiff } from './diffSummary';
import type { ChangedFile } from './webviewMessages';

export const ORIGINAL_SCHEME = 'sale-original';
export const EARLIER_TASK_TEXT = '(This change belongs to an earlier task.)';

export class DiffOriginals {
  private readonly texts = new Map<string, string>();

  constructor(private readonly runId: string, private readonly root: string) {}

  /** Rebuilds each file's text before the change from its text now and the run's diff. */
  async load(diff: string): Promise<void> {
    for (const fp of splitDiff(diff)) {
      let current = '';
      if (fp.status !== 'deleted') current = await readFile(path.join(this.root, fp.path), 'utf8').catch(() => '');
      const before = originalText(current, fp);
      if (before !== undefined) this.texts.set(fp.path, before);
    }
  }

  content(uri: vscode.Uri): string {
    if (uri.query !== this.runId) return EARLIER_TASK_TEXT;
    return this.texts.get(uri.path.replace(/^\//, '')) ?? '(The original text is not available.)';
  }

  /** Opens before ↔ now in the diff editor (a deleted file: its text before). */
  async open(change: ChangedFile): Promise<void> {
    const rel = change.path;
    const right = vscode.Uri.file(path.join(this.root, rel));
    const left = vscode.Uri.from({ scheme: ORIGINAL_SCHEME, path: `/${rel}`, query: this.runId });
    if (change.status === 'deleted') {
      await vscode.commands.executeCommand('vscode.open', left);
      return;
    }
    await vscode.commands.executeCommand('vscode.diff', left, right, `${rel} (before SALE ↔ now)`, { preview: true });
  }
}
