import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BUDGET_DEFAULTS, budgetUsdLimit } from '../../../src/core/engineDefaults';
import { isInsideGit } from '../../../src/cli/auctionCommand';
import { defaultSolveSettings } from '../../../src/cli/solveDefaults';

describe('one set of engine defaults for the CLI and the extension', () => {
  it('the extension declares the same budget the CLI uses, and 0 means no limit in both', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8'));
    const props = [pkg.contributes.configuration].flat().flatMap((c: { properties: object }) => Object.entries(c.properties ?? {}))
      .reduce((m: Record<string, { default: unknown }>, [k, v]: [string, { default: unknown }]) => ({ ...m, [k]: v }), {});
    assert.equal(props['sale.execution.maxTurns'].default, BUDGET_DEFAULTS.maxTurns);
    assert.equal(props['sale.execution.maxTokens'].default, BUDGET_DEFAULTS.maxTokens);
    assert.equal(props['sale.budgetUsd'].default, BUDGET_DEFAULTS.maxUsd);
    assert.deepEqual(defaultSolveSettings().budget, { ...BUDGET_DEFAULTS });
    assert.equal(budgetUsdLimit(0), Number.POSITIVE_INFINITY);
    assert.equal(budgetUsdLimit(0.25), 0.25);
  });

  it('tells a git repository from a plain folder (the CLI notes the latter)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sale-gitcheck-'));
    try {
      fs.mkdirSync(path.join(dir, 'sub'));
      assert.equal(isInsideGit(path.join(dir, 'sub')), false);
      execFileSync('git', ['init', '-q'], { cwd: dir });
      assert.equal(isInsideGit(path.join(dir, 'sub')), true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
