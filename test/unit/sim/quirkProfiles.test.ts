import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { defaultSuiteDir } from '../../../src/cli/resources';
import { loadTaskFile } from '../../../src/cli/taskFile';
import { auctionSettings } from '../../../src/core/auction/auctionSettings';
import { commonTopK, meanEntropy } from '../../../src/core/auction/entropy';
import type { SaleEvent } from '../../../src/core/events';
import { ChildProcessCommandRunner } from '../../../src/core/execution/childProcessRunner';
import { AuctionMemory } from '../../../src/core/memory/auctionMemory';
import { InMemoryStore } from '../../../src/core/memory/jsonlMemoryStore';
import { solveTask } from '../../../src/core/solve';
import { copyDir, loadSuite } from '../../../src/core/suite';
import { type PoolConfig, loadPoolFile } from '../../../src/llm/poolConfig';
import { createPoolModels } from '../../../src/llm/poolModels';
import { estimateTokens } from '../../../src/llm/usageGuard';
import { startSimServer } from '../../../src/sim/server';
import { countTokens } from '../../../src/sim/tokenizer';
import { approveAll } from '../helpers/builders';

/**
 * A whole solve (auction, jury, execution with real test runs) against every simulated twin in
 * pools/examples/sim-twins, i.e. against every quirk profile: what a user of that real server would get.
 */
const TWINS = join(__dirname, '..', '..', '..', 'pools', 'examples', 'sim-twins');
const TASK = 'str-truncate-length';

/** A shorter cold start for the test: 1.2 s instead of 6 s. */
function forTest(pool: PoolConfig): PoolConfig {
  return {
    ...pool,
    agents: pool.agents.map((a) => ((a.sim as { quirks?: unknown })?.quirks === 'cold-start' ? { ...a, sim: { ...a.sim, quirks: { profile: 'cold-start', coldStartMs: 1200 } } } : a)),
  };
}

async function solveOn(pool: PoolConfig, seed = 3) {
  const server = await startSimServer({ pool, suiteDir: defaultSuiteDir(), port: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'sale-quirk-'));
  try {
    const entry = loadSuite(defaultSuiteDir()).find((e) => e.task.id === TASK)!;
    copyDir(entry.repoDir, join(dir, 'repo'));
    const task = loadTaskFile(join(entry.dir, 'task.json'), join(dir, 'repo'));
    const cold = pool.agents.some((a) => JSON.stringify(a.sim ?? {}).includes('cold-start'));
    // Cold twins are noticed after 0.3 s (their start takes 1.2 s); others keep the real 4 s threshold.
    const models = createPoolModels(pool, { simBaseUrl: server.url, seed, ...(cold ? { slowStartNoticeMs: 300 } : {}) });
    const memory = await AuctionMemory.open(new InMemoryStore());
    const events: SaleEvent[] = [];
    const r = await solveTask({
      task, root: join(dir, 'repo'), models, memory,
      settings: { auction: auctionSettings({ seed }), budget: { maxTurns: 12, maxTokens: 200_000, maxUsd: 5 }, escalation: { enabled: false } },
      runner: new ChildProcessCommandRunner(), approver: approveAll, simulated: true, onEvent: (e) => events.push(e),
    });
    return { r, events, memory };
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('quirk profiles: a whole solve on every simulated twin (src/sim/quirkProfiles.ts)', function () {
  this.timeout(120_000);
  const twins = readdirSync(TWINS).filter((f) => f.endsWith('.json')).sort();

  it('there is a twin for every example pool', () => {
    const examples = readdirSync(join(TWINS, '..')).filter((f) => f.endsWith('.json'));
    for (const f of examples) assert.ok(twins.includes(f), `no simulated twin for ${f}`);
  });

  for (const f of twins) {
    it(`${f}: bids, jury and execution complete; no thoughts or tool-call text in plans, tokens or memory`, async () => {
      const pool = forTest(loadPoolFile(join(TWINS, f)));
      const { r, events, memory } = await solveOn(pool);
      const a = r.auction;
      const profile = (pool.agents[0].sim as { quirks: string | { profile: string } }).quirks;
      const name = typeof profile === 'string' ? profile : profile.profile;
      const valid = a.bids.filter((b) => !b.error);
      assert.ok(valid.length >= 1 && a.winner, `an auction with a winner (${a.bids.map((b) => b.error).join('; ')})`);
      assert.ok(r.execution, 'the winner executed');
      assert.ok(r.execution!.final.lastTest, 'a real test run happened');
      for (const b of valid) {
        assert.doesNotMatch(b.raw, /<\/?think>|<tool_call>|let me think/i, `${b.agent}: plan is the answer only`);
        assert.ok(b.juryMean !== null, `${b.agent}: jurors' answers were readable (${b.jury.map((j) => j.note).join('; ')})`);
        if (name === 'no-usage') {
          // No usage from the server: C is the adapter's estimate from the plan's text (usageGuard.ts), not 0.
          assert.ok(Math.abs(b.tokens - estimateTokens(b.raw)) <= 2, `${b.agent}: estimated plan tokens ${b.tokens} vs ${estimateTokens(b.raw)}`);
          continue;
        }
        // C counts the plan's own tokens: within rounding of what the plan text is (thoughts split by characters).
        const plan = countTokens(b.raw);
        assert.ok(Math.abs(b.tokens - plan) <= Math.max(3, plan * 0.12), `${b.agent}: plan tokens ${b.tokens} vs text ${plan}`);
      }
      const estimated = a.explanation.filter((l) => /usage estimated from text length \(prompt_tokens missing; completion_tokens missing\)/.test(l));
      if (name === 'no-usage') assert.ok(estimated.length >= 1, `the auction says usage was estimated (${a.explanation.join(' | ')})`);
      else assert.equal(estimated.length, 0, 'usage was reported, nothing estimated');
      const rec = JSON.stringify(memory.get(r.memoryRecordId));
      assert.doesNotMatch(rec, /<think>|let me think|thinkingTokens/i, 'memory holds no thoughts');
      if (name === 'openrouter-no-logprobs' || name === 'hidden-reasoning') {
        assert.ok(valid.every((b) => b.entropy === null));
        assert.ok(a.explanation.some((l) => /Entropy term dropped/.test(l)));
      } else {
        assert.ok(valid.every((b) => b.entropy !== null && b.entropy > 0), 'entropy from the logprobs');
      }
      if (name === 'hidden-reasoning' || name === 'openrouter-no-logprobs') {
        // Billed thinking tokens reported by usage are kept out of the plan tokens but in the bid's dollars.
        if (name === 'hidden-reasoning') {
          assert.ok(valid.every((b) => (b.thinkingTokens ?? 0) > 0 && !b.thoughts));
          // completion_tokens_details.reasoning_tokens are billed: the bid's dollars cover plan and thinking tokens.
          for (const b of valid) {
            const out = pool.agents.find((x) => x.id === b.agent)!.price.outputPerMTok;
            assert.ok(b.bidUsd >= ((b.tokens + b.thinkingTokens!) * out) / 1e6 - 1e-12, `${b.agent}: $${b.bidUsd} covers ${b.tokens}+${b.thinkingTokens} output tokens`);
          }
        }
      }
      if (name === 'cold-start') {
        const loading = events.filter((e) => e.type === 'model-loading').map((e) => (e as { agent: string }).agent);
        assert.deepEqual([...new Set(loading)].sort(), pool.agents.map((x) => x.id).sort(), 'each cold agent said "loading model…" once');
      } else {
        assert.equal(events.filter((e) => e.type === 'model-loading').length, 0);
      }
      if (name === 'vllm-no-tool-parser') {
        const turns = events.filter((e) => e.type === 'exec-turn' && (e as { tool?: string }).tool);
        assert.ok(turns.length >= 2, 'tool calls read from Hermes text drove the edit loop');
      }
    });
  }

  it('usage as servers send it: whole answers always, streams only with include_usage; never on the no-usage twin', async () => {
    const twin = loadPoolFile(join(TWINS, 'no-usage.json'));
    const plain: PoolConfig = { ...twin, agents: twin.agents.map(({ sim: _s, ...a }) => a) };
    const usageOf = async (pool: PoolConfig) => {
      const server = await startSimServer({ pool, suiteDir: defaultSuiteDir(), port: 0 });
      try {
        const client = new OpenAI({ baseURL: server.url, apiKey: 'sk-none', maxRetries: 0 });
        const body = { model: pool.agents[0].model, messages: [{ role: 'user' as const, content: 'Say something about tests.' }], max_tokens: 20 };
        const whole = await client.chat.completions.create(body);
        const streamed = async (include: boolean) => {
          let u: unknown;
          for await (const c of await client.chat.completions.create({ ...body, stream: true, ...(include ? { stream_options: { include_usage: true } } : {}) })) u ??= c.usage ?? undefined;
          return u;
        };
        return { whole: whole.usage, asked: await streamed(true), unasked: await streamed(false) };
      } finally {
        await server.close();
      }
    };
    const openai = await usageOf(plain);
    assert.ok(openai.whole && openai.whole.completion_tokens > 0);
    assert.ok(openai.asked, 'a stream carries usage when include_usage asks');
    assert.equal(openai.unasked, undefined, 'and not otherwise');
    assert.deepEqual(await usageOf(twin), { whole: undefined, asked: undefined, unasked: undefined });
  });

  it('top-20 logprobs give the same entropies as top-5 (one common k)', async () => {
    const twin = loadPoolFile(join(TWINS, 'openai.json'));
    const plain: PoolConfig = { ...twin, agents: twin.agents.map(({ sim: _s, ...a }) => a) };
    const server = await startSimServer({ pool: twin, suiteDir: defaultSuiteDir(), port: 0 });
    const server5 = await startSimServer({ pool: plain, suiteDir: defaultSuiteDir(), port: 0 });
    try {
      const [m20] = createPoolModels(twin, { simBaseUrl: server.url, seed: 1 });
      const [m5] = createPoolModels(plain, { simBaseUrl: server5.url, seed: 1 });
      const messages = [{ role: 'system' as const, content: 'Answer briefly.' }, { role: 'user' as const, content: 'Say something about tests.' }];
      const r20 = await m20.chat({ messages, logprobs: true, seed: 1 });
      const r5 = await m5.chat({ messages, logprobs: true, seed: 1 });
      assert.equal(r20.logprobs![0].top.length, 20);
      assert.equal(r5.logprobs![0].top.length, 5);
      const k = commonTopK([r20.logprobs, r5.logprobs]);
      assert.equal(k, 5);
      assert.ok(Math.abs(meanEntropy(r20.logprobs, k)! - meanEntropy(r5.logprobs, k)!) < 1e-9);
      assert.ok(meanEntropy(r20.logprobs, 20)! > meanEntropy(r20.logprobs, 5)!, 'without truncation top-20 would read as more uncertain');
      assert.ok((r20.cachedInputTokens ?? 0) === 0 || r20.cachedInputTokens! % 128 === 0);
    } finally {
      await server.close();
      await server5.close();
    }
  });
});
