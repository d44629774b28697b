// A tiny OpenAI-compatible stand-in whose "models" bid plans full of HTML and script tags, for the e2e test that
// proves the panel shows plans as text. It answers bids (streamed or not) and jury calls; nothing else is needed
// because the test stops at review.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export const HOSTILE_PLAN = [
  '## Approach',
  'Fix it. <script>document.title = "pwned-by-plan"</script><img src=x onerror="document.title=\'pwned-by-img\'"> <b>bold?</b>',
  '## Files',
  '- src/memoize.js',
  '## Commands',
  '- node --test',
  '## Steps',
  '1. <a href="javascript:alert(1)">click me</a>',
  '## Risks',
  '</pre></details><h1>escaped the pre</h1>',
  '## Verification',
  'Tests pass.',
].join('\n');

export async function startHtmlPlanModels(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.method === 'GET' && req.url?.startsWith('/v1/models')) {
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ object: 'list', data: [] }));
        return;
      }
      let reqJson: { model?: string; stream?: boolean; messages?: { role: string; content: string }[] } = {};
      try {
        reqJson = JSON.parse(body);
      } catch {
        res.statusCode = 400;
        res.end('{}');
        return;
      }
      const system = reqJson.messages?.find((m) => m.role === 'system')?.content ?? '';
      const kind = system.split('\n', 1)[0];
      let text = HOSTILE_PLAN;
      if (kind === 'SALE jury v1') {
        const ids = [...(reqJson.messages?.map((m) => m.content).join('\n') ?? '').matchAll(/<plan id="(\d+)">/g)].map((m) => Number(m[1]));
        text = JSON.stringify({ scores: ids.map((id) => ({ plan: id, score: 3, reason: '<i>fine</i>' })) });
      } else if (kind === 'SALE jury-one v1') {
        text = JSON.stringify({ score: 3, reason: 'fine' });
      }
      const usage = { prompt_tokens: 100, completion_tokens: 80, total_tokens: 180 };
      const base = { id: 'stub', created: Math.floor(Date.now() / 1000), model: reqJson.model ?? 'stub' };
      if (reqJson.stream) {
        res.writeHead(200, { 'Content-Type': 'text/event-stream' });
        for (const piece of text.match(/[\s\S]{1,40}/g) ?? []) {
          res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] })}\n\n`);
        }
        res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
        res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [], usage })}\n\n`);
        res.end('data: [DONE]\n\n');
        return;
      }
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }], usage }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
