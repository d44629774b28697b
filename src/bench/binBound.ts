/**
 * How cheap per solved task could a policy be that does not see outcomes? A bound for issue 8's "$/solved ≤ 1.5×
 * the oracle's", read from a bench run's oracle runs (the oracle executed every agent on every task of the stream,
 * with the draws every policy saw).
 *
 * The bound policy is told each task's difficulty bin, which no real signal gives (task text, plans and memory only
 * hint at it). Per bin it follows one fixed sequence of agents (the first, then the next on failure, at most all of
 * them), chosen with hindsight on the very runs it is scored on. So it is optimistic twice over: the bin is known,
 * and the per-bin choice is fitted in-sample. An attempt costs what that agent's recorded run on that task cost.
 *
 * `boost` allows for memory: a failed run also passes with that probability (the share of the gap to certain
 * success that similar past wins in the prompt close, at most the world's `memory.maxBoost`), at the agent's mean
 * passing cost in that bin, independently across agents. Figures with it are expectations.
 */
import type { BenchResults, TaskRun } from './results';
import { usdPerSolved } from './stats';

export interface BinBoundRow {
  /** Least pass@1 the sequences must reach (share of task runs). */
  floor: number;
  pass: number;
  usdPerSolved: number;
  /** Per bin (ascending), the agents in the order tried. */
  sequences: { bin: number; agents: string[] }[];
}

export interface BinBound {
  runs: number;
  /** The recorded oracle's dollars per solved task, pooled over orders: the yardstick of the target. */
  oracleUsdPerSolved: number;
  referencePass: number;
  /** With no pass@1 floor, then at the reference's pass@1 (a floor no sequence reaches has no row). */
  rows: BinBoundRow[];
}

interface Cell { pass: number; passUsd: number; failUsd: number }
interface Option { agents: string[]; usd: number; solved: number }

/** Every ordered sequence of distinct agents, lengths 1..n. */
function sequences(ids: string[]): string[][] {
  const out: string[][] = [];
  const grow = (seq: string[]) => {
    if (seq.length) out.push(seq);
    for (const id of ids) if (!seq.includes(id)) grow([...seq, id]);
  };
  grow([]);
  return out;
}

/** The options no other beats on both dollars (fewer) and solved tasks (more). */
function paretoFront<T extends { usd: number; solved: number }>(xs: T[]): T[] {
  const sorted = [...xs].sort((a, b) => a.usd - b.usd || b.solved - a.solved);
  const out: T[] = [];
  for (const x of sorted) if (!out.length || x.solved > out[out.length - 1].solved) out.push(x);
  return out;
}

/** undefined when the run has no oracle runs with every agent's attempt. */
export function binBound(results: BenchResults, opts: { boost?: (agentId: string, run: TaskRun) => number } = {}): BinBound | undefined {
  const oracle = results.runs.filter((r) => r.policy === 'oracle');
  const agents = results.pool.agents.map((a) => a.id);
  if (!oracle.length || oracle.some((r) => agents.some((id) => !r.attempts.some((a) => a.agent === id)))) return undefined;

  const passCost = new Map<string, { usd: number; n: number }>();
  for (const run of oracle) for (const a of run.attempts) if (a.passed) {
    const k = `${a.agent}/${run.bin}`;
    const c = passCost.get(k) ?? { usd: 0, n: 0 };
    passCost.set(k, { usd: c.usd + a.usd, n: c.n + 1 });
  }
  const tasks = oracle.map((run) => ({
    bin: run.bin,
    cells: new Map<string, Cell>(agents.map((id) => {
      const rec = run.attempts.find((a) => a.agent === id)!;
      if (rec.passed) return [id, { pass: 1, passUsd: rec.usd, failUsd: 0 }];
      const pc = passCost.get(`${id}/${run.bin}`);
      // An agent that never passed a task of this bin has no passing cost to charge: no boost for it there.
      return [id, { pass: pc ? (opts.boost?.(id, run) ?? 0) : 0, passUsd: pc ? pc.usd / pc.n : 0, failUsd: rec.usd }];
    })),
  }));

  const bins = [...new Set(tasks.map((t) => t.bin))].sort((a, b) => a - b);
  const candidates = sequences(agents);
  const fronts = bins.map((bin) => {
    const inBin = tasks.filter((t) => t.bin === bin);
    const options: Option[] = candidates.map((seq) => {
      let usd = 0, solved = 0;
      for (const t of inBin) {
        let open = 1; // the chance that every earlier agent of the sequence failed
        for (const id of seq) {
          const c = t.cells.get(id)!;
          usd += open * (c.pass * c.passUsd + (1 - c.pass) * c.failUsd);
          solved += open * c.pass;
          open *= 1 - c.pass;
        }
      }
      return { agents: seq, usd, solved };
    });
    return paretoFront(options);
  });
  // A dominated combination (dearer and solving no more) is never the cheapest per solved task above a floor.
  let combos: { usd: number; solved: number; pick: Option[] }[] = [{ usd: 0, solved: 0, pick: [] }];
  for (const front of fronts) combos = paretoFront(combos.flatMap((c) => front.map((o) => ({ usd: c.usd + o.usd, solved: c.solved + o.solved, pick: [...c.pick, o] }))));

  const n = tasks.length;
  const referencePass = oracle.filter((r) => r.attempts.find((a) => a.agent === results.pool.largest)?.passed).length / n;
  const rows = [0, referencePass].flatMap((floor) => {
    // A small tolerance: expected solved counts are sums of fractions.
    const ok = combos.filter((c) => c.solved >= floor * n - 1e-9 && c.solved > 0);
    if (!ok.length) return [];
    const best = ok.reduce((a, b) => (b.usd / b.solved < a.usd / a.solved ? b : a));
    return [{ floor, pass: best.solved / n, usdPerSolved: best.usd / best.solved, sequences: best.pick.map((o, i) => ({ bin: bins[i], agents: o.agents })) }];
  });
  return {
    runs: n,
    oracleUsdPerSolved: usdPerSolved(oracle),
    referencePass,
    rows,
  };
}
