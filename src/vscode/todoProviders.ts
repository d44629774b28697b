import * as vscode from 'vscode';
import { findTodos } from './todos';

const MAX_DOC_CHARS = 2_000_000;

/** "Solve with SALE" above every TODO / FIXME comment. */
export class TodoCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly enabled: () => boolean) {}

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.enabled() || doc.getText().length > MAX_DOC_CHARS) return [];
    return findTodos(doc.getText()).map((t) => new vscode.CodeLens(new vscode.Range(t.line, 0, t.line, 0), {
      title: '$(law) Solve with SALE',
      tooltip: `Run a SALE auction for: ${t.text}`,
      command: 'sale.solveTodo',
      arguments: [{ uri: doc.uri.toString(), line: t.line }],
    }));
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** The same as a quick fix (light bulb) on the TODO's lines. */
export class TodoCodeActionProvider implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection): vscode.CodeAction[] {
    if (doc.getText().length > MAX_DOC_CHARS) return [];
    const todos = findTodos(doc.getText()).filter((t) => range.start.line <= t.endLine && range.end.line >= t.line);
    return todos.slice(0, 3).map((t) => {
      const a = new vscode.CodeAction(`Solve this ${t.tag} with SALE`, vscode.CodeActionKind.QuickFix);
      a.command = { title: a.title, command: 'sale.solveTodo', arguments: [{ uri: doc.uri.toString(), line: t.line }] };
      return a;
    });
  }
}
