import * as vscode from 'vscode';
import * as path from 'node:path';
import { SaleError } from '../core/errors';
import type { CodingTask } from '../core/task';
import { defaultApiBase, fetchIssue, listOpenIssues, parseGitHubRemote, parseIssueRef, tokenAllowedFor, type GitHubIssue } from './github';
import type { Logger } from './log';
import { type RepoInfo, readRepoInfo } from './repoInfo';
import type { ExtensionSettings } from './settings';
import { taskFromIssue, taskFromSelection, taskFromText, taskFromTodo } from './taskBuilders';
import { findTodos, todoAtLine, type TodoItem } from './todos';
import { NoWorkspaceError } from './userErrors';

/** Arguments the task commands accept (from the CodeLens, keybindings, other extensions and tests). */
export type SolveArgs =
  | { source: 'text'; text: string; folder?: string }
  | { source: 'selection'; uri?: string }
  | { source: 'todo'; uri?: string; line?: number }
  | { source: 'issue'; issue?: number | string; folder?: string };

export interface TaskContext {
  task: CodingTask;
  repo: RepoInfo;
  folder: vscode.WorkspaceFolder;
}

/**
 * Where tasks come from: the selection, the TODO under the cursor, a GitHub issue of the workspace's repository, or
 * typed text. Each returns a CodingTask with the repository it belongs to.
 */
export class TaskSources {
  constructor(
    private readonly log: Logger,
    private readonly settings: (folder: vscode.Uri | undefined) => ExtensionSettings,
  ) {}

  /** The workspace folder for a file (or the only / the picked one). */
  async folderFor(uri?: vscode.Uri, named?: string): Promise<vscode.WorkspaceFolder> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (!folders.length) throw new NoWorkspaceError();
    if (named) {
      const f = folders.find((x) => x.name === named || x.uri.fsPath === named);
      if (!f) throw new SaleError(`No workspace folder named "${named}".`, 'no-folder');
      return f;
    }
    if (uri) {
      const f = vscode.workspace.getWorkspaceFolder(uri);
      if (f) return f;
    }
    const active = vscode.window.activeTextEditor?.document.uri;
    if (active) {
      const f = vscode.workspace.getWorkspaceFolder(active);
      if (f) return f;
    }
    if (folders.length === 1) return folders[0];
    const pick = await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Which repository should SALE work in?' });
    if (!pick) throw new vscode.CancellationError();
    return pick;
  }

  async repo(folder: vscode.WorkspaceFolder): Promise<RepoInfo> {
    return readRepoInfo(folder.uri.fsPath);
  }

  /**
   * "Solve with SALE" without arguments: the selection if there is one, else the TODO under the cursor, else
   * a choice between typing a task, a GitHub issue and the workspace's TODOs.
   */
  async fromContext(): Promise<TaskContext | undefined> {
    const ed = vscode.window.activeTextEditor;
    if (ed && !ed.selection.isEmpty && ed.document.getText(ed.selection).trim()) return this.fromSelection(ed);
    if (ed) {
      const todo = todoAtLine(ed.document.getText(), ed.selection.active.line);
      if (todo) return this.fromTodoIn(ed.document, todo);
    }
    if (!(vscode.workspace.workspaceFolders ?? []).length) throw new NoWorkspaceError();
    const pick = await vscode.window.showQuickPick([
      { label: '$(edit) Describe a task…', id: 'text' },
      { label: '$(github) From a GitHub issue…', id: 'issue' },
      { label: '$(checklist) Pick a TODO in the workspace…', id: 'todo' },
    ], { placeHolder: 'What should SALE solve? (Tip: select text or put the cursor on a TODO first.)' });
    if (!pick) return undefined;
    if (pick.id === 'text') return this.fromTextPrompt();
    if (pick.id === 'issue') return this.fromIssue();
    return this.pickTodo();
  }

  async fromArgs(args: SolveArgs): Promise<TaskContext | undefined> {
    switch (args.source) {
      case 'text':
        return this.fromText(args.text, args.folder);
      case 'selection': {
        const ed = await this.editorFor(args.uri);
        if (ed.selection.isEmpty) throw new SaleError('Nothing is selected.', 'no-selection');
        return this.fromSelection(ed);
      }
      case 'todo': {
        const ed = await this.editorFor(args.uri);
        const line = args.line ?? ed.selection.active.line;
        const todo = todoAtLine(ed.document.getText(), line);
        if (!todo) throw new SaleError(`There is no TODO or FIXME comment on line ${line + 1} of ${path.basename(ed.document.uri.fsPath)}.`, 'no-todo');
        return this.fromTodoIn(ed.document, todo);
      }
      case 'issue':
        return this.fromIssue(args.issue, args.folder);
    }
  }

  async fromTextPrompt(): Promise<TaskContext | undefined> {
    const text = await vscode.window.showInputBox({
      title: 'Solve with SALE',
      prompt: 'Describe the task. The first sentence becomes its title.',
      placeHolder: 'e.g. slugify() should turn accented letters into plain ASCII',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim().length < 3 ? 'Describe the task in a few words.' : undefined),
    });
    if (!text) return undefined;
    return this.fromText(text);
  }

  async fromText(text: string, folderName?: string): Promise<TaskContext> {
    const folder = await this.folderFor(undefined, folderName);
    const repo = await this.repo(folder);
    return { task: taskFromText(text, { repo: repo.label }), repo, folder };
  }

  async fromSelection(ed: vscode.TextEditor): Promise<TaskContext> {
    const folder = await this.folderFor(ed.document.uri);
    const repo = await this.repo(folder);
    const sel = ed.selection;
    const task = taskFromSelection({
      file: relPath(folder, ed.document.uri),
      startLine: sel.start.line,
      endLine: sel.end.character === 0 && sel.end.line > sel.start.line ? sel.end.line - 1 : sel.end.line,
      selectedText: ed.document.getText(sel),
      languageId: ed.document.languageId,
    }, { repo: repo.label });
    return { task, repo, folder };
  }

  async fromTodoIn(doc: vscode.TextDocument, todo: TodoItem): Promise<TaskContext> {
    const folder = await this.folderFor(doc.uri);
    const repo = await this.repo(folder);
    const task = taskFromTodo({ file: relPath(folder, doc.uri), todo, fileText: doc.getText() }, { repo: repo.label });
    return { task, repo, folder };
  }

  /** "SALE: Pick a TODO": every TODO/FIXME in the workspace (tracked text files, capped), newest file first. */
  async pickTodo(): Promise<TaskContext | undefined> {
    if (!(vscode.workspace.workspaceFolders ?? []).length) throw new NoWorkspaceError();
    const items = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'SALE: finding TODOs' }, () => this.workspaceTodos());
    if (!items.length) {
      void vscode.window.showInformationMessage('SALE found no TODO or FIXME comments in this workspace.');
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(items.map((i) => ({
      label: `${i.todo.tag}: ${i.todo.text}`,
      description: `${i.rel}:${i.todo.line + 1}`,
      item: i,
    })), { placeHolder: `${items.length} TODO/FIXME comments — pick one for SALE to solve`, matchOnDescription: true });
    if (!pick) return undefined;
    const doc = await vscode.workspace.openTextDocument(pick.item.uri);
    const ed = await vscode.window.showTextDocument(doc, { preview: false });
    const pos = new vscode.Position(pick.item.todo.line, pick.item.todo.column);
    ed.selection = new vscode.Selection(pos, pos);
    ed.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenter);
    return this.fromTodoIn(doc, pick.item.todo);
  }

  async workspaceTodos(maxFiles = 3000): Promise<{ uri: vscode.Uri; rel: string; todo: TodoItem }[]> {
    const exclude = '{**/node_modules/**,**/.git/**,**/dist/**,**/out/**,**/build/**,**/.venv/**,**/coverage/**,**/*.min.js,**/*.map,**/*.lock,**/package-lock.json}';
    const uris = await vscode.workspace.findFiles('**/*', exclude, maxFiles);
    const out: { uri: vscode.Uri; rel: string; todo: TodoItem }[] = [];
    for (const uri of uris) {
      let text: string;
      try {
        const bytes = await vscode.workspace.fs.readFile(uri);
        if (bytes.length > 1_000_000 || bytes.subarray(0, 8000).includes(0)) continue;
        text = Buffer.from(bytes).toString('utf8');
      } catch {
        continue;
      }
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      for (const todo of findTodos(text)) out.push({ uri, rel: folder ? relPath(folder, uri) : uri.fsPath, todo });
    }
    return out.sort((a, b) => a.rel.localeCompare(b.rel) || a.todo.line - b.todo.line);
  }

  /** A GitHub issue of the workspace's `origin` repository: by number, or picked from the open ones. */
  async fromIssue(ref?: number | string, folderName?: string): Promise<TaskContext | undefined> {
    if (!vscode.workspace.isTrusted) {
      throw new SaleError('SALE does not read GitHub issues in an untrusted workspace (Restricted Mode): the repository\'s origin remote decides where SALE connects. Trust the workspace first ("Workspaces: Manage Workspace Trust").', 'untrusted');
    }
    const folder = await this.folderFor(undefined, folderName);
    const repo = await this.repo(folder);
    if (!repo.isGitRepo) throw new SaleError(`${folder.name} is not a git repository, so SALE cannot tell which GitHub repository its issues are in.`, 'not-git');
    if (!repo.originUrl) throw new SaleError(`${folder.name} has no "origin" remote; SALE reads the GitHub repository from it. Add one with "git remote add origin <url>".`, 'no-origin');
    const gh = parseGitHubRemote(repo.originUrl);
    if (!gh) throw new SaleError(`The origin remote (${repo.originUrl}) does not look like a GitHub repository.`, 'not-github');
    const s = this.settings(folder.uri);
    const apiBase = s['github.apiBaseUrl'].trim() || defaultApiBase(gh.host);
    // The token goes only to api.github.com (github.com) or a host the user configured; the origin remote and
    // workspace settings are the repository's, not the user's.
    const userUrls = [
      vscode.workspace.getConfiguration('github-enterprise').inspect<string>('uri')?.globalValue,
      vscode.workspace.getConfiguration('sale').inspect<string>('github.apiBaseUrl')?.globalValue,
    ];
    const trustHost = tokenAllowedFor(apiBase, gh.host, userUrls);
    const signIn = s['github.signIn'] && trustHost.allowed;
    if (s['github.signIn'] && !trustHost.allowed) {
      this.log('warn', `GitHub issues of ${gh.owner}/${gh.repo} are read without your GitHub sign-in: ${trustHost.reason}.`);
    }
    const token = signIn ? await this.githubToken(gh.host, false) : undefined;
    const opts = { apiBase, token };
    let number: number | undefined;
    if (ref !== undefined && ref !== '') {
      const parsed = parseIssueRef(String(ref));
      if (!parsed) throw new SaleError(`"${ref}" is not an issue number or URL.`, 'bad-issue-ref');
      if (parsed.owner && (parsed.owner !== gh.owner || parsed.repo !== gh.repo)) {
        throw new SaleError(`Issue ${ref} belongs to ${parsed.owner}/${parsed.repo}, not to this workspace's repository ${gh.owner}/${gh.repo}.`, 'other-repo');
      }
      number = parsed.number;
    }
    let issue: GitHubIssue;
    const withAuthRetry = async <T>(f: (o: typeof opts) => Promise<T>): Promise<T> => {
      try {
        return await f(opts);
      } catch (e) {
        const code = (e as SaleError).code;
        if (!opts.token && signIn && (code === 'github-not-found' || code === 'github-auth' || code === 'github-forbidden')) {
          const t = await this.githubToken(gh.host, true);
          if (t) return f({ ...opts, token: t });
        }
        throw e;
      }
    };
    if (number === undefined) {
      const list = await withAuthRetry((o) => listOpenIssues(o, gh));
      if (!list.length) {
        void vscode.window.showInformationMessage(`${gh.owner}/${gh.repo} has no open issues.`);
        return undefined;
      }
      const pick = await vscode.window.showQuickPick(list.map((i) => ({ label: `#${i.number} ${i.title}`, description: i.labels.join(', '), issue: i })),
        { placeHolder: `Open issues of ${gh.owner}/${gh.repo}`, matchOnDescription: true });
      if (!pick) return undefined;
      issue = pick.issue;
    } else {
      issue = await withAuthRetry((o) => fetchIssue(o, gh, number!));
    }
    this.log('info', `GitHub issue #${issue.number} of ${gh.owner}/${gh.repo}: ${issue.title}`);
    return { task: taskFromIssue(issue, { repo: repo.label }), repo, folder };
  }

  /** VS Code's GitHub sign-in; silent first, never hanging (some hosts have no provider). */
  private async githubToken(host: string, ask: boolean): Promise<string | undefined> {
    const provider = host === 'github.com' ? 'github' : 'github-enterprise';
    try {
      const session = await Promise.race([
        vscode.authentication.getSession(provider, ['repo'], ask ? { createIfNone: true } : { silent: true }),
        new Promise<undefined>((r) => setTimeout(() => r(undefined), ask ? 120_000 : 3000)),
      ]);
      return session?.accessToken;
    } catch (e) {
      this.log('info', `GitHub sign-in not used: ${(e as Error).message}`);
      return undefined;
    }
  }

  private async editorFor(uri?: string): Promise<vscode.TextEditor> {
    if (uri) {
      const u = vscode.Uri.parse(uri);
      const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === u.toString());
      if (visible) return visible;
      const doc = await vscode.workspace.openTextDocument(u);
      return vscode.window.showTextDocument(doc, { preserveFocus: true, preview: false });
    }
    const ed = vscode.window.activeTextEditor;
    if (!ed) throw new SaleError('Open a file first.', 'no-editor');
    return ed;
  }
}

function relPath(folder: vscode.WorkspaceFolder, uri: vscode.Uri): string {
  return path.relative(folder.uri.fsPath, uri.fsPath).split(path.sep).join('/');
}
