import assert from 'node:assert/strict';
import { parsePlan, planProblem } from '../../../../src/core/auction/planParser';

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
