/**
 * One in-process server per configuration key (the simulated pool): started once, shared by callers asking for
 * the same key while it starts, replaced (the old one closed) when the key changes, and closed on dispose — also
 * when dispose comes while it is still starting. Pure (no `vscode`).
 */
import { SaleError } from '../core/errors';

export interface ClosableServer {
  close(): Promise<void> | void;
}

export class KeyedServerSlot<H extends ClosableServer> {
  private running: { key: string; handle: H } | undefined;
  private starting: { key: string; promise: Promise<H> } | undefined;
  private disposed = false;

  /** The running server, if any. */
  get handle(): H | undefined {
    return this.running?.handle;
  }

  /** The server for `key`: the running one, the one starting for the same key, or a new one (after closing another). */
  async get(key: string, start: () => Promise<H>): Promise<H> {
    for (;;) {
      if (this.disposed) throw new SaleError('The simulated pool is shut down (the extension is closing).', 'sim-closed');
      if (this.running?.key === key) return this.running.handle;
      if (this.starting) {
        if (this.starting.key === key) return this.starting.promise;
        // Another configuration is starting: let it finish, then replace it.
        await this.starting.promise.catch(() => undefined);
        continue;
      }
      if (this.running) {
        const old = this.running;
        this.running = undefined;
        await old.handle.close();
        continue;
      }
      const promise = (async () => {
        const h = await start();
        if (this.disposed) {
          await h.close();
          throw new SaleError('The simulated pool was shut down while it started.', 'sim-closed');
        }
        this.running = { key, handle: h };
        return h;
      })();
      const entry = { key, promise };
      this.starting = entry;
      promise.then(() => undefined, () => undefined).finally(() => {
        if (this.starting === entry) this.starting = undefined;
      });
      return promise;
    }
  }

  /** Closes the running server and one still starting (it is closed as soon as it is up). */
  async dispose(): Promise<void> {
    this.disposed = true;
    const starting = this.starting;
    const running = this.running;
    this.running = undefined;
    await running?.handle.close();
    if (starting) await starting.promise.catch(() => undefined);
  }
}
