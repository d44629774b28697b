import { SaleError } from '../errors';
import type { FileJournal } from '../workspace/fileJournal';
import type { CancelSignal } from '../ports/cancel';
import type { CommandResult, CommandRunner } from '../ports/commandRunner';

/**
 * Before the auction, the test command runs once (inside the journal's accounting, so whatever it changes is put
 * back). When the command or its runner does not exist — exit 127, "command not found", a missing npm script, a
 * spawn ENOENT — the task stops there with a clear message, before any model is called, so it costs nothing.
 * A test run that merely fails is fine: failing tests are what the agent is there to fix.
 */
const MISSING = [
  /command not found/i,
  /^(?:[^\n]*: )?\d*:? ?[^\s:]+: not found$/im, // dash: "sh: 1: mocha: not found"
  /is not recognized as an internal or external command/i,
  /\bMissing script\b/i,
  /\bspawn \S+ ENOENT\b/,
  /\[could not start:/,
];

export function testCommandMissing(r: CommandResult): string | undefined {
  if (r.exitCode === 127) return 'exit code 127: the shell did not find the command';
  if (r.exitCode === 0 || r.timedOut) return undefined;
  const hit = MISSING.find((re) => re.test(r.output));
  return hit ? (r.output.split('\n').find((l) => hit.test(l)) ?? r.output).trim().slice(0, 300) : undefined;
}

export async function preflightTestCommand(opts: {
  command: string;
  journal: FileJournal;
  runner: CommandRunner;
  timeoutMs: number;
  signal?: CancelSignal;
}): Promise<CommandResult> {
  const { value, error } = await opts.journal.runAccounted(opts.command, 'restore', () =>
    opts.runner.run(opts.command, { cwd: opts.journal.root, timeoutMs: opts.timeoutMs, signal: opts.signal }));
  if (!value) throw error;
  const why = testCommandMissing(value);
  if (why) {
    throw new SaleError(
      `The test command "${opts.command}" cannot run here (${why}). Nothing was sent to any model. ` +
        'Install the test runner or set the right test command (the task\'s test command, or the package.json "test" script), then try again.',
      'test-command-missing',
    );
  }
  return value;
}
