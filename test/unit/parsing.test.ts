import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { meanEntropy, tokenEntropy } from '../../src/core/auction/entropy';
import { parseBatchScores, parsePairScore } from '../../src/core/auction/juryParser';
import { parsePlan, planProblem } from '../../src/core/auction/planParser';
import { loadPoolFile } from '../../src/llm/poolConfig';
import { logprobsWith } from './helpers/fakeChatModel';

describe('plan parser', () => {
  it('reads the named sections in several heading styles and keeps list items', () => {
    const p = parsePlan('Intro line.\n## Approach\nPatch the parser.\n**Files:**\n- `src/parse.js`\n- test/parse.test.js — new case\nCommands:\n1. npm test\n2. npm run lint\n### Steps\n1. Trim input\n2. Add test\nRisks: \nBreaks callers\n## Verification\nnpm test passes');
    assert.deepEqual(p.files, ['src/parse.js', 'test/parse.test.js']);
    assert.deepEqual(p.commands, ['npm test', 'npm run lint']);
    assert.equal(p.testCommand, 'npm test');
    assert.deepEqual(p.steps, ['Trim input', 'Add test']);
    assert.equal(p.risks, 'Breaks callers');
    assert.match(p.approach, /^Intro line\.\nPatch the parser\.$/);
    assert.deepEqual(p.sectionsFound.sort(), ['Approach', 'Commands', 'Files', 'Risks', 'Steps', 'Verification']);
  });
  it('turns a plan without headings into approach text, and flags empty or wordless plans', () => {
    const p = parsePlan('just fix the bug in foo');
    assert.equal(p.approach, 'just fix the bug in foo');
    assert.deepEqual(p.sectionsFound, []);
    assert.equal(planProblem(''), 'empty plan');
    assert.equal(planProblem('### 123 !!'), 'plan has no readable text');
    assert.equal(planProblem('fix it'), undefined);
  });
});

describe('entropy from logprobs', () => {
  it('is ln 2 for two equal alternatives, 0 for a certain token, and null without logprobs', () => {
    assert.ok(Math.abs(meanEntropy(logprobsWith(5, [0.5, 0.5]))! - Math.log(2)) < 1e-12);
    assert.equal(tokenEntropy({ token: 'a', logprob: 0, top: [{ token: 'a', logprob: 0 }] }), 0);
    assert.equal(meanEntropy(undefined), null);
    assert.equal(meanEntropy([]), null);
  });
  it('renormalises the top-k mass and averages over tokens', () => {
    const lp = [...logprobsWith(1, [0.25, 0.25]), ...logprobsWith(1, [0.9, 0.05, 0.05])];
    const h2 = -(0.9 * Math.log(0.9) + 2 * 0.05 * Math.log(0.05));
    assert.ok(Math.abs(meanEntropy(lp)! - (Math.log(2) + h2) / 2) < 1e-12);
  });
});

describe('jury answers', () => {
  it('reads JSON, fenced JSON and plain "Plan N: s" lines; anything else is unreadable', () => {
    assert.deepEqual(parsePairScore('{"score": 4, "reason": "ok"}'), { score: 4, note: 'ok' });
    assert.equal(parsePairScore('```json\n{"score":"3"}\n```').score, 3);
    assert.equal(parsePairScore('{"score":"seven"}').score, null);
    assert.equal(parsePairScore('{"score": 7}').score, null);
    assert.equal(parsePairScore('I give it a score of 2').score, 2);
    const b = parseBatchScores('{"scores":[{"plan":1,"score":5},{"plan":2,"score":"seven"},{"plan":9,"score":1}]}', [1, 2, 3]);
    assert.equal(b.get(1)!.score, 5);
    assert.equal(b.get(2)!.score, null);
    assert.equal(b.get(3)!.score, null);
    assert.equal(b.has(9), false);
    const plain = parseBatchScores('Plan 1: 4/5\nPlan 2: 1', [1, 2]);
    assert.deepEqual([plain.get(1)!.score, plain.get(2)!.score], [4, 1]);
  });
});

describe('pool file', () => {
  it('names the misspelt field and the agent index', () => {
    const d = mkdtempSync(join(tmpdir(), 'sale-pool-'));
    const f = join(d, 'pool.json');
    writeFileSync(f, JSON.stringify({ agents: [{ id: 'a', provider: 'openai', model: 'm', baseUrl: 'http://x/v1', prise: { inputPerMTok: 1, outputPerMTok: 1 } }] }));
    assert.throws(() => loadPoolFile(f), (e: Error) => /agents\.0/.test(e.message) && /prise/.test(e.message) && /price/.test(e.message));
    writeFileSync(f, '{ "agents": [ ');
    assert.throws(() => loadPoolFile(f), /not valid JSON/);
    writeFileSync(f, JSON.stringify({ agents: [{ id: 'a', provider: 'sim', model: 'a', price: { inputPerMTok: 1, outputPerMTok: 1 } }, { id: 'a', provider: 'sim', model: 'b', price: { inputPerMTok: 1, outputPerMTok: 1 } }] }));
    assert.throws(() => loadPoolFile(f), /duplicate agent id "a"/);
    assert.throws(() => loadPoolFile(join(d, 'missing.json')), /Cannot read pool file/);
  });
});
