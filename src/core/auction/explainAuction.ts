import type { Bid } from './auctionRecord';

const f = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(3));

/** Why the winner won: its C and V against the runner-up's, and whether refinement changed the winner. */
export function explainAuction(bids: Bid[], winner: Bid, provisional: Bid, useEntropy: boolean): string[] {
  const lines: string[] = [];
  const parts = (b: Bid) => `C ${f(b.cost)}, V ${f(b.value)} = jury ${f(b.valueJury)}${useEntropy ? ` + entropy ${f(b.valueEntropy)}` : ''}`;
  lines.push(`${winner.agent}${winner.refined ? ' (refined bid)' : ''} wins with score ${f(winner.score)} (${parts(winner)}).`);
  const others = bids.filter((b) => !b.error && b !== winner && b.agent !== winner.agent).sort((a, b) => a.score - b.score);
  const runnerUp = others[0];
  if (runnerUp) {
    const cheaper = winner.pricePerMTok < runnerUp.pricePerMTok;
    lines.push(`Runner-up ${runnerUp.agent}${runnerUp.refined ? ' (refined)' : ''}: score ${f(runnerUp.score)} (${parts(runnerUp)}); ` +
      (cheaper ? `the winner is ${(runnerUp.pricePerMTok / winner.pricePerMTok).toFixed(1)}× cheaper per token.` :
        `the winner costs more per token but the jury rated its plan ${f((winner.juryMean ?? 0) - (runnerUp.juryMean ?? 0))} points higher on average.`));
  }
  if (winner !== provisional) {
    lines.push(`Refinement changed the winner: ${provisional.agent} led with ${f(provisional.score)} before ${winner.agent} refined its bid from memory.`);
  }
  return lines;
}
