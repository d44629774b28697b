import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SaleError } from '../core/errors';
import type { PoolConfig } from '../llm/poolConfig';
import { entropyLatent, makeLogprobs } from './logprobs';
import {
  type ChatCompletionRequest, type Completion, type WireToolCall,
  completionBody, completionChunks, errorBody, modelObject, parseChatRequest, promptTokens, sendJson, toolCallTokens,
} from './openaiWire';
import { PlanTable } from './planTable';
import { PromptCache, promptTokenStream } from './promptCache';
import { applyQuirks } from './quirkProfiles';
import { hashText } from './random';
import { SimAgents } from './simAgent';
import { TaskIndex } from './taskIndex';
import { countTokens, tokenize, truncateTokens } from './tokenizer';
import { type AgentSim, type SimWorld, resolveSimWorld } from './worldConfig';

/**
 * The simulated model pool as an OpenAI-compatible HTTP server on loopback (DESIGN §4). Model name = agent id.
 * Stateless apart from the plan table (plan text → success draw), so the same request gives the same answer.
 */

export interface SimServerOptions {
  pool: PoolConfig;
  /** Task suite folder (DESIGN §5). Without it every task is unknown and gets generic behaviour. */
  suiteDir?: string;
  /** 0 (default) = any free port. */
  port?: number;
  host?: '127.0.0.1' | 'localhost' | '::1';
  /** Overrides the world seed of the pool file. */
  seed?: number;
}

export interface SimServer {
  /** Base URL for OpenAI clients; ends with /v1. */
  url: string;
  port: number;
  world: SimWorld;
  close(): Promise<void>;
}

const MAX_BODY = 16 * 1024 * 1024;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

const sleep = (ms: number) => (ms > 0 ? new Promise<void>((r) => setTimeout(r, ms)) : Promise.resolve());

/**
 * Reads the body. Past MAX_BODY the rest is read and thrown away, so the 413 can be sent and read by the client
 * (destroying the socket mid-upload made the client see a reset, never the 413). Past 4 × MAX_BODY we give up.
 */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
      else if (size > 4 * MAX_BODY) {
        reject(new SaleError('request body far too large', 'too-large-abort'));
        req.destroy();
      }
    });
    req.on('end', () => (size > MAX_BODY ? reject(new SaleError('request body too large', 'too-large')) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

export async function startSimServer(opts: SimServerOptions): Promise<SimServer> {
  const host = opts.host ?? '127.0.0.1';
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) throw new SaleError(`The simulator listens on loopback only, not on ${host}.`);
  const world = resolveSimWorld(opts.pool, opts.seed !== undefined ? { seed: opts.seed } : {});
  const tasks = TaskIndex.fromDir(opts.suiteDir);
  const agents = new SimAgents(world, tasks, new PlanTable());
  const cache = new PromptCache(world.cache);
  const byName = new Map<string, AgentSim>();
  for (const a of opts.pool.agents) {
    const sim = world.agents.get(a.id);
    if (!sim) continue;
    byName.set(a.id, sim);
    if (!byName.has(a.model)) byName.set(a.model, sim);
  }
  const started = Math.floor(Date.now() / 1000);

  const complete = (agent: AgentSim, modelName: string, req: ChatCompletionRequest): Completion => {
    const reply = agents.reply(agent, req);
    let content = reply.content;
    if (req.json && content !== null && !reply.isJson) content = JSON.stringify(reply.plan ? { plan: content } : { answer: content });
    const callKey = hashText(`${modelName}\n${req.seed ?? ''}\n${JSON.stringify(req.messages)}`);
    let toolCalls: WireToolCall[] = reply.toolCalls.map((t, i) => ({ id: `call_${callKey.slice(0, 20)}${i}`, ...t }));
    let finishReason: Completion['finishReason'] = toolCalls.length ? 'tool_calls' : 'stop';
    let completionTokens = countTokens(content ?? '') + toolCallTokens(toolCalls);
    if (req.maxTokens && completionTokens > req.maxTokens) {
      // Cut the text at max_tokens; a tool call that does not fit is dropped rather than sent half-written.
      content = truncateTokens(content ?? '', req.maxTokens).text;
      toolCalls = [];
      finishReason = 'length';
      completionTokens = countTokens(content);
    }
    if (reply.plan) {
      const rec = { agentId: agent.id, taskKey: reply.plan.taskKey, draw: reply.plan.draw };
      if (content) agents.plans.remember(content, rec);
      if (reply.content && reply.content !== content) agents.plans.remember(reply.content, rec);
    }
    let logprobs: Completion['logprobs'] = null;
    if (req.logprobs && agent.offersLogprobs) {
      const latent = entropyLatent(agent, reply.entropy.success, reply.entropy.key);
      const top = Math.min(5, req.topLogprobs);
      logprobs = makeLogprobs(tokenize(content ?? ''), agent, latent, reply.entropy.key).map((t) => ({ ...t, top_logprobs: t.top_logprobs.slice(0, top) }));
    }
    const prompt = promptTokens(req);
    // One cache per model; the request seed stands for the account (the bench gives every order its own seed,
    // and two users of a provider do not share a cache).
    const cached = Math.min(prompt, cache.lookup(`${agent.id}|${req.seed ?? ''}`, promptTokenStream(req), Date.now()));
    const plain: Completion = {
      id: `chatcmpl-sim-${callKey.slice(0, 24)}`,
      created: Math.floor(Date.now() / 1000),
      model: modelName,
      content: content === '' && toolCalls.length ? null : content,
      toolCalls,
      logprobs,
      finishReason,
      usage: { prompt_tokens: prompt, completion_tokens: completionTokens, total_tokens: prompt + completionTokens, prompt_tokens_details: { cached_tokens: cached } },
    };
    // A quirk profile only rewrites the wire form; the plan table above already holds the plain text.
    return agent.quirks ? applyQuirks(agent.quirks, plain, { asked: req.thinking, key: callKey, kind: reply.kind, maxTokens: req.maxTokens, promptTokens: prompt }) : plain;
  };

  // Quirk state: requests per agent (for rate limits) and each cold agent's loading time.
  const requestsSeen = new Map<string, number>();
  const loading = new Map<string, Promise<void>>();
  /** Returns true when it answered (a 429) and the request must stop here. */
  const quirkGate = async (agent: AgentSim, res: ServerResponse): Promise<boolean> => {
    const q = agent.quirks;
    if (!q) return false;
    const n = (requestsSeen.get(agent.id) ?? 0) + 1;
    requestsSeen.set(agent.id, n);
    if (q.rateLimit && n % q.rateLimit.every === 0) {
      sendJson(res, 429, errorBody(`Rate limit reached for ${agent.id} (simulated). Please try again in ${q.rateLimit.retryAfterS}s.`, 'requests', null, 'rate_limit_exceeded'), { 'Retry-After': String(q.rateLimit.retryAfterS) });
      return true;
    }
    if (q.coldStartMs) {
      // Every request waits for the one load; later ones find the model warm.
      if (!loading.has(agent.id)) loading.set(agent.id, sleep(q.coldStartMs));
      await loading.get(agent.id);
    }
    if (q.slowMsPerRequest) await sleep(q.slowMsPerRequest);
    return false;
  };

  const handleChat = async (req: IncomingMessage, res: ServerResponse) => {
    let raw: string;
    try {
      raw = await readBody(req);
    } catch (e) {
      if ((e as SaleError).code !== 'too-large') return void res.destroy();
      res.setHeader('Connection', 'close');
      return sendJson(res, 413, errorBody(`Request body too large (the simulator accepts up to ${MAX_BODY} bytes).`, 'invalid_request_error'));
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch (e) {
      return sendJson(res, 400, errorBody(`We could not parse the JSON body of your request (${(e as Error).message}).`, 'invalid_request_error'));
    }
    const parsed = parseChatRequest(body);
    if (!parsed.ok) return sendJson(res, 400, errorBody(parsed.message, 'invalid_request_error', parsed.param));
    const r = parsed.request;
    const agent = byName.get(r.model);
    if (!agent) {
      return sendJson(res, 404, errorBody(`The model \`${r.model}\` does not exist in this simulated pool (known: ${world.agentIds.join(', ')}).`, 'invalid_request_error', 'model', 'model_not_found'));
    }
    if (await quirkGate(agent, res)) return;
    const c = complete(agent, r.model, r);
    const delay = agent.latency.msPerRequest + agent.latency.msPerToken * c.usage.completion_tokens;
    const sendsUsage = agent.quirks?.usage !== 'never';
    if (!r.stream) {
      await sleep(delay);
      return sendJson(res, 200, sendsUsage ? completionBody(c) : { ...completionBody(c), usage: undefined });
    }
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    const chunks = completionChunks(c, r.includeUsage && sendsUsage);
    const perChunk = delay / Math.max(1, chunks.length);
    let owed = 0; // timers cannot sleep less than ~1 ms, so sleep only once a whole millisecond is owed
    for (const ch of chunks) {
      if (res.destroyed) return;
      owed += perChunk;
      if (owed >= 1) {
        await sleep(owed);
        owed = 0;
      }
      res.write(`data: ${JSON.stringify(ch)}\n\n`);
    }
    res.end('data: [DONE]\n\n');
  };

  const server = createServer((req, res) => {
    const hostHeader = (req.headers.host ?? '').replace(/:\d+$/, '');
    // Loopback-only, also against DNS rebinding from a browser page.
    if (hostHeader && !LOOPBACK_HOSTS.has(hostHeader)) return sendJson(res, 403, errorBody('The simulator only answers loopback hosts.', 'invalid_request_error'));
    const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '');
    if (req.method === 'GET' && path === '/v1/models') {
      // Agent ids, and model names where they differ (a real server lists model names; the pool check looks for them).
      return sendJson(res, 200, { object: 'list', data: [...byName.keys()].map((id) => modelObject(id, started)) });
    }
    const one = /^\/v1\/models\/(.+)$/.exec(path);
    if (req.method === 'GET' && one) {
      const id = decodeURIComponent(one[1]);
      if (byName.has(id)) return sendJson(res, 200, modelObject(id, started));
      return sendJson(res, 404, errorBody(`The model \`${id}\` does not exist in this simulated pool.`, 'invalid_request_error', 'model', 'model_not_found'));
    }
    if (path === '/v1/chat/completions') {
      if (req.method !== 'POST') return sendJson(res, 405, errorBody('Use POST for chat completions.', 'invalid_request_error'));
      handleChat(req, res).catch((e) => {
        if (!res.headersSent) sendJson(res, 500, errorBody(`Simulator error: ${(e as Error).message}`, 'server_error'));
        else res.destroy();
      });
      return;
    }
    sendJson(res, 404, errorBody(`Unknown route ${req.method} ${path || '/'}; the simulator serves /v1/models and /v1/chat/completions.`, 'invalid_request_error'));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host === '::1' ? '[::1]' : host;
  return {
    url: `http://${urlHost}:${port}/v1`,
    port,
    world,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
