import { z } from 'zod';

/** A task as the suite stores it (DESIGN §5) and as the extension builds it from an issue, a TODO or a selection. */
export const SuiteTaskSchema = z.object({
  id: z.string().min(1),
  title: z.string().min(1),
  body: z.string(),
  family: z.string().min(1),
  minutes: z.number().positive(),
  testCommand: z.string().min(1),
  keySteps: z.array(z.string().min(1)).min(1),
});
export type SuiteTask = z.infer<typeof SuiteTaskSchema>;

/** 'history': a past commit replayed by warm-up to fill a repository's memory. */
export type TaskSource = 'suite' | 'selection' | 'todo' | 'issue' | 'text' | 'history';

/** What the auction and the edit–test loop need to know about a task. */
export interface CodingTask {
  id: string;
  title: string;
  body: string;
  source: TaskSource;
  /** Repository label (e.g. origin URL or folder name), kept in memory records. */
  repo: string;
  /** The command that decides pass/fail. Undefined when none could be found: execution refuses then. */
  testCommand?: string;
  /** Files the task points at (the file of a TODO, the selection's file), shown to the models first. */
  focusFiles?: string[];
  family?: string;
  minutes?: number;
}

/** Complexity bins by estimated human minutes: 1: <5, 2: <15, 3: <30, 4: <60, 5: ≥60. */
export function complexityBin(minutes: number): 1 | 2 | 3 | 4 | 5 {
  if (minutes < 5) return 1;
  if (minutes < 15) return 2;
  if (minutes < 30) return 3;
  if (minutes < 60) return 4;
  return 5;
}

export function taskText(task: Pick<CodingTask, 'title' | 'body'>): string {
  return `${task.title}\n\n${task.body}`.trim();
}
