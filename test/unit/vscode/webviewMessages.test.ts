import assert from 'node:assert/strict';
import type { SaleEvent } from '../../../src/core/events';
import { applyEvent, phaseSummary } from '../../../src/vscode/panelModel';
import { type ExecView, HostMessageSchema, initialPanelState, parseHostMessage, parseWebviewMessage, primaryOutcomeAction } from '../../../src/vscode/webviewMessages';
import { auctionRecord, bid, usageTotals } from '../helpers/builders';

describe('webview messages (vscode/webviewMessages)', () => {
  it('accepts every well-formed action', () => {
    for (const m of [
      { type: 'ready' }, { type: 'run', session: 's1', bidIndex: 2 }, { type: 'cancel', session: 's1' },
      { type: 'accept', session: 's1' }, { type: 'revert', session: 's1' }, { type: 'openDiff', session: 's1', path: 'src/a.js' },
      { type: 'solve' }, { type: 'openSettings' }, { type: 'showLog' }, { type: 'problem', message: 'x' },
    ]) assert.ok(parseWebviewMessage(m).ok, JSON.stringify(m));
  });

  it('refuses malformed and forged messages with a reason', () => {
    const bad: unknown[] = [
      null, 'run', 42, {}, { type: 'nope' },
      { type: 'run', session: 's1' }, // no bidIndex
      { type: 'run', session: 's1', bidIndex: -1 },
      { type: 'run', session: 's1', bidIndex: 1.5 },
      { type: 'run', session: 's1', bidIndex: '1' },
      { type: 'run', session: '', bidIndex: 0 },
      { type: 'accept' }, // no session
      { type: 'run', session: 's1', bidIndex: 0, command: 'rm -rf /' }, // extra field: strict
      { type: 'openDiff', session: 's1', path: '' },
      { type: 'problem', message: 'x'.repeat(5000) },
      { type: 'ready', __proto__: { polluted: true }, extra: 1 },
    ];
    for (const m of bad) {
      const r = parseWebviewMessage(m);
      assert.equal(r.ok, false, JSON.stringify(m));
      if (!r.ok) assert.ok(r.error.length > 0);
    }
  });

  it('offers Accept first only after passing tests; after failed tests or a failed run, Revert', () => {
    const attempt = (passed: boolean | null): ExecView => ({
      agent: 'a', escalation: 0, turn: 3, tokens: 10, usd: 0.001, lastTool: null, lastDetail: null, tests: [], stopNote: null,
      done: passed === null ? null : { passed, reason: passed ? 'passed' : 'tests-failed', turns: 3, tokens: 10, usd: 0.001 },
    });
    assert.equal(primaryOutcomeAction(initialPanelState({ phase: 'done', exec: [attempt(true)] })), 'accept');
    assert.equal(primaryOutcomeAction(initialPanelState({ phase: 'done', exec: [attempt(false)] })), 'revert');
    // An escalation that passed after a failed first attempt: the last attempt decides.
    assert.equal(primaryOutcomeAction(initialPanelState({ phase: 'done', exec: [attempt(false), { ...attempt(true), escalation: 1 }] })), 'accept');
    assert.equal(primaryOutcomeAction(initialPanelState({ phase: 'failed', exec: [attempt(null)] })), 'revert');
    assert.equal(primaryOutcomeAction(initialPanelState({ phase: 'failed', exec: [attempt(true)] })), 'revert');
  });

  it('host messages are validated too: a state with a wrong field is refused', () => {
    const good = { type: 'state', state: initialPanelState() };
    assert.ok(parseHostMessage(good).ok);
    assert.equal(parseHostMessage({ type: 'state', state: { ...initialPanelState(), phase: 'hacking' } }).ok, false);
    assert.equal(parseHostMessage({ type: 'state', state: { ...initialPanelState(), bids: [{ agent: 'x' }] } }).ok, false);
    assert.equal(parseHostMessage({ type: 'focus', target: 'elsewhere' }).ok, false);
  });

  it('a plan with HTML and script tags survives validation unchanged (it is data, rendered as text)', () => {
    const raw = '<script>alert(1)</script><img src=x onerror=alert(2)> ## Approach';
    const state = { ...initialPanelState(), bids: [bid('a', { raw })] };
    const r = HostMessageSchema.parse({ type: 'state', state });
    assert.equal(r.type === 'state' && r.state.bids[0].raw, raw);
  });
});

describe('panel state from engine events (vscode/panelModel)', () => {
  it('follows an auction: start, streaming, bids, scoring, done, execution', () => {
    let s = initialPanelState({ session: 's', task: { title: 't', source: 'todo', repo: 'r', testCommand: 'npm test' } });
    const events: SaleEvent[] = [
      { type: 'auction-start', taskId: 't', agents: ['a', 'b'], simulated: true },
      { type: 'bid-delta', agent: 'a', round: 0, text: '## Appr' },
      { type: 'bid-delta', agent: 'a', round: 0, text: 'oach' },
    ];
    for (const e of events) s = applyEvent(s, e);
    assert.equal(s.phase, 'bidding');
    assert.equal(s.streaming['a#0'], '## Approach');
    assert.equal(phaseSummary(s), 'bidding 0/2');
    s = applyEvent(s, { type: 'bid', bid: bid('a') });
    assert.equal(s.streaming['a#0'], undefined, 'the finished bid replaces its stream');
    s = applyEvent(s, { type: 'bid', bid: bid('b') });
    s = applyEvent(s, { type: 'jury-progress', done: 1, total: 2 });
    assert.equal(s.phase, 'jury');
    s = applyEvent(s, { type: 'refine-start', agents: ['a'] });
    s = applyEvent(s, { type: 'bid', bid: bid('a', { round: 1, refined: true }) });
    assert.equal(s.bids.length, 3);
    const record = auctionRecord(s.bids, {
      provisionalWinner: 'b', winner: 'a', winnerBidIndex: 2, explanation: ['a won: lowest C − V'],
      usage: { bids: usageTotals({ inputTokens: 1, outputTokens: 1, usd: 0.01, calls: 2 }), jury: usageTotals({ inputTokens: 1, outputTokens: 1, usd: 0.02, calls: 2 }), refinement: usageTotals() },
    });
    s = applyEvent(s, { type: 'auction-done', record });
    assert.equal(s.phase, 'refining', 'review starts only when the host waits for the decision');
    assert.equal(s.winnerBidIndex, 2);
    assert.ok(Math.abs(s.auctionUsd - 0.03) < 1e-12);
    s = applyEvent(s, { type: 'exec-start', agent: 'a', escalation: 0 });
    s = applyEvent(s, { type: 'exec-turn', agent: 'a', turn: 1, tokens: 100, usd: 0.005, tool: 'read_file', detail: 'src/a.js' });
    s = applyEvent(s, { type: 'exec-test', agent: 'a', passed: false, exitCode: 1, outputTail: 'fail', runner: 'terminal' });
    s = applyEvent(s, { type: 'exec-turn', agent: 'a', turn: 2, tokens: 250, usd: 0.012 });
    s = applyEvent(s, { type: 'exec-test', agent: 'a', passed: true, exitCode: 0, outputTail: 'ok', runner: 'terminal' });
    s = applyEvent(s, { type: 'exec-done', agent: 'a', passed: true, reason: 'passed', turns: 3, tokens: 300, usd: 0.015 });
    assert.equal(s.exec.length, 1);
    assert.equal(s.exec[0].tests.length, 2);
    assert.equal(s.exec[0].tests[0].runner, 'in the SALE terminal', 'said in words, as the fallback notice says it');
    assert.equal(applyEvent(s, { type: 'exec-test', agent: 'a', passed: false, exitCode: 1, outputTail: '', runner: 'terminal-fallback' }).exec[0].tests[2].runner,
      'as a child process, not in the SALE terminal');
    assert.equal(s.exec[0].lastTool, 'read_file');
    assert.ok(Math.abs(s.totalUsd - 0.045) < 1e-12, `total ${s.totalUsd}`);
    assert.deepEqual(s.exec[0].done, { passed: true, reason: 'passed', turns: 3, tokens: 300, usd: 0.015 });
    // The whole state still validates as a host message.
    assert.ok(parseHostMessage({ type: 'state', state: s }).ok);
  });

  it('why no further attempt followed a failed one stays on that attempt\'s card', () => {
    let s = initialPanelState();
    s = applyEvent(s, { type: 'exec-start', agent: 'a', escalation: 0 });
    s = applyEvent(s, { type: 'exec-done', agent: 'a', passed: false, reason: 'tests-failed', turns: 3, tokens: 300, usd: 0.015 });
    assert.equal(s.exec[0].stopNote, null);
    s = applyEvent(s, { type: 'exec-stopped', agent: 'a', note: 'Escalation not worth its cost: b (est. 20% after a failure ×0.6) would cost $0.0100 for an expected $0.0060.' });
    assert.match(s.exec[0].stopNote ?? '', /^Escalation not worth its cost: b/);
    assert.ok(parseHostMessage({ type: 'state', state: s }).ok);
  });

  it('warnings and errors from the engine become notices; info logs do not', () => {
    let s = initialPanelState();
    s = applyEvent(s, { type: 'log', level: 'info', message: 'chatter' });
    s = applyEvent(s, { type: 'log', level: 'warn', message: 'no logprobs from b' });
    assert.deepEqual(s.notices, [{ level: 'warn', message: 'no logprobs from b' }]);
  });
});

describe('routing in the panel state (vscode/panelModel, webviewMessages)', () => {
  const routing = {
    mode: 'routed' as const, agent: 'a', evidence: { passed: 9, of: 10, similar: 12 }, cause: 'routed' as const, confidence: 0.97,
    reason: 'Routed from memory: a passed 9 of 10 similar tasks it ran here (…); no auction held, $0.000 spent on bidding.',
    estimates: [{ agent: 'a', mean: 0.83, sd: 0.1, evidence: 10, expectedUsd: 0.004, ev: 0.02 }],
  };
  const record = (r?: typeof routing) => ({
    taskId: 't', startedAt: '', durationMs: 0, juryMode: 'per-judge' as const, weights: { cost: 1, entropy: 1, jury: {}, juryDefault: 1 },
    bids: [bid('a')], provisionalWinner: 'a', winner: 'a', winnerBidIndex: 0, refinements: [], explanation: [r?.reason ?? 'a won'],
    usage: { bids: { inputTokens: 0, outputTokens: 0, usd: 0, calls: 0 }, jury: { inputTokens: 0, outputTokens: 0, usd: 0, calls: 0 }, refinement: { inputTokens: 0, outputTokens: 0, usd: 0, calls: 0 } },
    ...(r ? { routing: r } : {}),
  });

  it('keeps the routing decision of the record, clears it (and any retry offer) when an auction starts, and validates', () => {
    let s = initialPanelState({ session: 's', task: { title: 't', source: 'todo', repo: 'r', testCommand: 'npm test' } });
    s = applyEvent(s, { type: 'auction-done', record: record(routing) });
    assert.equal(s.routing?.mode, 'routed');
    assert.deepEqual(s.routing?.evidence, { passed: 9, of: 10, similar: 12 });
    assert.equal(s.auctionUsd, 0);
    assert.ok(parseHostMessage({ type: 'state', state: { ...s, retry: { bidIndex: 1, agent: 'b' } } }).ok);
    s = applyEvent({ ...s, retry: { bidIndex: 1, agent: 'b' } }, { type: 'auction-start', taskId: 't', agents: ['a', 'b'], simulated: true });
    assert.equal(s.routing, null, '"Hold the auction anyway": the routed line goes as the auction starts');
    assert.equal(s.retry, null);
    s = applyEvent(s, { type: 'auction-done', record: record() });
    assert.equal(s.routing, null, 'an auction without routing has no routing line');
  });

  it('refuses a retry offer with a negative bid index', () => {
    const s = initialPanelState({ retry: { bidIndex: -1, agent: 'b' } });
    assert.equal(parseHostMessage({ type: 'state', state: s }).ok, false);
  });
});
