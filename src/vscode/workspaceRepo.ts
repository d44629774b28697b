/** The repository commands act on: the folder of the active editor, else the first workspace folder. */
import * as vscode from 'vscode';
import { readRepoInfo } from './repoInfo';

export async function currentRepo(): Promise<{ folder: vscode.WorkspaceFolder; label: string } | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (!folders.length) return undefined;
  const active = vscode.window.activeTextEditor?.document.uri;
  const folder = (active && vscode.workspace.getWorkspaceFolder(active)) || folders[0];
  return { folder, label: (await readRepoInfo(folder.uri.fsPath)).label };
}
