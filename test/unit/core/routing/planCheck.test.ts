import assert from 'node:assert/strict';
import { TaskBudget } from '../../../../src/core/callBudget';
import { PROMPT_HEADERS } from '../../../../src/core/auction/prompts';
import { CancelSource } from '../../../../src/core/ports/cancel';
import { checkJurors, checkRoutedPlan } from '../../../../src/core/routing/planCheck';
import { agent, task } from '../../helpers/builders';
import { FakeChatModel, PLAN, pairJury } from '../../helpers/fakeChatModel';

/** A juror answering every single-plan jury prompt with `score`. */
const juror = (id: string, price: number, score: number | string) =>
  FakeChatModel.byKind(agent(id, price), (kind, req) => (kind === 'juryPair' ? { text: pairJury(req, () => score) } : { text: 'not a jury prompt' }));

describe('checkRoutedPlan: cheap jurors check a routed plan before it runs (issue 8)', () => {
  const routed = juror('small', 0.1, 5);

  it('picks the cheapest agents other than the routed one, in pool order', () => {
    const pool = [juror('big', 2, 3), routed, juror('mid', 0.5, 3), juror('tiny', 0.05, 3)];
    assert.deepEqual(checkJurors(pool, routed, 2).map((m) => m.agent.id), ['mid', 'tiny']);
    assert.deepEqual(checkJurors(pool, routed, 8).map((m) => m.agent.id), ['big', 'mid', 'tiny']);
    assert.deepEqual(checkJurors([routed], routed, 2), []);
  });

  it('passes a plan whose mean score reaches the threshold, fails one below it, and counts every call', async () => {
    const hi = [juror('a', 0.2, 4), juror('b', 0.3, 3)];
    const ok = await checkRoutedPlan({ models: [routed, ...hi], routed, task: task(), plan: PLAN('small'), jurors: 2, minScore: 3.5 });
    assert.equal(ok.mean, 3.5);
    assert.equal(ok.passed, true);
    assert.equal(ok.usage.calls, 2);
    assert.ok(ok.usage.usd > 0);
    assert.deepEqual(ok.scores.map((s) => [s.judge, s.score]), [['a', 4], ['b', 3]]);
    assert.match(ok.note, /^Plan checked: a, b rated small's plan 3\.5 of 5 .*; it runs\.$/);
    // Each juror saw the plan with the single-plan jury prompt, and the routed agent judged nothing.
    for (const m of hi) assert.ok(m.calls[0].req.messages.some((x) => String(x.content).includes(PROMPT_HEADERS.juryPair)));
    assert.equal(routed.calls.length, 0);

    const lo = [juror('a', 0.2, 1), juror('b', 0.3, 3)];
    const no = await checkRoutedPlan({ models: [routed, ...lo], routed, task: task(), plan: PLAN('small'), jurors: 2, minScore: 2.5 });
    assert.equal(no.mean, 2);
    assert.equal(no.passed, false);
    assert.match(no.note, /^Plan check failed: a, b rated small's plan 2\.0 of 5 .*below 2\.5\.$/);
  });

  it('lets routing stand when no juror can answer (unreadable or failed), and says so', async () => {
    const broken = FakeChatModel.byKind(agent('x', 0.2), () => ({ error: new Error('HTTP 500') }));
    const r = await checkRoutedPlan({ models: [routed, broken, juror('y', 0.3, 'great')], routed, task: task(), plan: PLAN('small'), jurors: 2, minScore: 2.5 });
    assert.equal(r.mean, null);
    assert.equal(r.passed, true);
    assert.match(r.scores[0].note ?? '', /judge failed: HTTP 500/);
    assert.match(r.note, /Nobody could check/);
  });

  it('keeps within the budget it is given: a check that cannot fit is not started', async () => {
    const j = juror('a', 0.2, 4);
    const r = await checkRoutedPlan({ models: [routed, j], routed, task: task(), plan: PLAN('small'), jurors: 1, minScore: 2.5, budget: new TaskBudget({ maxUsd: 1e-9, maxTokens: 100_000 }) });
    assert.equal(j.calls.length, 0, 'no call over the budget');
    assert.match(r.scores[0].note ?? '', /Plan check \(a\) not started/);
  });

  it('a cancelled run stops the check with a cancellation, not a verdict', async () => {
    const cancel = new CancelSource();
    const slow = FakeChatModel.byKind(agent('a', 0.2), () => ({ text: '{"score":4}', delayMs: 5_000 }));
    const p = checkRoutedPlan({ models: [routed, slow], routed, task: task(), plan: PLAN('small'), jurors: 1, minScore: 2.5, signal: cancel });
    setTimeout(() => cancel.cancel(), 20);
    await assert.rejects(p, /cancel/i);
  });
});
