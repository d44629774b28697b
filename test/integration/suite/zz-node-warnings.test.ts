// Runs last (index.ts adds the files in name order): no Node warning was raised in the extension host while every
// earlier file ran (auctions with refinement, routing, escalation, cancels — MaxListenersExceededWarning, …). The
// check lived in sale-0-onboarding until that file had to run first, where it checked nothing.
import * as assert from 'node:assert/strict';
import { saleApi } from './saleHelpers';

describe('SALE: no Node warnings in the extension host', () => {
  it('no Node warning was raised by anything the earlier test files did (MaxListenersExceededWarning, …)', async () => {
    const api = await saleApi();
    assert.deepEqual(api.nodeWarnings(), []);
  });
});
