/** The SALE log's line for each engine event worth a line (streamed deltas and jury progress are not). No `vscode` import. */
import type { SaleEvent } from '../core/events';
import type { Logger } from './log';
import { formatUsd } from '../core/formatUsd';

export function logEvent(L: Logger, ev: SaleEvent): void {
  switch (ev.type) {
    case 'auction-start':
      L('info', `Auction with ${ev.agents.join(', ')}${ev.simulated ? ' (simulated models)' : ''}.`);
      break;
    case 'bid':
      L(ev.bid.error ? 'warn' : 'info', ev.bid.error ? `Bid of ${ev.bid.agent} failed: ${ev.bid.error}` : `Bid of ${ev.bid.agent}${ev.bid.refined ? ' (refined)' : ''}: ${ev.bid.tokens} tokens.`);
      break;
    case 'refine-start':
      L('info', `Refining: ${ev.agents.join(', ')}.`);
      break;
    case 'auction-done':
      L('info', `Auction done: winner ${ev.record.winner ?? 'none'}. ${ev.record.explanation.join(' ')}`);
      break;
    case 'exec-start':
      L('info', `${ev.agent} executes${ev.escalation ? ` (escalation ${ev.escalation})` : ''}.`);
      break;
    case 'exec-test':
      L(ev.passed ? 'info' : 'warn', `Tests ${ev.passed ? 'passed' : 'failed'} (exit ${ev.exitCode ?? 'unknown'}, ${ev.runner}).`);
      break;
    case 'exec-done':
      L(ev.passed ? 'info' : 'warn', `${ev.agent} ${ev.passed ? 'solved it' : 'did not solve it'}: ${ev.reason}; ${ev.turns} turns, ${ev.tokens} tokens, ${formatUsd(ev.usd)}.`);
      break;
    case 'exec-stopped':
      L('info', `No further attempt after ${ev.agent}: ${ev.note}`);
      break;
    case 'log':
      L(ev.level, ev.message);
      break;
    case 'model-loading':
      L('info', `${ev.agent}: loading model… (no first token after ${Math.round(ev.waitedMs / 1000)} s; a cold start).`);
      break;
    case 'bid-delta':
    case 'jury-progress':
    case 'scored':
    case 'exec-turn':
      break; // the panel shows these; the log keeps to milestones
  }
}
