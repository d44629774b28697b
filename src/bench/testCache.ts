import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CancelSignal } from '../core/ports/cancel';
import type { CommandResult, CommandRunner } from '../core/ports/commandRunner';

/**
 * The benchmark's command runner. Three things on top of a real runner (the child-process one):
 *
 * 1. **At most `limit` commands at once** (test runs are real processes; the bench runs many policies
 *    concurrently on few cores).
 * 2. **Memoised by content.** The key is the command plus the exact bytes of every file of the workspace
 *    (path, mode bits that matter, content; `node_modules` and `.git` skipped). The first time a state is
 *    seen the command really runs; a byte-identical state later gets that run's result. The fixture tests
 *    are deterministic functions of the files, so this changes nothing but the wall clock (a task's repo
 *    only ever reaches a handful of distinct states: start, hidden solution, a few wrong changes).
 *    `cache: false` turns it off.
 * 3. **Machine-independent output.** Timings (`duration_ms 612.9`, `Ran 5 tests in 0.012s`, `(1.2ms)`) and
 *    the workspace's absolute path are masked in the output the agent sees, so token counts — and so the
 *    bench's dollars — do not depend on the machine's speed or the temp folder's name.
 */
export interface BenchRunnerOptions {
  limit: number;
  cache: boolean;
  /** Also keep results in this folder (one JSON file per key), so parallel bench workers share them. */
  dir?: string;
}

export interface BenchRunnerStats {
  real: number;
  cached: number;
}

export function maskVolatile(output: string, cwd: string): string {
  let out = output;
  if (cwd) out = out.split(cwd).join('<workspace>');
  return out
    .replace(/(duration_ms:?\s*)\d+(?:\.\d+)?/g, '$1…')
    .replace(/(\bRan \d+ tests? in )\d+(?:\.\d+)?s\b/g, '$1…s')
    .replace(/\((\d+(?:\.\d+)?)ms\)/g, '(…ms)');
}

/** Content hash of a workspace (every file under root except node_modules/.git), plus the command. */
export function workspaceKey(root: string, command: string): string {
  const h = createHash('sha256');
  h.update(`cmd\0${command}\0`);
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (name === 'node_modules' || name === '.git') continue;
      const abs = join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(abs);
      if (st.isSymbolicLink()) h.update(`l\0${r}\0${readlinkSync(abs)}\0`);
      else if (st.isDirectory()) {
        h.update(`d\0${r}\0`);
        walk(abs, r);
      } else if (st.isFile()) {
        h.update(`f\0${r}\0${st.mode & 0o111 ? 'x' : '-'}\0${st.size}\0`);
        h.update(readFileSync(abs));
      }
    }
  };
  walk(root, '');
  return h.digest('hex');
}

export class BenchCommandRunner implements CommandRunner {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly cache = new Map<string, Promise<CommandResult>>();
  readonly stats: BenchRunnerStats = { real: 0, cached: 0 };

  constructor(private readonly inner: CommandRunner, private readonly opts: BenchRunnerOptions) {}

  private async slot<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.opts.limit) await new Promise<void>((r) => this.waiting.push(r));
    this.running++;
    try {
      return await fn();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  private fromDisk(key: string): Promise<CommandResult> | undefined {
    if (!this.opts.dir) return undefined;
    const f = join(this.opts.dir, `${key}.json`);
    if (!existsSync(f)) return undefined;
    try {
      return Promise.resolve(JSON.parse(readFileSync(f, 'utf8')) as CommandResult);
    } catch {
      return undefined;
    }
  }

  private toDisk(key: string, r: CommandResult): void {
    if (!this.opts.dir) return;
    mkdirSync(this.opts.dir, { recursive: true });
    const tmp = join(this.opts.dir, `${key}.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify(r));
    renameSync(tmp, join(this.opts.dir, `${key}.json`));
  }

  async run(command: string, opts: { cwd: string; timeoutMs: number; signal?: CancelSignal }): Promise<CommandResult> {
    const real = async () => {
      this.stats.real++;
      const r = await this.slot(() => this.inner.run(command, opts));
      return { ...r, output: maskVolatile(r.output, opts.cwd) };
    };
    if (!this.opts.cache) return real();
    const key = workspaceKey(opts.cwd, command);
    const hit = this.cache.get(key) ?? this.fromDisk(key);
    if (hit) {
      this.stats.cached++;
      this.cache.set(key, hit);
      return { ...(await hit), runner: 'bench-cache' };
    }
    const p = real();
    this.cache.set(key, p);
    const r = await p;
    // Never remember a run that did not finish normally (time-out, cancel, no exit code): run it again next time.
    if (r.exitCode === undefined) this.cache.delete(key);
    else this.toDisk(key, r);
    return r;
  }
}
