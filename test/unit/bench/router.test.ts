import assert from 'node:assert/strict';
import { DescriptionRouter, tokenizeText } from '../../../src/bench/router';

describe('bench: description router', () => {
  const ladder = [{ id: 'small', price: 0.05 }, { id: 'mid', price: 0.1 }, { id: 'big', price: 0.4 }];

  it('with no evidence starts from the cheapest agent; learns to climb where similar tasks failed', () => {
    const r = new DescriptionRouter(ladder);
    assert.equal(r.decide('parse csv quoted fields').agent, 'small');
    r.observe({ text: 'parse csv quoted fields with commas', agent: 'small', passed: false });
    r.observe({ text: 'csv parser breaks on quoted fields', agent: 'small', passed: false });
    assert.equal(r.decide('csv quoted fields with newlines').agent, 'mid');
    r.observe({ text: 'csv quoted fields and newlines', agent: 'mid', passed: false });
    r.observe({ text: 'csv parsing of quoted fields', agent: 'mid', passed: false });
    assert.equal(r.decide('csv quoted field escapes').agent, 'big');
    // Unrelated text: no neighbours, back to the cheapest.
    assert.equal(r.decide('slugify accents in titles').agent, 'small');
  });

  it('a pass by a cheaper agent counts for dearer ones; a dearer failure counts against cheaper ones', () => {
    const r = new DescriptionRouter(ladder);
    r.observe({ text: 'date format month offset', agent: 'small', passed: true });
    const d = r.decide('date format month bug');
    assert.ok(d.estimates.big > 0.5 && d.estimates.mid > 0.5 && d.estimates.small > 0.5);
    r.observe({ text: 'business days between dates', agent: 'big', passed: false });
    const e = r.decide('business days dates');
    assert.ok(e.estimates.small < 0.5 && e.estimates.mid < 0.5 && e.estimates.big < 0.5);
    assert.equal(e.agent, 'big');
    assert.deepEqual(tokenizeText('The `memoize()` cache, v2!'), ['memoize', 'cache', 'v2']);
  });
});
