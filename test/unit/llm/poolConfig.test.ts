import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPoolFile } from '../../../src/llm/poolConfig';

describe('pool file', () => {
  it('names the misspelt field and the agent index', () => {
    const d = mkdtempSync(join(tmpdir(), 'sale-pool-'));
    try {
      const f = join(d, 'pool.json');
      writeFileSync(f, JSON.stringify({ agents: [{ id: 'a', provider: 'openai', model: 'm', baseUrl: 'http://x/v1', prise: { inputPerMTok: 1, outputPerMTok: 1 } }] }));
      assert.throws(() => loadPoolFile(f), (e: Error) => /agents\.0/.test(e.message) && /prise/.test(e.message) && /price/.test(e.message));
      writeFileSync(f, '{ "agents": [ ');
      assert.throws(() => loadPoolFile(f), /not valid JSON/);
      writeFileSync(f, JSON.stringify({ agents: [{ id: 'a', provider: 'sim', model: 'a', price: { inputPerMTok: 1, outputPerMTok: 1 } }, { id: 'a', provider: 'sim', model: 'b', price: { inputPerMTok: 1, outputPerMTok: 1 } }] }));
      assert.throws(() => loadPoolFile(f), /duplicate agent id "a"/);
      assert.throws(() => loadPoolFile(join(d, 'missing.json')), /Cannot read pool file/);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
