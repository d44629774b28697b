/**
 * The bids of the auction (webview): one card per bid with its figures, jurors, plan and the button that runs it,
 * the auction picture above them, and plans still streaming in.
 */
import type { Bid } from '../src/core/auction/auctionRecord';
import type { PanelState } from '../src/vscode/webviewMessages';
import { type Child, button, h } from './dom';
import { auctionChartFigure } from './auctionChartView';
import { details, fmt, people, send, usd } from './panelContext';

function juryLine(b: Bid): HTMLElement {
  if (!b.jury.length) return h('span', { class: 'muted' }, 'no jury scores');
  return h('span', { class: 'jurors' }, ...b.jury.map((j) =>
    h('span', { class: 'juror', title: j.note ?? '' }, `${j.judge}: `, h('b', {}, j.score === null ? '?' : String(j.score)))));
}

function bidCard(s: PanelState, b: Bid, index: number): HTMLElement {
  const isWinner = s.winnerBidIndex === index;
  const isChosen = s.chosenBidIndex === index;
  const isProvisional = !s.winner && s.provisionalWinner === b.agent && b.round === 0;
  const key = `bid-${b.agent}-${b.round}`;
  const tags = [
    b.refined ? h('span', { class: 'tag refined' }, 'refined') : null,
    isWinner ? h('span', { class: 'tag winner' }, 'winner') : null,
    isProvisional ? h('span', { class: 'tag provisional' }, 'provisional winner') : null,
    isChosen && !isWinner ? h('span', { class: 'tag chosen' }, 'your choice') : null,
    b.error ? h('span', { class: 'tag error' }, 'failed') : null,
  ];
  const canRun = s.phase === 'review' && !!s.session && !b.error;
  const metric = (label: string, value: Child, title?: string) => h('div', { class: 'metric', title }, h('dt', {}, label), h('dd', {}, value));
  const metrics = h('dl', { class: 'metrics' },
    metric('Tokens', String(b.tokens)),
    metric('Entropy', b.entropy === null ? h('span', { class: 'muted' }, 'no logprobs') : fmt(b.entropy),
      b.entropy === null ? 'The endpoint returned no logprobs: the entropy term is left out.' : 'Mean per-token entropy of the plan (nats)'),
    metric('C (cost)', people(b.cost), `w_c · price · plan tokens = ${b.cost}`),
    metric('V (value)', people(b.value), `entropy part ${b.valueEntropy} + jury part ${b.valueJury} = ${b.value}`),
    metric('Score C−V', h('span', { class: isWinner ? 'best' : '' }, people(b.score)), `Lowest wins: ${b.score}`),
    metric('Jury mean', b.juryMean === null ? '–' : `${fmt(b.juryMean, 2)} / 5`),
    metric('Est. run', usd(b.estimatedExecUsd), 'Rough estimate of executing this plan'),
    metric('Bid cost', usd(b.bidUsd), 'What writing this bid cost'),
  );
  return h('article', { class: `bid${isWinner ? ' is-winner' : ''}${isChosen ? ' is-chosen' : ''}${b.error ? ' is-error' : ''}`, 'data-key': key, 'aria-label': `Bid of ${b.agent}${b.refined ? ' (refined)' : ''}` },
    h('div', { class: 'bid-head' },
      h('span', { class: 'agent' }, b.agent), b.model !== b.agent ? h('span', { class: 'muted small model' }, b.model) : null, ...tags),
    b.error ? h('div', { class: 'error-text' }, b.error) : null,
    metrics,
    h('div', { class: 'small' }, 'Jurors: ', juryLine(b)),
    details(`${key}-plan`, `Plan (${b.plan.sectionsFound.length} sections)`, h('pre', { class: 'plan', tabindex: '0', 'aria-label': `Plan of ${b.agent}` }, b.raw)),
    // Thoughts stay folded: billed (in Bid cost) but not part of the plan, its tokens or its entropy.
    b.thoughts || b.thinkingTokens ? details(`${key}-thoughts`, `Thoughts (${b.thinkingTokens ?? 0} thinking tokens, billed, not scored)`,
      b.thoughts ? h('pre', { class: 'plan thoughts', tabindex: '0', 'aria-label': `Thoughts of ${b.agent}` }, b.thoughts) : h('div', { class: 'muted small' }, 'The server billed thinking tokens but did not send the thoughts.')) : null,
    canRun ? h('div', { class: 'bid-actions' },
      button(isWinner ? 'Run winner' : 'Run this bid instead', `run-${index}`, () => send({ type: 'run', session: s.session!, bidIndex: index }),
        { secondary: !isWinner, title: isWinner ? `Run ${b.agent}'s plan` : `Override: run ${b.agent}'s plan instead of the winner's` })) : null,
  );
}

function streamingCard(agent: string, round: number, text: string): HTMLElement {
  return h('article', { class: 'bid streaming', 'data-key': `stream-${agent}-${round}`, 'aria-busy': 'true' },
    h('div', { class: 'bid-head' }, h('span', { class: 'agent' }, agent), h('span', { class: 'tag' }, round ? 'refining…' : 'bidding…')),
    h('pre', { class: 'plan live' }, text));
}

export function bidsSection(s: PanelState, width: number): HTMLElement | null {
  // A task routed from memory had no auction: its one "bid" is a placeholder, not something to compare.
  if (s.routing?.mode === 'routed') return null;
  if (!s.task || (s.bids.length === 0 && Object.keys(s.streaming).length === 0 && s.agents.length === 0)) return null;
  const waiting = s.agents.filter((a) => !s.bids.some((b) => b.agent === a && b.round === 0) && !(`${a}#0` in s.streaming));
  const count = s.bids.filter((b) => b.round === 0).length;
  return h('section', { class: 'bids', 'aria-label': 'Bids' },
    h('h3', {}, `Bids (${count}/${s.agents.length || count})`,
      s.jury && s.phase === 'jury' ? h('span', { class: 'muted small' }, ` · jury ${s.jury.done}/${s.jury.total}`) : null,
      s.refining.length ? h('span', { class: 'muted small' }, ` · refining: ${s.refining.join(', ')}`) : null),
    auctionChartFigure(s.bids, s.winnerBidIndex, width),
    ...s.bids.map((b, i) => bidCard(s, b, i)),
    ...Object.entries(s.streaming).map(([k, text]) => {
      const [agent, round] = k.split('#');
      return streamingCard(agent, Number(round), text);
    }),
    waiting.length && ['bidding', 'jury'].includes(s.phase) ? h('p', { class: 'muted small' }, `Waiting for: ${waiting.join(', ')}`) : null,
  );
}
