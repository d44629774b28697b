/**
 * Shared helpers for the execution tests (no tests of its own; named to match test/unit/exec*.test.ts).
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ChatModel, ChatRequest, ChatResult } from '../../../src/core/ports/chatModel';
import type { AgentConfig } from '../../../src/llm/poolConfig';
import type { CodingTask } from '../../../src/core/task';
import type { CommandApprover } from '../../../src/core/ports/commandRunner';

export async function makeTempDir(prefix = 'sale-exec-'): Promise<string> {
  return fsp.realpath(await fsp.mkdtemp(path.join(os.tmpdir(), prefix)));
}

export async function removeDir(dir: string): Promise<void> {
  await fsp.rm(dir, { recursive: true, force: true });
}

/** Writes files (relative path → content) under root, creating folders. */
export async function writeTree(root: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    await fsp.mkdir(path.dirname(abs), { recursive: true });
    await fsp.writeFile(abs, content);
  }
}

/**
 * Every entry under root (files: sha256 + mode; folders; symlinks: target), skipping `skip` folder names.
 * Used to assert "not one byte changed".
 */
export async function treeSnapshot(root: string, skip: string[] = []): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const visit = async (dir: string) => {
    for (const name of (await fsp.readdir(dir)).sort()) {
      const abs = path.join(dir, name);
      const rel = path.relative(root, abs).split(path.sep).join('/');
      const st = await fsp.lstat(abs);
      if (st.isSymbolicLink()) out[rel] = `link:${await fsp.readlink(abs)}`;
      else if (st.isDirectory()) {
        if (skip.includes(name)) continue;
        out[`${rel}/`] = `dir:${(st.mode & 0o7777).toString(8)}`;
        await visit(abs);
      } else {
        const h = createHash('sha256').update(await fsp.readFile(abs)).digest('hex');
        out[rel] = `file:${(st.mode & 0o7777).toString(8)}:${h}`;
      }
    }
  };
  await visit(root);
  return out;
}

export const testAgent = (id: string, inputPerMTok = 1, outputPerMTok = 2): AgentConfig => ({
  id,
  provider: 'sim',
  model: `${id}-model`,
  price: { inputPerMTok, outputPerMTok },
});

export function call(name: string, args: unknown, id?: string) {
  return { id: id ?? `c_${Math.random().toString(36).slice(2, 9)}`, name, arguments: typeof args === 'string' ? args : JSON.stringify(args) };
}

export type Scripted =
  | { text?: string; toolCalls?: { id: string; name: string; arguments: string }[]; inputTokens?: number; outputTokens?: number }
  | ((req: ChatRequest, n: number) => Promise<ScriptedStep> | ScriptedStep);
type ScriptedStep = { text?: string; toolCalls?: { id: string; name: string; arguments: string }[]; inputTokens?: number; outputTokens?: number };

/**
 * A scripted ChatModel: answers from a queue (or a function), records every request (messages deep-copied).
 * Usage: inputTokens defaults to ceil(JSON bytes of the messages / 4) (≥1 byte a token, as the loop assumes);
 * outputTokens defaults to `maxTokens` when `spendAll`, else 20. When `honourMaxTokens`, output never exceeds
 * the request's maxTokens. usd = configured prices × tokens.
 */
export class FakeChatModel implements ChatModel {
  readonly requests: ChatRequest[] = [];
  /** Usage reported for each answered call, in order. */
  readonly usages: { inputTokens: number; outputTokens: number; usd: number }[] = [];
  private i = 0;
  honourMaxTokens = true;
  spendAll = false;
  /** Delay before answering (ms); a cancel aborts it through the AbortSignal. */
  delayMs = 0;
  /** Ignore the abort signal (to test that the loop does not wait for the model). */
  ignoreAbort = false;

  constructor(readonly agent: AgentConfig, private readonly script: Scripted[] | ((req: ChatRequest, n: number) => Promise<ScriptedStep> | ScriptedStep)) {}

  get calls(): number {
    return this.requests.length;
  }

  async chat(req: ChatRequest): Promise<ChatResult> {
    this.requests.push({ ...req, messages: JSON.parse(JSON.stringify(req.messages)) });
    const n = this.i++;
    if (this.delayMs) {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, this.delayMs);
        if (!this.ignoreAbort) req.signal?.addEventListener('abort', () => {
          clearTimeout(t);
          reject(new Error('aborted'));
        });
      });
    }
    let step: ScriptedStep;
    if (typeof this.script === 'function') step = await this.script(req, n);
    else {
      const s = this.script[Math.min(n, this.script.length - 1)];
      if (s === undefined) throw new Error('script exhausted');
      step = typeof s === 'function' ? await s(req, n) : s;
    }
    const inputTokens = step.inputTokens ?? Math.ceil(Buffer.byteLength(JSON.stringify(req.messages), 'utf8') / 4);
    let outputTokens = step.outputTokens ?? (this.spendAll ? (req.maxTokens ?? 1000) : 20);
    if (this.honourMaxTokens && req.maxTokens !== undefined) outputTokens = Math.min(outputTokens, req.maxTokens);
    const usd = (inputTokens * this.agent.price.inputPerMTok + outputTokens * this.agent.price.outputPerMTok) / 1e6;
    this.usages.push({ inputTokens, outputTokens, usd });
    return { text: step.text ?? '', toolCalls: step.toolCalls ?? [], inputTokens, outputTokens, usd, finishReason: 'stop', latencyMs: 0 };
  }

  /** The content of every tool message in the last request, in order. */
  toolResultsSeen(): string[] {
    const last = this.requests[this.requests.length - 1];
    return (last?.messages ?? []).filter((m) => m.role === 'tool').map((m) => String(m.content));
  }
}

export const approveAll: CommandApprover = { approve: async () => true };
export const approveNone: CommandApprover = { approve: async () => false };

export function nodeTask(overrides: Partial<CodingTask> = {}): CodingTask {
  return { id: 'add-fix', title: 'Fix add()', body: 'add(a, b) must return the sum.', source: 'text', repo: 'tmp', testCommand: 'node --test', ...overrides };
}

/** A tiny node repo whose `node --test` fails until src/add.js returns a + b. */
export const NODE_REPO: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'tiny', version: '1.0.0', private: true, scripts: { test: 'node --test' } }, null, 2) + '\n',
  'src/add.js': 'function add(a, b) {\n  return a - b;\n}\nmodule.exports = { add };\n',
  'test/add.test.js': "const test = require('node:test');\nconst assert = require('node:assert');\nconst { add } = require('../src/add');\n" +
    "test('adds', () => { assert.strictEqual(add(2, 3), 5); });\n",
};
