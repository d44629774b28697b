/**
 * One task at a time, from the first instant: the check runs before the first await, and `starting` covers the
 * window between a start and the run being under way (pool resolution, the pending-change prompt), when the panel
 * does not show a busy phase yet. No `vscode` import.
 */
import { UserFacingError } from './userErrors';

export class StartGuard {
  private starting = false;

  /** Runs `body` unless a task runs (`busy`) or is starting; then refuses with `busy`. */
  async run<T>(busy: boolean, body: () => Promise<T>): Promise<T> {
    if (busy || this.starting) {
      throw new UserFacingError('SALE is already working on a task. Cancel it first ("SALE: Cancel").', 'busy', [{ title: 'Cancel it', command: 'sale.cancel' }]);
    }
    this.starting = true;
    try {
      return await body();
    } finally {
      this.starting = false;
    }
  }
}
