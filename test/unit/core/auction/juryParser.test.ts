import assert from 'node:assert/strict';
import { parseBatchScores, parsePairScore } from '../../../../src/core/auction/juryParser';

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

describe('jury answers as models write them (core/auction/juryParser.ts)', () => {
  it('reads fenced or prose-wrapped JSON and scores as 4/5, 8/10, four, Score: 3', () => {
    assert.equal(parsePairScore('Here is my view.\n```json\n{"score": "4/5"}\n```\nThanks').score, 4);
    assert.equal(parsePairScore('The plan looks solid. {"score": 2, "reason": "vague"}').score, 2);
    assert.equal(parsePairScore('Score: 3').score, 3);
    assert.equal(parsePairScore('I would give it four out of five.').score, 4);
    assert.equal(parsePairScore('{"score": "8/10"}').score, 4);
    assert.equal(parsePairScore('{"rating": "five"}').score, 5);
    assert.equal(parsePairScore('{"score": 7}').score, null);
    assert.equal(parsePairScore('Plan 1 is fine').score, null, 'a plan number is not a score');
    const b = parseBatchScores('My scores:\n- Plan 1: 4/5\n- Plan 2: three out of five\n- Plan 3: one of the better ones', [1, 2, 3]);
    assert.deepEqual([b.get(1)!.score, b.get(2)!.score, b.get(3)!.score], [4, 3, null]);
    assert.deepEqual([...parseBatchScores('{"scores": {"1": 4, "2": "2/5"}}', [1, 2]).values()].map((x) => x.score), [4, 2]);
  });
});
