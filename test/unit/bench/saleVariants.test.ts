import assert from 'node:assert/strict';
import { isPolicyName } from '../../../src/bench/results';
import { auctionSwitches, parseSaleVariant, SALE_DEFAULTS } from '../../../src/bench/saleVariants';

describe('bench: sale variants', () => {
  it('parses +option / -option against the sale defaults and refuses unknown options', () => {
    assert.deepEqual(parseSaleVariant('sale+cheapJury'), { ...SALE_DEFAULTS, cheapJury: true });
    assert.deepEqual(parseSaleVariant('sale-sharedPrefix+cheapJury'), { ...SALE_DEFAULTS, sharedPrefix: false, cheapJury: true });
    assert.equal(parseSaleVariant('sale+cheapjury'), undefined);
    assert.equal(parseSaleVariant('sale-paper'), undefined);
    assert.ok(isPolicyName('sale-paper') && isPolicyName('sale+skipUselessRefinement') && !isPolicyName('sale+nope'));
    assert.deepEqual(auctionSwitches({ cheapJury: true, skipUselessRefinement: false, sharedPrefix: true }), { juryPanel: 'cheaper-half', skipUselessRefinement: false, promptLayout: 'shared-prefix' });
  });
});
