/**
 * Before a bench measures anything: does each task behave on this machine as the suite says? Its starting
 * repository must fail its test command and, with its hidden solution, pass it (`checkTask`, the check a mined task
 * passes). A task whose solution fails here (a missing interpreter, another language version) can be solved by no
 * policy, and its runs then measure the machine, not the policies. The bench still runs such a task, so the stream
 * stays the one other runs of the suite saw, but says so on stderr, in results.json and at the top of report.md.
 */
import { mapLimit } from '../core/mapLimit';
import type { CommandRunner } from '../core/ports/commandRunner';
import { DEFAULT_EXEC_TOOL_LIMITS } from '../core/execution/execLimits';
import { type SuiteEntry, checkTask } from '../core/suite';

export interface PreflightResult {
  tasks: number;
  /** Each task that does not check out here, and why (the end of its test output included). */
  problems: { taskId: string; why: string }[];
}

export async function preflightSuite(entries: readonly SuiteEntry[], runner: CommandRunner, opts: { concurrency: number; timeoutMs?: number }): Promise<PreflightResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_EXEC_TOOL_LIMITS.testTimeoutMs;
  const whys = await mapLimit(entries, Math.max(1, opts.concurrency), (e) => checkTask(e.repoDir, e.solutionDir, e.task.testCommand, runner, timeoutMs));
  return { tasks: entries.length, problems: entries.flatMap((e, i) => (whys[i] ? [{ taskId: e.task.id, why: whys[i]! }] : [])) };
}
