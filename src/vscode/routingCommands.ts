/** Commands of the Routing view: show it (and log its figures), pin, exclude or reset an agent for this repository. */
import * as vscode from 'vscode';
import { SaleError } from '../core/errors';
import type { CommandRegistry } from './commandRegistry';
import type { Logger } from './log';
import { RoutingViewProvider, agentOfNode } from './routingView';
import { currentRepo } from './workspaceRepo';

type AgentList = 'routing.pinnedAgents' | 'routing.excludedAgents';

export function registerRoutingCommands(reg: CommandRegistry, deps: { routing: RoutingViewProvider; log: Logger }): void {
  const { routing, log } = deps;
  reg.register('sale.showRouting', async () => {
    routing.refresh();
    await vscode.commands.executeCommand(`${RoutingViewProvider.viewId}.focus`);
    // The picture of the same memory, below the figures.
    await vscode.commands.executeCommand('sale.routingPicture.focus');
    const sum = await routing.summary();
    if (sum) log('info', `Routing in ${sum.repo}: ${sum.agents.map((a) => `${a.agent} ${a.wins}/${a.bids} wins, ${a.passes}/${a.executions} passed`).join('; ') || 'no data yet'}.`);
  });
  /** Adds the node's agent to (or removes it from) a workspace-folder list setting. */
  const editList = async (node: unknown, key: AgentList, add: boolean) => {
    const agent = agentOfNode(node);
    if (!agent) throw new SaleError('Pick an agent in the Routing view.', 'no-agent');
    const r = await currentRepo();
    if (!r) throw new SaleError('Open a folder first.', 'no-workspace');
    const cfg = vscode.workspace.getConfiguration('sale', r.folder.uri);
    const cur = new Set(cfg.get<string[]>(key) ?? []);
    if (add) cur.add(agent);
    else cur.delete(agent);
    await cfg.update(key, [...cur], vscode.ConfigurationTarget.WorkspaceFolder);
    routing.refresh();
  };
  reg.register('sale.routing.pin', async (node) => editList(node, 'routing.pinnedAgents', true));
  reg.register('sale.routing.exclude', async (node) => editList(node, 'routing.excludedAgents', true));
  reg.register('sale.routing.reset', async (node) => {
    await editList(node, 'routing.pinnedAgents', false);
    await editList(node, 'routing.excludedAgents', false);
  });
}
