import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import { SaleError } from '../core/errors';
import type { CodingTask } from '../core/task';
import { formatZodIssues } from '../core/zodIssues';

/** A task file: the suite's task.json, a smaller JSON ({title, body, testCommand?}), or plain text/Markdown. */
const TaskFileSchema = z.object({
  id: z.string().min(1).optional(),
  title: z.string().min(1),
  body: z.string().default(''),
  testCommand: z.string().min(1).optional(),
  family: z.string().optional(),
  minutes: z.number().positive().optional(),
});

export function loadTaskFile(path: string, repo: string): CodingTask {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SaleError(`Cannot read task file ${path}: ${(e as Error).message}`);
  }
  const slug = basename(path).replace(/\.[^.]+$/, '');
  if (/\.json$/i.test(path)) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new SaleError(`Task file ${path} is not valid JSON: ${(e as Error).message}`);
    }
    const r = TaskFileSchema.safeParse(json);
    if (!r.success) throw new SaleError(`Invalid task file ${path}:\n${formatZodIssues(r.error)}`);
    const t = r.data;
    return { id: t.id ?? slug, title: t.title, body: t.body, source: 'text', repo, testCommand: t.testCommand, family: t.family, minutes: t.minutes };
  }
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const first = lines.findIndex((l) => l.trim());
  if (first < 0) throw new SaleError(`Task file ${path} is empty.`);
  return { id: slug, title: lines[first].replace(/^#+\s*/, '').trim(), body: lines.slice(first + 1).join('\n').trim(), source: 'text', repo };
}
