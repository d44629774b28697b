import assert from 'node:assert/strict';
import { isPolicyName } from '../../../src/bench/results';
import { auctionSwitches, parseSaleVariant, SALE_DEFAULTS } from '../../../src/bench/saleVariants';
import { auctionPolicySettings } from '../../../src/bench/policies';
import { BUDGET_DEFAULTS } from '../../../src/core/engineDefaults';
import { SIZE_KERNEL_WIDTH, routingSettings } from '../../../src/core/routing/routingSettings';

describe('bench: sale variants', () => {
  it('parses +option / -option against the sale defaults and refuses unknown options', () => {
    assert.deepEqual(parseSaleVariant('sale+cheapJury'), { ...SALE_DEFAULTS, cheapJury: true });
    assert.deepEqual(parseSaleVariant('sale-sharedPrefix+cheapJury'), { ...SALE_DEFAULTS, sharedPrefix: false, cheapJury: true });
    assert.equal(parseSaleVariant('sale+cheapjury'), undefined);
    assert.equal(parseSaleVariant('sale-paper'), undefined);
    assert.ok(isPolicyName('sale-paper') && isPolicyName('sale+skipUselessRefinement') && !isPolicyName('sale+nope'));
    assert.deepEqual(auctionSwitches({ cheapJury: true, skipUselessRefinement: false, sharedPrefix: true, sameRepoExamples: false }), { juryPanel: 'cheaper-half', skipUselessRefinement: false, promptLayout: 'shared-prefix', sameRepoFirst: false });
  });

  it('sale+sizeKernel switches the task-size kernel on; sale leaves it off', () => {
    const width = (policy: 'sale' | 'sale+sizeKernel', routing?: ReturnType<typeof routingSettings>) =>
      auctionPolicySettings({ policy, budget: { ...BUDGET_DEFAULTS }, weights: undefined, routing }, 1).routing?.sizeWidth;
    assert.equal(width('sale'), 0);
    assert.equal(width('sale+sizeKernel'), SIZE_KERNEL_WIDTH);
    assert.equal(width('sale+sizeKernel', routingSettings({ sizeWidth: 0.7 })), 0.7, 'a calibrated width is kept');
  });

  it('sale+escalationPlan asks an escalated agent that did not bid for a plan from memory; sale and sale-paper do not', () => {
    const on = (policy: 'sale' | 'sale+escalationPlan' | 'sale-paper') => auctionPolicySettings({ policy, budget: { ...BUDGET_DEFAULTS }, weights: undefined }, 1).routing?.escalationPlan;
    assert.equal(on('sale'), false);
    assert.equal(on('sale+escalationPlan'), true);
    assert.equal(on('sale-paper'), undefined, 'the paper has no routing at all');
  });

  it('sale counts neighbours in escalation\'s estimates; sale-escalationNeighbours does not', () => {
    const on = (policy: 'sale' | 'sale-escalationNeighbours') => auctionPolicySettings({ policy, budget: { ...BUDGET_DEFAULTS }, weights: undefined }, 1).routing?.escalationNeighbours;
    assert.equal(on('sale'), true);
    assert.equal(on('sale-escalationNeighbours'), false);
  });

  it('sale takes examples from the task\'s repository first and shows a routed plan failures; its variants and sale-paper do not', () => {
    const settings = (policy: 'sale' | 'sale-sameRepoExamples' | 'sale-failedExamples' | 'sale-paper') => auctionPolicySettings({ policy, budget: { ...BUDGET_DEFAULTS }, weights: undefined }, 1);
    assert.equal(settings('sale').auction.sameRepoFirst, true);
    assert.equal(settings('sale').routing?.planFailures, true);
    assert.equal(settings('sale-sameRepoExamples').auction.sameRepoFirst, false);
    assert.equal(settings('sale-sameRepoExamples').routing?.planFailures, true);
    assert.equal(settings('sale-failedExamples').auction.sameRepoFirst, true);
    assert.equal(settings('sale-failedExamples').routing?.planFailures, false);
    assert.equal(settings('sale-paper').auction.sameRepoFirst, false, 'the paper ranks by similarity alone');
  });

  it('sale keeps the auction score\'s winner; sale+valueWinner picks a held auction\'s winner by expected value', () => {
    const settings = (policy: 'sale' | 'sale+valueWinner') => auctionPolicySettings({ policy, budget: { ...BUDGET_DEFAULTS }, weights: undefined }, 1);
    assert.equal(settings('sale').routing?.auctionWinner, 'score');
    assert.equal(settings('sale+valueWinner').routing?.auctionWinner, 'value');
  });

  it('sale keeps escalation\'s estimates as they are; sale+escalationCalibration corrects them by memory\'s escalations', () => {
    const settings = (policy: 'sale' | 'sale+escalationCalibration') => auctionPolicySettings({ policy, budget: { ...BUDGET_DEFAULTS }, weights: undefined }, 1);
    assert.equal(settings('sale').routing?.escalationCalibration, false);
    assert.equal(settings('sale+escalationCalibration').routing?.escalationCalibration, true);
  });
});

