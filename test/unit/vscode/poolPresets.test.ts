import assert from 'node:assert/strict';
import { parsePoolConfig } from '../../../src/llm/poolConfig';
import { presetPool, requiredKeyNames, secretKeyFor } from '../../../src/vscode/poolPresets';

describe('pool presets (vscode/poolPresets)', () => {
  it('presets are valid pool files; key names map to secret-storage keys', () => {
    for (const p of ['openai', 'ollama-qwen3', 'openrouter'] as const) parsePoolConfig(presetPool(p));
    assert.deepEqual(presetPool('ollama-qwen3').agents.map((a) => a.model), ['qwen3:4b', 'qwen3:8b', 'qwen3:14b', 'qwen3:32b']);
    assert.deepEqual(requiredKeyNames(presetPool('openai')), ['OPENAI_API_KEY']);
    assert.deepEqual(requiredKeyNames(presetPool('ollama-qwen3')), []);
    assert.equal(presetPool('ollama-qwen3', 'http://gpu:11434/v1').agents[0].baseUrl, 'http://gpu:11434/v1');
    assert.equal(secretKeyFor('OPENAI_API_KEY'), 'sale.apiKey.OPENAI_API_KEY');
  });
});
