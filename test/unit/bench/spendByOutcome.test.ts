import * as assert from 'node:assert/strict';
import { buildReport } from '../../../src/bench/report';
import { spendByOutcome } from '../../../src/bench/spendByOutcome';
import { benchAttempt, benchResults, taskRun } from '../helpers/builders';

// The oracle: t0 and t1 passed by the small agent ($1 each), t2 only by the big one ($5), t3 by nobody (it pays the
// small agent's failed run, $2): $9 for 3 solved, $3 per solved task.
const oracleRuns = [
  taskRun('oracle', 0, 1, [benchAttempt('small', true, 1), benchAttempt('big', true, 4)], 1, true),
  taskRun('oracle', 1, 1, [benchAttempt('small', true, 1), benchAttempt('big', true, 4)], 1, true),
  taskRun('oracle', 2, 2, [benchAttempt('small', false, 2), benchAttempt('big', true, 5)], 5, true),
  taskRun('oracle', 3, 2, [benchAttempt('small', false, 2), benchAttempt('big', false, 6)], 2, false),
];

const overhead = (usd: number) => ({ auction: { inputTokens: 1, outputTokens: 0, tokens: 1, usd, calls: 1 } });

// sale: t0 first time with $0.5 of bidding; t1 after an escalation; t2 missed after one; t3, which nobody passes,
// costs a failed first attempt, a failed escalation and $0.5 of bidding.
const saleRuns = [
  taskRun('sale', 0, 1, [benchAttempt('small', true, 1)], 1.5, true, overhead(0.5)),
  taskRun('sale', 1, 1, [benchAttempt('small', false, 2), benchAttempt('big', true, 4)], 6, true),
  taskRun('sale', 2, 2, [benchAttempt('small', false, 2), benchAttempt('big', false, 5)], 7, false),
  taskRun('sale', 3, 2, [benchAttempt('small', false, 2), benchAttempt('big', false, 6)], 8.5, false, overhead(0.5)),
];

describe('bench: where a policy\'s dollars go, by what hindsight knows of each task (bench/spendByOutcome)', () => {
  it('splits the dollars into solved, missed (another agent passed) and unsolved (nobody passed) tasks', () => {
    const s = spendByOutcome(benchResults([...oracleRuns, ...saleRuns]), 'sale')!;
    assert.equal(s.usd, 23);
    assert.equal(s.solved, 2);
    assert.equal(s.oracleUsdPerSolved, 3);
    assert.deepEqual(s.classes, [
      { outcome: 'solved', tasks: 2, usd: 7.5, overheadUsd: 0.5, firstAttemptUsd: 3, escalationUsd: 4, escalations: 1, escalationsPassed: 1, oracleUsd: 2 },
      { outcome: 'missed', tasks: 1, usd: 7, overheadUsd: 0, firstAttemptUsd: 2, escalationUsd: 5, escalations: 1, escalationsPassed: 0, oracleUsd: 5 },
      { outcome: 'unsolved', tasks: 1, usd: 8.5, overheadUsd: 0.5, firstAttemptUsd: 2, escalationUsd: 6, escalations: 1, escalationsPassed: 0, oracleUsd: 2 },
    ]);
  });

  it('counts a task the policy passed as solved even where the oracle\'s draws passed nobody', () => {
    const lucky = saleRuns.map((r) => (r.taskId === 't3' ? { ...r, passed: true } : r));
    const s = spendByOutcome(benchResults([...oracleRuns, ...lucky]), 'sale')!;
    assert.deepEqual(s.classes.map((c) => [c.outcome, c.tasks]), [['solved', 3], ['missed', 1], ['unsolved', 0]]);
  });

  it('gives nothing without the policy\'s runs or without an oracle run for each of its tasks', () => {
    assert.equal(spendByOutcome(benchResults(oracleRuns), 'sale'), undefined);
    assert.equal(spendByOutcome(benchResults([...oracleRuns.slice(0, 3), ...saleRuns]), 'sale'), undefined);
  });

  it('says in the report what the tasks nobody passed cost against the oracle', () => {
    const largest = oracleRuns.map((r) => taskRun('largest', r.position, r.bin, [r.attempts[1]], r.attempts[1].usd, r.attempts[1].passed));
    const md = buildReport(benchResults([...oracleRuns, ...saleRuns, ...largest]), { command: 'sale bench --test' }).markdown;
    assert.match(md, /\| no agent passed it \| 1 \| 37\.0% \| \$0\.5000 \| \$2\.0000 \| 1 \(0\) \| \$6\.0000 \| \$2\.0000 \|/);
    // $23 for 2 solved against the oracle's $3: 3.83×; without t3's $6 escalation 2.83×; paying only the oracle's $2 on t3, 2.75×.
    assert.match(md, /`sale`'s \$\/solved is 3\.83× the oracle's; without those escalations \(a stop rule only hindsight has\) it would be 2\.83×, and paying there only what the oracle paid, 2\.75×\./);
  });
});
