import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { blendedPrice } from '../../src/core/pricing';
import { loadPoolFile } from '../../src/llm/poolConfig';
import { createPoolModels } from '../../src/llm/poolModels';

describe('example pool files', () => {
  const dir = join(__dirname, '..', '..', 'pools', 'examples');
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) {
    it(`${f} is a valid pool whose agents all get a client, with a strict price ladder`, () => {
      const pool = loadPoolFile(join(dir, f));
      assert.equal(createPoolModels(pool).length, pool.agents.length);
      const prices = pool.agents.map((a) => blendedPrice(a.price));
      assert.deepEqual([...prices].sort((a, b) => a - b), prices, 'agents listed cheapest first');
      assert.equal(new Set(prices).size, prices.length, 'no two agents at the same price');
    });
  }
});
