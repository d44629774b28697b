/**
 * Red team, issue 9 item 7: model text reached the terminal raw — OSC and CSI sequences in a plan retitled the
 * window and cleared the screen. The real CLI prints a hostile plan; plus the --json report's size cap.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripControlSequences } from '../../src/core/controlChars';
import { capJsonReport } from '../../src/cli/jsonReport';
import { stripTerminalControls } from '../../src/vscode/terminalText';
import { withHostileServer } from './hostileServer';
import { GOOD_USAGE, PLAN, agent, byAgent, sale } from './redteamHelpers';

const HOSTILE = '\x1b]0;pwned-title\x07\x1b]52;c;ZXZpbA==\x1b\\\x1b[2J\x1b[H\x9b2J\x9d0;c1-title\x07\x1bPdcs\x1b\\\x07\x08\r';

describe('red team: no escape sequence from a model reaches the terminal (item 7)', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sale-redteam-ansi-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('sale auction prints a plan full of OSC/CSI/C1 sequences without any of them', async () => {
    await withHostileServer(byAgent(() => ({ content: `${HOSTILE}${PLAN.replace('Fix the off-by-one', `Fix ${HOSTILE}the off-by-one`)}`, usage: GOOD_USAGE })), async (srv) => {
      const pool = join(dir, 'pool.json');
      writeFileSync(pool, JSON.stringify({ agents: [agent(`evil`, srv.baseUrl), agent('b', srv.baseUrl)] }));
      writeFileSync(join(dir, 'task.md'), `# Fix ${HOSTILE}truncate\n\nOff by one.\n`);
      mkdirSync(join(dir, 'repo'));
      // FORCE_COLOR-free run with colours on would still keep only our own SGR codes; NO_COLOR keeps it plain.
      const r = await sale(['auction', '--task-file', join(dir, 'task.md'), '--repo', join(dir, 'repo'), '--pool', pool, '--memory', join(dir, 'm.jsonl')]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /evil/);
      for (const [name, text] of [['stdout', r.stdout], ['stderr', r.stderr]] as const) {
        assert.doesNotMatch(text, /[\x00-\x08\x0b-\x1f\x7f-\x9f]/, `${name} holds a control character`);
      }
      assert.doesNotMatch(r.stdout, /pwned-title|c1-title/);
    });
  });

  it('the one sanitiser serves the extension too (SALE terminal output), and keeps text', () => {
    assert.equal(stripControlSequences(`a${HOSTILE}b\n\tc`), 'ab\n\tc');
    // A lone CR returns to the line start: what follows it is what the line shows.
    assert.equal(stripTerminalControls(`a${HOSTILE}b\r\nc`), 'b\nc');
    assert.equal(stripControlSequences('\x1b[31mred\x1b[0m \x1b[38;5;1mx', { keepOwnColours: true }), '\x1b[31mred\x1b[0m x');
  });

  it('the --json report is capped: a 20 MB string does not make a 20 MB report', () => {
    const huge = 'x'.repeat(20 * 1024 * 1024);
    const text = capJsonReport({ passed: false, execution: { final: { diff: huge } }, notExecuted: undefined });
    assert.ok(text.length < 1024 * 1024, `${text.length} bytes`);
    const out = JSON.parse(text);
    assert.equal(out.reportTruncated, true);
    assert.match(out.execution.final.diff, /more characters cut from the report/);
    const many = capJsonReport({ passed: true, attempts: Array.from({ length: 3000 }, () => 'y'.repeat(3000)) }, 4 * 1024 * 1024);
    assert.ok(many.length <= 4 * 1024 * 1024);
    assert.equal(JSON.parse(many).passed, true);
  });
});
