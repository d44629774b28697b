// Tests of the simulated pool's server over real HTTP. Over 300 lines: one file per module, and the server serves
// every prompt kind, streaming and tools, each with its own wire checks.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import OpenAI from 'openai';
import { PLAN_SECTIONS, bidMessages, executeMessages, juryBatchMessages, juryPairMessages, refineMessages, type RepoContext } from '../../../src/core/auction/prompts';
import { copyDir, loadSuite, type SuiteEntry } from '../../../src/core/suite';
import type { CodingTask } from '../../../src/core/task';
import { EXEC_TOOLS } from '../../../src/core/execution/toolSpecs';
import type { ChatMessage } from '../../../src/core/ports/chatModel';
import { OpenAIChatModel } from '../../../src/llm/chatModel';
import { type AgentConfig, type PoolConfig, parsePoolConfig } from '../../../src/llm/poolConfig';
import { withSimBaseUrl } from '../../../src/sim/defaultPool';
import { type SimServer, startSimServer } from '../../../src/sim/server';
import { countTokens } from '../../../src/sim/tokenizer';

// ---- a tiny temporary suite: two tasks of family "calc", one of family "text" ----

const ADD_BUG = `'use strict';\n\nfunction add(a, b) {\n  if (a < 0 || b < 0) return Math.abs(a) + Math.abs(b);\n  return a + b;\n}\n\nmodule.exports = { add };\n`;
const ADD_FIX = `'use strict';\n\nfunction add(a, b) {\n  return a + b;\n}\n\nmodule.exports = { add };\n`;
const ADD_TEST = `'use strict';\nconst test = require('node:test');\nconst assert = require('node:assert');\nconst { add } = require('../src/add');\n\ntest('adds', () => assert.equal(add(2, 3), 5));\ntest('adds negatives', () => assert.equal(add(-2, 3), 1));\n`;

function writeFiles(root: string, files: Record<string, string>) {
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
}

function makeSuite(root: string) {
  const task = (id: string, title: string, family: string, minutes: number, repo: Record<string, string>, solution: Record<string, string>, keySteps: string[]) => {
    writeFiles(join(root, id), { 'task.json': JSON.stringify({ id, title, body: `Details of ${id}. Calling \`add()\` misbehaves.`, family, minutes, testCommand: 'node --test', keySteps }) });
    writeFiles(join(root, id, 'repo'), repo);
    writeFiles(join(root, id, 'solution'), solution);
  };
  const repo = { 'package.json': '{"name":"calc","private":true}\n', 'src/add.js': ADD_BUG, 'test/add.test.js': ADD_TEST };
  task('calc-add-negatives', 'add() returns wrong sums for negative numbers', 'calc', 3, repo, { 'src/add.js': ADD_FIX, 'src/VERSION.txt': 'fixed\n' }, ['remove the Math.abs branch in add', 'return a + b for every input']);
  task('calc-add-other', 'add() is wrong in another way', 'calc', 20, repo, { 'src/add.js': ADD_FIX }, ['drop the absolute values in add']);
  task('text-other', 'pad() pads the wrong side', 'text', 8, repo, { 'src/add.js': ADD_FIX }, ['pad on the left in pad']);
}

const agent = (id: string, price: number, sim: Record<string, unknown>, logprobs = true) =>
  ({ id, provider: 'sim', model: id, price: { inputPerMTok: price, outputPerMTok: price }, logprobs, sim });

const POOL: PoolConfig = parsePoolConfig({
  description: 'simulated test pool',
  sim: { seed: 3, latency: { msPerToken: 0 }, memory: { boostPerExample: 1, maxBoost: 1 } },
  agents: [
    agent('sure', 0.36, { successByBin: [1, 1, 1, 1, 1] }),
    agent('hopeless', 0.05, { successByBin: [0, 0, 0, 0, 0] }),
    agent('mute', 0.09, { successByBin: [0.5, 0.5, 0.5, 0.5, 0.5] }, false),
    agent('slow', 0.16, { latency: { msPerToken: 5, msPerRequest: 20 } }),
  ],
});

// ---- a minimal tool host, standing in for the execution loop ----

function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(root, p).split(sep).join('/'));
    }
  };
  walk(root);
  return out;
}

function runTool(ws: string, name: string, args: Record<string, string>, log: string[]): string {
  log.push(name);
  switch (name) {
    case 'list_files':
      return listFiles(ws).join('\n');
    case 'read_file':
      return readFileSync(join(ws, args.path), 'utf8');
    case 'write_file':
      mkdirSync(dirname(join(ws, args.path)), { recursive: true });
      writeFileSync(join(ws, args.path), args.content);
      return `wrote ${args.path}`;
    case 'edit_file': {
      const text = readFileSync(join(ws, args.path), 'utf8');
      const n = text.split(args.search).length - 1;
      if (n !== 1) return `error: search text found ${n} times`;
      writeFileSync(join(ws, args.path), text.replace(args.search, () => args.replace));
      return `edited ${args.path}`;
    }
    case 'run_tests': {
      const r = spawnSync(process.execPath, ['--test'], { cwd: ws, encoding: 'utf8' });
      return `exit code: ${r.status}\n${(r.stdout + r.stderr).slice(-1500)}`;
    }
    case 'finish':
      return 'finished';
    default:
      return `error: unknown tool ${name}`;
  }
}

function codingTask(e: SuiteEntry): CodingTask {
  return { id: e.task.id, title: e.task.title, body: e.task.body, source: 'suite', repo: 'calc', testCommand: e.task.testCommand };
}

describe('sim: OpenAI-compatible server over real HTTP (src/sim/server.ts)', function () {
  this.timeout(30_000);
  let root: string;
  let suite: SuiteEntry[];
  let server: SimServer;
  let pool: PoolConfig;
  let client: OpenAI;
  const ctx: RepoContext = { files: ['package.json', 'src/add.js', 'test/add.test.js'], testCommand: 'node --test' };
  const model = (id: string) => new OpenAIChatModel(pool.agents.find((a) => a.id === id) as AgentConfig, { apiKey: 'sk-test' });
  const entry = (id: string) => suite.find((e) => e.task.id === id)!;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'sale-sim-'));
    makeSuite(join(root, 'suite'));
    suite = loadSuite(join(root, 'suite'));
    server = await startSimServer({ pool: POOL, suiteDir: join(root, 'suite'), port: 0 });
    pool = withSimBaseUrl(POOL, server.url);
    client = new OpenAI({ baseURL: server.url, apiKey: 'sk-test', maxRetries: 0 });
  });
  after(async () => {
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** Plays an execute conversation to the end through the SDK; returns the workspace and what happened. */
  async function execute(agentId: string, plan: string, opts: { stream?: boolean } = {}) {
    const e = entry('calc-add-negatives');
    const ws = join(root, `ws-${agentId}-${Math.random().toString(36).slice(2)}`);
    copyDir(e.repoDir, ws);
    const messages: ChatMessage[] = executeMessages(agentId, codingTask(e), ctx, plan);
    const log: string[] = [];
    const results: string[] = [];
    let summary = '';
    let completionTokens = 0;
    const m = model(agentId);
    for (let turn = 0; turn < 20; turn++) {
      const r = await m.chat({ messages, tools: EXEC_TOOLS, seed: 1, ...(opts.stream ? { onDelta: () => undefined } : {}) });
      completionTokens += r.outputTokens;
      assert.ok(r.text.length > 0, 'each turn carries visible reasoning');
      if (!r.toolCalls.length) break;
      assert.equal(r.finishReason, 'tool_calls');
      messages.push({ role: 'assistant', content: r.text, tool_calls: r.toolCalls.map((t) => ({ id: t.id, type: 'function' as const, function: { name: t.name, arguments: t.arguments } })) });
      let ended = false;
      for (const t of r.toolCalls) {
        const args = JSON.parse(t.arguments) as Record<string, string>;
        let out = runTool(ws, t.name, args, log);
        // Like the real edit loop: the first finish after failing tests is refused once, the second accepted.
        const testsFailed = !/^exit code: 0/.test(results.filter((x) => x.startsWith('exit code:')).pop() ?? '');
        if (t.name === 'finish' && testsFailed && !log.slice(0, -1).includes('finish')) out = 'Not finished: the tests have not passed yet (the last run failed).';
        else if (t.name === 'finish') ended = true;
        results.push(out);
        if (t.name === 'finish') summary = args.summary;
        messages.push({ role: 'tool', tool_call_id: t.id, content: out });
      }
      if (ended) break;
    }
    const lastTest = results.filter((r) => r.startsWith('exit code:')).pop() ?? '';
    return { ws, log, summary, lastTest, completionTokens };
  }

  it('GET /v1/models lists the pool agents', async () => {
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    assert.deepEqual(ids, ['sure', 'hopeless', 'mute', 'slow']);
  });

  it('a bid gives the same text, usage and logprobs streamed and not streamed, in the plan format', async () => {
    const msgs = bidMessages('sure', codingTask(entry('calc-add-negatives')), ctx, 400);
    const plain = await model('sure').chat({ messages: msgs, logprobs: true, maxTokens: 400, seed: 4 });
    const deltas: string[] = [];
    const streamed = await model('sure').chat({ messages: msgs, logprobs: true, maxTokens: 400, seed: 4, onDelta: (d) => deltas.push(d) });
    assert.equal(streamed.text, plain.text);
    assert.ok(deltas.length > 5 && deltas.join('') === plain.text);
    assert.equal(streamed.inputTokens, plain.inputTokens);
    assert.equal(streamed.outputTokens, plain.outputTokens);
    assert.equal(plain.outputTokens, countTokens(plain.text));
    assert.ok(plain.inputTokens > countTokens(msgs.map((m) => m.content).join('')));
    assert.deepEqual(streamed.logprobs, plain.logprobs);
    assert.equal(plain.finishReason, 'stop');
    for (const s of PLAN_SECTIONS) assert.match(plain.text, new RegExp(`^## ${s}$`, 'm'));
    assert.ok(plain.outputTokens < 400);
  });

  it('logprobs come with top_logprobs and bytes when offered, and not at all for an agent without them', async () => {
    const messages = bidMessages('x', codingTask(entry('calc-add-negatives')), ctx, 400);
    const r = await client.chat.completions.create({ model: 'sure', messages, logprobs: true, top_logprobs: 5, seed: 2 });
    const lp = r.choices[0].logprobs!.content!;
    assert.equal(lp.map((t) => t.token).join(''), r.choices[0].message.content);
    assert.equal(lp.length, r.usage!.completion_tokens);
    for (const t of lp.slice(0, 20)) {
      assert.equal(t.top_logprobs.length, 5);
      assert.equal(t.top_logprobs[0].token, t.token);
      assert.ok(t.logprob <= 0 && t.top_logprobs.every((a) => a.logprob <= t.logprob));
      assert.deepEqual(t.bytes, [...Buffer.from(t.token, 'utf8')]);
    }
    const few = await client.chat.completions.create({ model: 'sure', messages, logprobs: true, top_logprobs: 2, seed: 2 });
    assert.equal(few.choices[0].logprobs!.content![0].top_logprobs.length, 2);
    const none = await client.chat.completions.create({ model: 'mute', messages, logprobs: true, top_logprobs: 5, seed: 2 });
    assert.equal(none.choices[0].logprobs, null);
    const viaModel = await model('mute').chat({ messages, logprobs: true });
    assert.equal(viaModel.logprobs, undefined);
    const notAsked = await client.chat.completions.create({ model: 'sure', messages, seed: 2 });
    assert.equal(notAsked.choices[0].logprobs, null);
  });

  it('jury answers are valid JSON with one 0–5 score per plan', async () => {
    const task = codingTask(entry('calc-add-negatives'));
    const plans = await Promise.all(['sure', 'hopeless', 'mute'].map((id) => model(id).chat({ messages: bidMessages(id, task, ctx, 400), seed: 9 })));
    const batch = await client.chat.completions.create({
      model: 'mute', seed: 9, response_format: { type: 'json_object' },
      messages: juryBatchMessages(task, plans.map((p, i) => ({ label: i + 1, text: p.text }))),
    });
    const parsed = JSON.parse(batch.choices[0].message.content!) as { scores: { plan: number; score: number; reason: string }[] };
    assert.deepEqual(parsed.scores.map((s) => s.plan), [1, 2, 3]);
    for (const s of parsed.scores) assert.ok(Number.isInteger(s.score) && s.score >= 0 && s.score <= 5 && s.reason.length > 0);
    const pair = await model('sure').chat({ messages: juryPairMessages(task, { label: 1, text: plans[0].text }), json: true });
    const one = JSON.parse(pair.text) as { score: number };
    assert.ok(one.score >= 0 && one.score <= 5);
    const other = await client.chat.completions.create({ model: 'sure', response_format: { type: 'json_object' }, messages: [{ role: 'user', content: 'hello' }] });
    assert.equal(typeof JSON.parse(other.choices[0].message.content!).answer, 'string');
  });

  it('execute: a succeeding agent calls tools until its writes equal the hidden solution and the real tests pass', async () => {
    const bid = await model('sure').chat({ messages: bidMessages('sure', codingTask(entry('calc-add-negatives')), ctx, 400), seed: 1 });
    const run = await execute('sure', bid.text);
    const e = entry('calc-add-negatives');
    for (const f of ['src/add.js', 'src/VERSION.txt']) assert.equal(readFileSync(join(run.ws, f), 'utf8'), readFileSync(join(e.solutionDir, f), 'utf8'), f);
    // solution files in path order: src/VERSION.txt is new (written whole), src/add.js changes in one region (edited)
    assert.deepEqual(run.log, ['list_files', 'read_file', 'write_file', 'edit_file', 'run_tests', 'finish']);
    assert.match(run.lastTest, /^exit code: 0/);
    assert.ok(run.summary.length > 0 && !/could not/i.test(run.summary));
  });

  it('execute: a failing agent makes a plausible wrong change, retries once, and says it failed (streamed)', async () => {
    const bid = await model('hopeless').chat({ messages: bidMessages('hopeless', codingTask(entry('calc-add-negatives')), ctx, 400), seed: 1 });
    const run = await execute('hopeless', bid.text, { stream: true });
    const after = readFileSync(join(run.ws, 'src/add.js'), 'utf8');
    assert.notEqual(after, ADD_FIX);
    assert.notEqual(after, ADD_BUG, 'it did change something');
    assert.match(after, /Math\.abs/);
    assert.ok(!existsSync(join(run.ws, 'src/VERSION.txt')));
    assert.deepEqual(run.log, ['list_files', 'read_file', 'edit_file', 'run_tests', 'read_file', 'edit_file', 'run_tests', 'finish', 'finish']);
    assert.match(run.lastTest, /^exit code: [1-9]/);
    assert.match(run.summary, /could not make the tests pass/i);
  });

  it('a refined plan executes with its refined draw: memory from the same family turns a sure failure into a success', async () => {
    const task = codingTask(entry('calc-add-negatives'));
    const own = await model('hopeless').chat({ messages: bidMessages('hopeless', task, ctx, 400), seed: 1 });
    const example = (id: string) => {
      const t = entry(id).task;
      return { task: { title: t.title, body: t.body }, losing: { agent: 'hopeless', plan: 'old losing plan' }, winning: { agent: 'sure', plan: 'old winning plan', passed: true } };
    };
    const refineWith = async (ids: string[]) =>
      (await model('hopeless').chat({ messages: refineMessages('hopeless', task, ctx, own.text, ids.map(example), 400), seed: 1 })).text;
    const sameFamily = await refineWith(['calc-add-other']);
    const otherFamily = await refineWith(['text-other']);
    assert.notEqual(sameFamily, own.text);
    const good = await execute('hopeless', sameFamily);
    assert.equal(readFileSync(join(good.ws, 'src/add.js'), 'utf8'), ADD_FIX);
    assert.match(good.lastTest, /^exit code: 0/);
    const bad = await execute('hopeless', otherFamily);
    assert.match(bad.lastTest, /^exit code: [1-9]/);
  });

  it('trace tokens grow with task complexity', async () => {
    const tokensFor = async (id: string, seed: number) => {
      const e = entry(id);
      const r = await model('sure').chat({ messages: executeMessages('sure', codingTask(e), ctx, 'plan'), tools: EXEC_TOOLS, seed });
      return r.outputTokens - countTokens(r.toolCalls[0].arguments);
    };
    let easy = 0, hard = 0;
    for (let s = 0; s < 8; s++) {
      easy += await tokensFor('calc-add-negatives', s); // bin 1
      hard += await tokensFor('calc-add-other', s); // bin 3
    }
    assert.ok(hard > easy, `${hard} vs ${easy}`);
  });

  it('max_tokens cuts the answer and reports finish_reason "length"', async () => {
    const r = await client.chat.completions.create({ model: 'sure', max_tokens: 30, messages: bidMessages('sure', codingTask(entry('calc-add-negatives')), ctx, 400) });
    assert.equal(r.choices[0].finish_reason, 'length');
    assert.equal(r.usage!.completion_tokens, 30);
    assert.equal(countTokens(r.choices[0].message.content!), 30);
  });

  it('latency follows the agent\'s msPerRequest + msPerToken, streamed or not', async () => {
    const messages = bidMessages('slow', codingTask(entry('calc-add-negatives')), ctx, 400);
    const slow: number[] = [];
    for (const stream of [false, true]) {
      const t0 = Date.now();
      const r = await model('slow').chat({ messages, maxTokens: 30, ...(stream ? { onDelta: () => undefined } : {}) });
      const took = Date.now() - t0;
      slow.push(took);
      assert.equal(r.outputTokens, 30);
      assert.ok(took >= 20 + 5 * 30 - 5, `stream=${stream}: ${took} ms`);
    }
    const t1 = Date.now();
    await model('sure').chat({ messages, maxTokens: 30 });
    // Relative, not an absolute bound: on a loaded machine every call is slower, the slow agent's 170 ms on top.
    const fast = Date.now() - t1;
    assert.ok(fast < Math.min(...slow), `the default latency is small: ${fast} ms against the slow agent's ${slow.join(', ')} ms`);
  });

  it('same seed gives identical output; another seed gives different plans', async () => {
    const msgs = bidMessages('sure', codingTask(entry('calc-add-other')), ctx, 400);
    const a = await client.chat.completions.create({ model: 'sure', messages: msgs, seed: 21, logprobs: true, top_logprobs: 5 });
    const b = await client.chat.completions.create({ model: 'sure', messages: msgs, seed: 21, logprobs: true, top_logprobs: 5 });
    const c = await client.chat.completions.create({ model: 'sure', messages: msgs, seed: 22, logprobs: true, top_logprobs: 5 });
    assert.equal(a.choices[0].message.content, b.choices[0].message.content);
    assert.deepEqual(a.choices[0].logprobs, b.choices[0].logprobs);
    assert.deepEqual(a.usage, b.usage);
    assert.notEqual(a.choices[0].message.content, c.choices[0].message.content);
  });

  it('an unknown task gets a generic plan and a give-up execution instead of an error', async () => {
    const task: CodingTask = { id: 'x', title: 'Something nobody wrote down', body: 'Do it.', source: 'text', repo: 'r' };
    const bid = await model('sure').chat({ messages: bidMessages('sure', task, ctx, 400) });
    for (const s of PLAN_SECTIONS) assert.match(bid.text, new RegExp(`## ${s}`));
    const r = await model('sure').chat({ messages: executeMessages('sure', task, ctx, bid.text), tools: EXEC_TOOLS });
    assert.equal(r.toolCalls[0].name, 'list_files');
  });

  it('unknown model → 404 with an OpenAI error body', async () => {
    await assert.rejects(
      client.chat.completions.create({ model: 'gpt-nope', messages: [{ role: 'user', content: 'hi' }] }),
      (e: unknown) => e instanceof OpenAI.NotFoundError && e.status === 404 && (e as { code?: string }).code === 'model_not_found' && /gpt-nope/.test(e.message),
    );
  });

  it('malformed JSON and missing fields → 400 with an OpenAI error body', async () => {
    const post = (body: string) => fetch(`${server.url}/chat/completions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    const bad = await post('{ "model": "sure", ');
    assert.equal(bad.status, 400);
    const j = (await bad.json()) as { error: { type: string; message: string } };
    assert.equal(j.error.type, 'invalid_request_error');
    assert.match(j.error.message, /JSON/);
    const noMessages = await post(JSON.stringify({ model: 'sure' }));
    assert.equal(noMessages.status, 400);
    const wrongRoute = await fetch(`${server.url}/completions`, { method: 'POST', body: '{}' });
    assert.equal(wrongRoute.status, 404);
  });
});
