/**
 * A scripted hostile OpenAI-compatible server for the red-team suite (loopback only, ephemeral port, node:http).
 * The real `openai` client talks to it. Each request takes the next scripted step (the last step repeats), so a
 * test can say exactly what the "model" sends back — content, tool calls, logprobs, usage of any shape — and
 * which wire fault to inject: trickle bytes after the headers, hang forever, end a stream without a finish
 * reason or [DONE], any status with any body and headers (Retry-After, 413), or a destroyed socket.
 *
 * It never keeps mocha alive: the server, its sockets and its timers are unref'd, and close() destroys every
 * open connection. Prefer `withHostileServer` (closes in `finally`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { errorBody, sendJson } from '../../src/sim/openaiWire';

export interface ScriptedToolCall {
  id?: string;
  name: string;
  /** Raw text: may be malformed JSON on purpose. */
  arguments: string;
}

export type WireFault =
  /** Send headers (and `prefix` bytes of the real body), then one byte every `intervalMs` of an endless body. */
  | { kind: 'trickle'; intervalMs?: number; prefixBytes?: number }
  /** Send headers (status 200), then nothing, ever. */
  | { kind: 'hang' }
  /** Streaming only: send the content (and usage) but no finish_reason and no [DONE]; then end the response. */
  | { kind: 'noFinish' }
  /** Destroy the socket before any byte is sent. */
  | { kind: 'destroy' };

export interface ScriptedStep {
  content?: string;
  toolCalls?: ScriptedToolCall[];
  /** Put verbatim in choice.logprobs (non-streaming) or split over the content chunks' logprobs.content (streaming). */
  logprobs?: unknown;
  /** Put verbatim as `usage` — any shape (negative, strings, NaN-ish, missing when undefined). */
  usage?: unknown;
  /** Default 'stop' ('tool_calls' when toolCalls are given); null sends a null finish_reason. */
  finishReason?: string | null;
  /** An error status: the body is `errorBody` (string sent raw, else JSON) or a standard OpenAI error object. */
  status?: number;
  errorBody?: unknown;
  headers?: Record<string, string>;
  /** Wait this long before sending the headers. */
  delayMs?: number;
  fault?: WireFault;
  /** Streaming: characters of content per chunk (default 8). */
  chunkChars?: number;
}

export type Script = ScriptedStep[] | ((n: number, body: RecordedRequest) => ScriptedStep);

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  /** The parsed JSON body (undefined when it was not JSON). */
  json: Record<string, unknown> | undefined;
  stream: boolean;
  at: number;
}

export interface HostileServer {
  readonly baseUrl: string;
  readonly port: number;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Replace the script (the request counter keeps counting). */
  setScript(script: Script): void;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function completionJson(step: ScriptedStep, model: string): Record<string, unknown> {
  const toolCalls = step.toolCalls?.map((t, i) => ({ id: t.id ?? `call_${i}`, type: 'function', function: { name: t.name, arguments: t.arguments } }));
  const finish = step.finishReason !== undefined ? step.finishReason : toolCalls?.length ? 'tool_calls' : 'stop';
  return {
    id: 'chatcmpl-hostile',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{
      index: 0,
      message: { role: 'assistant', content: step.content ?? (toolCalls?.length ? null : ''), ...(toolCalls?.length ? { tool_calls: toolCalls } : {}) },
      ...(step.logprobs !== undefined ? { logprobs: step.logprobs } : {}),
      finish_reason: finish,
    }],
    ...(step.usage !== undefined ? { usage: step.usage } : {}),
  };
}

/** The SSE events of a streamed completion, as `data: ...` payloads (without the final [DONE]). */
function streamEvents(step: ScriptedStep, model: string, withFinish: boolean): string[] {
  const base = { id: 'chatcmpl-hostile', object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model };
  const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: null, ...extra }] });
  const out = [chunk({ role: 'assistant', content: '' })];
  const content = step.content ?? '';
  const size = Math.max(1, step.chunkChars ?? 8);
  const lp = (step.logprobs as { content?: unknown[] } | undefined)?.content;
  for (let i = 0; i < content.length; i += size) {
    const extra = Array.isArray(lp) && i === 0 ? { logprobs: { content: lp } } : {};
    out.push(chunk({ content: content.slice(i, i + size) }, extra));
  }
  step.toolCalls?.forEach((t, index) => {
    out.push(chunk({ tool_calls: [{ index, id: t.id ?? `call_${index}`, type: 'function', function: { name: t.name, arguments: '' } }] }));
    const a = t.arguments;
    for (let i = 0; i < a.length; i += 64) out.push(chunk({ tool_calls: [{ index, function: { arguments: a.slice(i, i + 64) } }] }));
  });
  if (withFinish) {
    const finish = step.finishReason !== undefined ? step.finishReason : step.toolCalls?.length ? 'tool_calls' : 'stop';
    out.push(chunk({}, { finish_reason: finish }));
  }
  if (step.usage !== undefined) out.push(JSON.stringify({ ...base, choices: [], usage: step.usage }));
  return out;
}

export async function startHostileServer(script: Script = [{ content: 'ok', usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }]): Promise<HostileServer> {
  let current = script;
  let n = 0;
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!closed) fn();
    }, ms);
    t.unref();
    timers.add(t);
  };
  const wait = (ms: number) => new Promise<void>((r) => (ms > 0 ? later(ms, r) : r()));

  const pick = (rec: RecordedRequest): ScriptedStep => {
    const i = n++;
    if (typeof current === 'function') return current(i, rec);
    if (current.length === 0) return { status: 500, errorBody: { error: { message: 'empty script' } } };
    return current[Math.min(i, current.length - 1)];
  };

  /** Send `body` after `prefix` bytes, then one byte each interval, forever (the body is padded with spaces). */
  const trickle = (res: ServerResponse, body: string, intervalMs: number, prefixBytes: number) => {
    res.write(body.slice(0, prefixBytes));
    let i = prefixBytes;
    const tick = () => {
      if (res.destroyed) return;
      res.write(i < body.length ? body[i] : ' ');
      i++;
      later(intervalMs, tick);
    };
    later(intervalMs, tick);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await readBody(req);
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    const rec: RecordedRequest = { path: req.url ?? '', headers: req.headers, json, stream: json?.stream === true, at: Date.now() };
    requests.push(rec);
    const step = pick(rec);
    if (step.delayMs) await wait(step.delayMs);
    if (closed || res.destroyed) return;
    const fault = step.fault;
    if (fault?.kind === 'destroy') return void req.socket.destroy();
    const model = typeof json?.model === 'string' ? json.model : 'hostile';

    if (step.status && step.status >= 400) {
      if (typeof step.errorBody !== 'string') return sendJson(res, step.status, step.errorBody ?? errorBody(`scripted ${step.status}`, 'hostile_error'), step.headers);
      // A raw (possibly non-JSON) body, sent as is.
      res.writeHead(step.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(step.errorBody), ...step.headers });
      return void res.end(step.errorBody);
    }

    if (!rec.stream) {
      const json = completionJson(step, model);
      if (fault?.kind === 'hang') {
        res.writeHead(200, { 'Content-Type': 'application/json', ...step.headers });
        return void res.flushHeaders();
      }
      if (fault?.kind === 'trickle') {
        res.writeHead(200, { 'Content-Type': 'application/json', ...step.headers });
        return trickle(res, JSON.stringify(json), fault.intervalMs ?? 1000, fault.prefixBytes ?? 0);
      }
      return sendJson(res, 200, json, step.headers);
    }

    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', ...step.headers });
    res.flushHeaders();
    if (fault?.kind === 'hang') return;
    const withFinish = fault?.kind !== 'noFinish';
    const sse = streamEvents(step, model, withFinish).map((e) => `data: ${e}\n\n`).join('') + (withFinish ? 'data: [DONE]\n\n' : '');
    if (fault?.kind === 'trickle') return trickle(res, sse, fault.intervalMs ?? 1000, fault.prefixBytes ?? 0);
    res.end(sse);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.unref();
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.unref();
  const port = (server.address() as AddressInfo).port;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    setScript(s: Script) {
      current = s;
    },
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Run `fn` against a fresh hostile server; the server is closed whatever happens. */
export async function withHostileServer<T>(script: Script, fn: (srv: HostileServer) => Promise<T>): Promise<T> {
  const srv = await startHostileServer(script);
  try {
    return await fn(srv);
  } finally {
    await srv.close();
  }
}
