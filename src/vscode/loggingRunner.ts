/** A CommandRunner that logs each command with its exit and keeps the last results (the test API reads them). No `vscode` import. */
import type { CommandResult, CommandRunner } from '../core/ports/commandRunner';
import type { Logger } from './log';

export class LoggingRunner implements CommandRunner {
  readonly results: CommandResult[] = [];

  constructor(private readonly inner: CommandRunner, private readonly log: Logger) {}

  async run(command: string, opts: Parameters<CommandRunner['run']>[1]): Promise<CommandResult> {
    const r = await this.inner.run(command, opts);
    this.results.push(r);
    if (this.results.length > 200) this.results.shift();
    this.log(r.exitCode === 0 ? 'info' : 'warn', `$ ${command} → exit ${r.exitCode ?? 'unknown'}${r.timedOut ? ' (timed out)' : ''} [${r.runner}, ${r.durationMs} ms]`);
    return r;
  }
}
