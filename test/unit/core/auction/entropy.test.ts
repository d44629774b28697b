import assert from 'node:assert/strict';
import { meanEntropy, tokenEntropy } from '../../../../src/core/auction/entropy';
import { logprobsWith } from '../../helpers/fakeChatModel';

describe('entropy from logprobs', () => {
  it('is ln 2 for two equal alternatives, 0 for a certain token, and null without logprobs', () => {
    assert.ok(Math.abs(meanEntropy(logprobsWith(5, [0.5, 0.5]))! - Math.log(2)) < 1e-12);
    assert.equal(tokenEntropy({ token: 'a', logprob: 0, top: [{ token: 'a', logprob: 0 }] }), 0);
    assert.equal(meanEntropy(undefined), null);
    assert.equal(meanEntropy([]), null);
  });
  it('renormalises the top-k mass and averages over tokens', () => {
    const lp = [...logprobsWith(1, [0.25, 0.25]), ...logprobsWith(1, [0.9, 0.05, 0.05])];
    const h2 = -(0.9 * Math.log(0.9) + 2 * 0.05 * Math.log(0.05));
    assert.ok(Math.abs(meanEntropy(lp)! - (Math.log(2) + h2) / 2) < 1e-12);
  });
});
