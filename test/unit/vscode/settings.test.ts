import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { auctionSettings } from '../../../src/core/auction/auctionSettings';
import { engineSettingsInput, readSettings, SETTINGS_SPEC } from '../../../src/vscode/settings';
import { solveSettings } from '../../../src/vscode/engine';

describe('settings (vscode/settings)', () => {
  it('every setting the code reads is declared in package.json, with the same default', () => {
    const props = JSON.parse(readFileSync('package.json', 'utf8')).contributes.configuration.properties as Record<string, { default: unknown }>;
    const declared = Object.keys(props).sort();
    const read = Object.keys(SETTINGS_SPEC).map((k) => `sale.${k}`).sort();
    assert.deepEqual(read, declared);
    const { settings } = readSettings(() => undefined);
    for (const [k, v] of Object.entries(settings)) assert.deepEqual(props[`sale.${k}`].default, v, `default of sale.${k}`);
  });

  it('a bad value falls back to its default with a message', () => {
    const { settings, problems } = readSettings((k) => (k === 'review.mode' ? 'sometimes' : k === 'budgetUsd' ? -3 : undefined));
    assert.equal(settings['review.mode'], 'wait');
    assert.equal(settings.budgetUsd, 1);
    assert.equal(problems.length, 2);
    assert.match(problems[0], /sale\.review\.mode/);
  });

  it('maps onto the engine\'s settings schema (auction settings parse)', () => {
    const { settings } = readSettings((k) => (k === 'auction.weights' ? { entropy: 2 } : k === 'budgetUsd' ? 0 : undefined));
    const e = engineSettingsInput(settings);
    const a = auctionSettings(e.auction);
    assert.equal(a.weights.entropy, 2);
    assert.equal(a.weights.cost, 10);
    assert.equal(e.budget.maxUsd, Number.POSITIVE_INFINITY, 'budget 0 = no limit');
    assert.equal(auctionSettings(engineSettingsInput(readSettings(() => undefined).settings).auction).juryMode, 'per-judge');
  });

  it('sale.routing.checkPlan reaches routing (default off), and routing off means no routing at all', () => {
    const routing = (over: Record<string, unknown>) => solveSettings(engineSettingsInput(readSettings((k) => over[k]).settings)).routing;
    assert.equal(routing({})?.checkPlan, false);
    assert.equal(routing({ 'routing.checkPlan': true })?.checkPlan, true);
    assert.equal(routing({ 'routing.enabled': false }), undefined);
  });

  it('sale.routing.auctionWinner reaches routing (default: the score\'s winner)', () => {
    const routing = (over: Record<string, unknown>) => solveSettings(engineSettingsInput(readSettings((k) => over[k]).settings)).routing;
    assert.equal(routing({})?.auctionWinner, 'score');
    assert.equal(routing({ 'routing.auctionWinner': 'value' })?.auctionWinner, 'value');
    // With routing off every task gets an auction, and its winner is still picked by value.
    const off = routing({ 'routing.enabled': false, 'routing.auctionWinner': 'value' });
    assert.equal(off?.enabled, false);
    assert.equal(off?.auctionWinner, 'value');
  });

  it('sale.routing.escalationCalibration reaches escalation\'s settings, with routing off too (default: off)', () => {
    const routing = (over: Record<string, unknown>) => solveSettings(engineSettingsInput(readSettings((k) => over[k]).settings)).routing;
    assert.equal(routing({})?.escalationCalibration, false);
    assert.equal(routing({ 'routing.escalationCalibration': true })?.escalationCalibration, true);
    const off = routing({ 'routing.enabled': false, 'routing.escalationCalibration': true });
    assert.equal(off?.enabled, false);
    assert.equal(off?.escalationCalibration, true);
    assert.equal(routing({ 'routing.enabled': false }), undefined, 'with both off, no routing settings at all, as before');
  });
});

