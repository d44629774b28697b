import { strict as assert } from 'node:assert';
import { sideBySide, suiteFigures } from '../../../bench/suitesSideBySide';

const run = (policy: string, passed: boolean, auction: number, execution: number, mode = 'auction') => ({
  policy,
  taskId: 't',
  passed,
  auction: auction ? { tokens: auction * 1000, usd: auction } : undefined,
  execution: { tokens: execution * 1000, usd: execution },
  totalUsd: auction + execution,
  totalTokens: (auction + execution) * 1000,
  routing: { mode },
});
const results = (runs: ReturnType<typeof run>[]) => ({ simulated: true, suite: { path: 's', tasks: 2, used: 2 }, options: { orders: 1, seed: 1 }, pool: { path: 'p' }, runs });

describe('bench: the two suites side by side', () => {
  it('tokens per execution and auction, the auction share and rate of sale, pass@1 and dollars per policy', () => {
    const r = results([run('sale', true, 1, 3), run('sale', false, 0, 5, 'route'), run('largest', true, 0, 10), run('largest', true, 0, 6)]);
    const f = suiteFigures(r);
    assert.equal(f.execTokens, 6000);
    assert.equal(f.auctionTokens, 1000);
    assert.equal(f.auctionShareUsd, 1 / 9);
    assert.equal(f.auctionRate, 0.5);
    assert.deepEqual(f.policies.get('sale'), { pass: 0.5, usd: 4.5, runs: 2 });
    assert.deepEqual(f.policies.get('largest'), { pass: 1, usd: 8, runs: 2 });
    const md = sideBySide({ label: 'A', results: r }, { label: 'B', results: results([run('sale', true, 2, 2)]) });
    assert.match(md, /\| auction's share of sale's dollars \| 11\.1% \| 50\.0% \|/);
    assert.match(md, /\| largest \| 100\.0% \| \$8\.00000 \| — \| — \|/);
  });
});
