import * as vscode from 'vscode';
import type { MemoryRecord } from '../core/memory/memoryRecord';
import { type AgentRoutingStats, type RoutingSummary, describeAgentStats, describeEscalations, routingStats } from '../core/memory/routingStats';
import { formatUsd } from '../core/formatUsd';

export interface RoutingSource {
  /** Memory records of the repository shown, and the pool's agents. */
  load(): Promise<{ repo: string; records: MemoryRecord[]; agents: string[]; pinned: string[]; excluded: string[] } | undefined>;
}

type Node = { kind: 'summary'; text: string; tooltip: string } | { kind: 'agent'; stats: AgentRoutingStats; pinned: boolean; excluded: boolean } | { kind: 'empty'; text: string };

/**
 * "Routing preferences": what SALE learned in this repository — per agent its bids, wins, passes and average
 * cost — with inline actions to pin or exclude an agent for this repository (workspace-folder settings).
 */
export class RoutingViewProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  static readonly viewId = 'sale.routing';
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** The last summary computed (the test API reads it). */
  lastSummary: (RoutingSummary & { repo: string }) | undefined;

  /** `onRefresh`: whatever else shows this memory (the Routing Picture) redraws with it. */
  constructor(private readonly source: RoutingSource, private readonly onRefresh: () => void = () => undefined) {}

  /** The nodes last computed; shown at once while a reload runs, so the view is never blank (it was ~2 s on first open). */
  private nodes: Node[] | undefined;
  private loading: Promise<void> | undefined;
  private stale = true;

  refresh(): void {
    this.stale = true;
    this.changed.fire(undefined);
    this.onRefresh();
  }

  private reload(): Promise<void> {
    this.stale = false;
    return (async () => {
      try {
        this.nodes = await this.compute();
      } catch (e) {
        this.nodes = [{ kind: 'empty', text: `Could not read this repository's memory: ${e instanceof Error ? e.message : String(e)}` }];
      } finally {
        this.loading = undefined;
        // A refresh asked for while loading reloads once more; either way the view shows the new nodes.
        this.changed.fire(undefined);
      }
    })();
  }

  dispose(): void {
    this.changed.dispose();
  }

  async summary(): Promise<(RoutingSummary & { repo: string }) | undefined> {
    const d = await this.source.load();
    if (!d) return undefined;
    this.lastSummary = { ...routingStats(d.records, d.agents), repo: d.repo };
    return this.lastSummary;
  }

  getChildren(node?: Node): Node[] {
    if (node) return [];
    if (this.stale && !this.loading) this.loading = this.reload();
    return this.nodes ?? [{ kind: 'empty', text: 'Reading what SALE learned in this repository…' }];
  }

  private async compute(): Promise<Node[]> {
    const d = await this.source.load();
    if (!d) return [{ kind: 'empty', text: 'Open a folder to see what SALE learned in it.' }];
    const s = routingStats(d.records, d.agents);
    this.lastSummary = { ...s, repo: d.repo };
    const head: Node = {
      kind: 'summary',
      text: s.tasks ? `${s.tasks} tasks · ${s.passed}/${s.executed} passed · ${s.usdPerSolved === null ? 'no task solved yet' : `${formatUsd(s.usdPerSolved)} per solved task`}` : 'No tasks in this repository yet',
      tooltip: `Repository: ${d.repo}\nTotal spent: ${formatUsd(s.usd)}\n${describeEscalations(s.escalations)}`,
    };
    return [head, ...s.agents.map((a) => ({ kind: 'agent' as const, stats: a, pinned: d.pinned.includes(a.agent), excluded: d.excluded.includes(a.agent) }))];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'empty') return new vscode.TreeItem(node.text);
    if (node.kind === 'summary') {
      const t = new vscode.TreeItem(node.text);
      t.iconPath = new vscode.ThemeIcon('graph');
      t.tooltip = node.tooltip;
      return t;
    }
    const s = node.stats;
    const t = new vscode.TreeItem(`${s.agent}${node.pinned ? ' (pinned)' : ''}${node.excluded ? ' (excluded)' : ''}`);
    t.description = describeAgentStats(s);
    t.tooltip = new vscode.MarkdownString(
      `**${s.agent}** in this repository\n\n| | |\n|---|---|\n| bids | ${s.bids} |\n| wins | ${s.wins}${s.winRate !== null ? ` (${Math.round(s.winRate * 100)}%)` : ''} |\n` +
      `| executions | ${s.executions} |\n| passed | ${s.passes}${s.passRate !== null ? ` (${Math.round(s.passRate * 100)}%)` : ''} |\n` +
      `| kept / reverted | ${s.kept} / ${s.reverted} |\n| avg execution cost | ${s.avgExecUsd === null ? '–' : formatUsd(s.avgExecUsd)} |`);
    t.iconPath = new vscode.ThemeIcon(node.excluded ? 'circle-slash' : node.pinned ? 'pinned' : 'person');
    t.contextValue = node.excluded ? 'sale.agent.excluded' : node.pinned ? 'sale.agent.pinned' : 'sale.agent';
    t.id = `agent:${s.agent}`;
    return t;
  }
}

/** Node shape passed to the pin/exclude commands from the tree's context menu. */
export function agentOfNode(node: unknown): string | undefined {
  const n = node as { kind?: string; stats?: { agent?: unknown } } | undefined;
  return n?.kind === 'agent' && typeof n.stats?.agent === 'string' ? n.stats.agent : typeof node === 'string' ? node : undefined;
}
