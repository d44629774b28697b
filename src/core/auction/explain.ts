import type { Bid, Weights } from './auctionRecord';
import { juryWeight } from './scoring';

/**
 * The auction's explanation, built only from the terms that decided it. The winner's margin over the runner-up
 * is (C_r − C_w) + (J_w − J_r) + (E_w − E_r); each term's share is said with its sign, so the text can never claim
 * a term helped the winner when it went the other way (the old text assumed a pricier winner had the better jury).
 */

const f = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(3));
const signed = (x: number) => `${x >= 0 ? '+' : '−'}${f(Math.abs(x))}`;
/** Below this a term did not move the result (scores are printed to 3 decimals). */
const EPS = 5e-4;

export type TermName = 'cost' | 'jury' | 'entropy';
export interface TermShare {
  term: TermName;
  /** Contribution to the winner's margin: positive helped the winner, negative helped the runner-up. */
  share: number;
}

/** Each term's share of the winner's lead over `runnerUp`, largest help first. */
export function termShares(winner: Bid, runnerUp: Bid, useEntropy: boolean): TermShare[] {
  const shares: TermShare[] = [
    { term: 'cost', share: runnerUp.cost - winner.cost },
    { term: 'jury', share: winner.valueJury - runnerUp.valueJury },
  ];
  if (useEntropy) shares.push({ term: 'entropy', share: winner.valueEntropy - runnerUp.valueEntropy });
  return shares.sort((a, b) => b.share - a.share);
}

function phrase(t: TermShare, w: Bid, r: Bid): string {
  const up = t.share > 0;
  switch (t.term) {
    case 'cost': return `${up ? 'a lower' : 'a higher'} cost (C ${f(w.cost)} vs ${f(r.cost)}, ${signed(t.share)})`;
    case 'jury': return `${up ? 'a higher' : 'a lower'} jury value (${f(w.valueJury)} vs ${f(r.valueJury)}, ${signed(t.share)})`;
    case 'entropy': return `${up ? 'a higher' : 'a lower'} entropy value (${f(w.valueEntropy)} vs ${f(r.valueEntropy)}, ${signed(t.share)})`;
  }
}

const list = (xs: string[]) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);

/** Per juror, winner's score vs runner-up's and the weighted difference; "?" for an unreadable score. */
export function jurorLine(weights: Weights, w: Bid, r: Bid): string | null {
  const judges = [...new Set([...w.jury, ...r.jury].map((j) => j.judge))];
  if (!judges.length) return null;
  const score = (b: Bid, judge: string) => b.jury.find((j) => j.judge === judge)?.score ?? null;
  const parts = judges.map((judge) => {
    const a = score(w, judge);
    const b = score(r, judge);
    const delta = a !== null && b !== null ? ` (${signed(juryWeight(weights, judge) * (a - b))})` : '';
    return `${judge} ${a ?? '?'} vs ${b ?? '?'}${delta}`;
  });
  return `Jury per juror, ${w.agent} vs ${r.agent}: ${parts.join('; ')}.`;
}

/** The winner line's verb; `bestScoreOnly` rewrites it when another bidder runs (auctionWinner 'value'). */
const WINS_WITH_SCORE = ' wins with score ';

/** The explanation when another bidder runs: the score's winner (`agent`) only "has the best score". */
export function bestScoreOnly(lines: string[], agent: string): string[] {
  const heads = [`${agent}${WINS_WITH_SCORE}`, `${agent} (refined bid)${WINS_WITH_SCORE}`];
  return lines.map((l) => {
    const head = heads.find((h) => l.startsWith(h));
    return head ? `${head.slice(0, -WINS_WITH_SCORE.length)} has the best score, ${l.slice(head.length)}` : l;
  });
}

export function explainAuction(bids: Bid[], winner: Bid, provisional: Bid, useEntropy: boolean, weights: Weights): string[] {
  const lines: string[] = [];
  const parts = (b: Bid) => `C ${f(b.cost)}, V ${f(b.value)} = jury ${f(b.valueJury)}${useEntropy ? ` + entropy ${f(b.valueEntropy)}` : ''}`;
  lines.push(`${winner.agent}${winner.refined ? ' (refined bid)' : ''}${WINS_WITH_SCORE}${f(winner.score)} (${parts(winner)}).`);
  const others = bids.filter((b) => !b.error && b !== winner && b.agent !== winner.agent).sort((a, b) => a.score - b.score);
  const runnerUp = others[0];
  if (runnerUp) {
    lines.push(`Runner-up ${runnerUp.agent}${runnerUp.refined ? ' (refined)' : ''}: score ${f(runnerUp.score)} (${parts(runnerUp)}).`);
    const shares = termShares(winner, runnerUp, useEntropy);
    const pro = shares.filter((t) => t.share > EPS);
    const con = shares.filter((t) => t.share < -EPS).reverse();
    const margin = runnerUp.score - winner.score;
    if (margin <= EPS || !pro.length) {
      lines.push(`${winner.agent} and ${runnerUp.agent} tie on score; the tie goes to the cheaper agent, then the earlier bid.`);
    } else {
      lines.push(`${winner.agent} leads by ${f(margin)} on ${list(pro.map((t) => phrase(t, winner, runnerUp)))}` +
        (con.length ? `, despite ${list(con.map((t) => phrase(t, winner, runnerUp)))}.` : '.'));
    }
    const jurors = jurorLine(weights, winner, runnerUp);
    if (jurors) lines.push(jurors);
  }
  if (winner !== provisional) {
    lines.push(`Refinement changed the winner: ${provisional.agent} led with ${f(provisional.score)} before ${winner.agent} refined its bid from memory.`);
  }
  return lines;
}
