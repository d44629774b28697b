import assert from 'node:assert/strict';
import type { Bid } from '../../../src/core/auction/auctionRecord';
import { NO_PLAN } from '../../../src/core/auction/prompts';
import { nextBestBid, noChangeText } from '../../../src/vscode/retryBid';

function bid(agent: string, score: number, o: { refined?: boolean; error?: string; raw?: string } = {}): Bid {
  return {
    agent, model: agent, round: o.refined ? 1 : 0, refined: !!o.refined, raw: o.raw ?? 'plan', tokens: 300, entropy: null, jury: [], juryMean: null, pricePerMTok: 1,
    plan: { approach: '', files: [], commands: [], steps: [], risks: '', verification: '', sectionsFound: [] },
    cost: 0, valueEntropy: 0, valueJury: 0, value: 0, score, estimatedExecUsd: 0, bidUsd: 0, ...(o.error ? { error: o.error } : {}),
  };
}

describe('"Retry with another bid" (vscode/retryBid)', () => {
  const bids = [bid('small', -1.2), bid('mid', -0.9), bid('big', -0.5), bid('down', -3, { error: 'timed out' }), bid('mid', -1.0, { refined: true })];

  it('offers the lowest-scored usable bid of an agent that has not run yet (the index into the same auction)', () => {
    assert.deepEqual(nextBestBid({ bids }, ['small']), { bidIndex: 4, agent: 'mid' }, "mid's refined bid scores below its original");
    assert.deepEqual(nextBestBid({ bids }, ['small', 'mid']), { bidIndex: 2, agent: 'big' });
    assert.deepEqual(nextBestBid({ bids }, []), { bidIndex: 0, agent: 'small' });
  });

  it('never offers a failed bid, an agent that already ran (escalation included), or a placeholder without a plan', () => {
    assert.equal(nextBestBid({ bids }, ['small', 'mid', 'big']), undefined, 'down failed: nothing left');
    assert.equal(nextBestBid({ bids: [bid('small', 0, { raw: NO_PLAN })] }, []), undefined, 'a routed task has only its placeholder');
  });

  it('says that nothing changed, who tried, and what the user can do next', () => {
    assert.equal(noChangeText(['small', 'mid'], false, 'big', false),
      'No file was changed by small then mid and the tests did not pass. "Retry with another bid" runs big\'s bid of the same auction, without a new auction.');
    assert.match(noChangeText(['small'], false, undefined, true), /No auction was held: "Hold the auction anyway"/);
    assert.match(noChangeText(['small'], true, undefined, false), /^No file was changed by small\. No other bid .* "New task…" holds a new auction\.$/);
  });
});
