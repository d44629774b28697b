import assert from 'node:assert/strict';
import { formatUsd } from '../../../src/core/formatUsd';

describe("formatUsd 'ui': one rounding for people", () => {
  it('shows the same spend the same way: two significant digits under a dollar, cents above', () => {
    // The issue saw $0.01, $0.013 and $0.015 for one spend; one formatter gives one text.
    assert.equal(formatUsd(0.0126), '$0.013');
    assert.equal(formatUsd(0.0149), '$0.015');
    assert.equal(formatUsd(0.0042), '$0.0042');
    assert.equal(formatUsd(0.15), '$0.15');
    assert.equal(formatUsd(0.999), '$1.00');
    assert.equal(formatUsd(1.234), '$1.23');
  });
  it('says zero, tiny, negative and missing plainly', () => {
    assert.equal(formatUsd(0), '$0');
    assert.equal(formatUsd(0.00003), '<$0.0001');
    assert.equal(formatUsd(-0.0126), '−$0.013');
    assert.equal(formatUsd(Number.NaN), '—');
  });
  it("keeps the exact figure in 'micro' for tooltips", () => {
    assert.equal(formatUsd(0.0126, 'micro'), '$0.012600');
  });
});
