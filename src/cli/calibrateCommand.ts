import { readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { itemsFromBenchResults } from '../bench/calibrationData';
import { BenchResultsSchema, POLICIES, type PolicyName } from '../bench/results';
import { AuctionMemory } from '../core/memory/auctionMemory';
import { auctionSettings } from '../core/auction/auctionSettings';
import { type CalibrationItem, type CalibrationResult, type Evaluation, evaluateWeights, fitWeights } from '../bench/calibration';
import { itemsFromMemory } from '../bench/calibrationData';
import { SaleError } from '../core/errors';
import { formatZodIssues } from '../core/zodIssues';
import { JsonlMemoryStore } from '../core/memory/jsonlMemoryStore';
import { blendedPrice } from '../core/pricing';
import { loadPoolFile } from '../llm/poolConfig';
import { parseSeed } from './auctionCommand';
import { bold, dim, yellow } from './bidTable';
import { defaultPoolPath } from './resources';

export const CALIBRATE_USAGE = `sale calibrate (--results FILE [--policy sale] [--train-orders LIST] | --memory FILE [--pool FILE]) [--lambda X] [--out FILE] [--seed N]
  Fits the auction's scoring weights (w_c, w_h, one jury weight per judge) to recorded outcomes: maximise, over
  complexity bins, the worst bin's gain over always using the largest agent (pass-rate difference minus
  λ × relative cost difference; default λ 0.1). Prints the fitted weights and writes them (default weights.json),
  ready for \`sale bench --weights FILE\`. --train-orders fits on those orders of a bench and reports the others as held out.`;

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

function binTable(name: string, e: Evaluation): string[] {
  return e.bins.map((b) =>
    `  ${name.padEnd(10)} bin ${String(b.bin || '—').padEnd(2)} pass ${pct(b.pass).padStart(6)} (largest ${pct(b.referencePass).padStart(6)})  ` +
    `cost $${b.cost.toFixed(5)} (largest $${b.referenceCost.toFixed(5)})  gain ${b.gain >= 0 ? '+' : ''}${b.gain.toFixed(3)}` +
    (b.unlabelled ? dim(`  ${b.unlabelled} unlabelled`) : ''));
}

export function formatCalibration(r: CalibrationResult): string {
  const w = r.weights;
  const lines = [
    bold('Fitted scoring weights') + dim(` (${r.items} calibration items, ${r.candidates} candidates, λ = ${r.lambda}, reference ${r.reference.agent}${r.useEntropy ? '' : ', no entropy: some bids had no logprobs'})`),
    `  w_c (cost)    ${w.cost.toFixed(4)}`,
    `  w_h (entropy) ${w.entropy.toFixed(4)}`,
    ...Object.entries(w.jury).map(([j, v]) => `  w_jury ${j.padEnd(16)} ${v.toFixed(4)}`),
    '',
    `  objective (worst bin's gain): fitted ${r.fitted.objective.toFixed(3)}, defaults ${r.defaults.objective.toFixed(3)}; mean gain fitted ${r.fitted.meanGain.toFixed(3)}, defaults ${r.defaults.meanGain.toFixed(3)}`,
    ...binTable('fitted', r.fitted),
    ...binTable('defaults', r.defaults),
    ...(r.items < 30 ? ['', yellow(`  Only ${r.items} calibration item(s): the fit says little (ties keep the weights closest to the defaults). Record more outcomes first.`)] : []),
  ];
  return lines.join('\n');
}

export async function runCalibrateCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      results: { type: 'string' },
      memory: { type: 'string' },
      pool: { type: 'string' },
      policy: { type: 'string' },
      lambda: { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string' },
      samples: { type: 'string' },
      'train-orders': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${CALIBRATE_USAGE}\n`);
    return 0;
  }
  if (!values.results === !values.memory) throw new SaleError('give exactly one of --results FILE (a bench results.json) or --memory FILE (an auction memory)');
  const lambda = values.lambda === undefined ? 0.1 : Number(values.lambda);
  if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new SaleError(`--lambda must be a number ≥ 0, got "${values.lambda}"`);
  const samples = values.samples === undefined ? undefined : Number(values.samples);
  if (samples !== undefined && !(Number.isInteger(samples) && samples > 0)) throw new SaleError(`--samples must be a positive integer, got "${values.samples}"`);
  let items: CalibrationItem[];
  let heldOut: CalibrationItem[] = [];
  let source: string;
  if (values.results) {
    source = resolve(values.results);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(source, 'utf8'));
    } catch (e) {
      throw new SaleError(`Cannot read bench results ${source}: ${(e as Error).message}`);
    }
    const parsed = BenchResultsSchema.safeParse(json);
    if (!parsed.success) throw new SaleError(`${source} is not a \`sale bench\` results.json: ${formatZodIssues(parsed.error, { style: 'inline', root: '', max: 3 })}`);
    const policy = (values.policy ?? 'sale') as PolicyName;
    if (!POLICIES.includes(policy)) throw new SaleError(`--policy: unknown policy "${values.policy}"`);
    items = itemsFromBenchResults(parsed.data, policy);
    if (values['train-orders'] !== undefined) {
      const train = new Set(values['train-orders'].split(',').filter(Boolean).map(Number));
      const orderOf = (i: CalibrationItem) => Number(i.id.split('/')[0]);
      heldOut = items.filter((i) => !train.has(orderOf(i)));
      items = items.filter((i) => train.has(orderOf(i)));
      if (!items.length) throw new SaleError(`--train-orders ${values['train-orders']}: no items in those orders`);
    }
  } else {
    source = resolve(values.memory!);
    const pool = loadPoolFile(values.pool ?? defaultPoolPath());
    const memory = await AuctionMemory.open(new JsonlMemoryStore(source));
    items = itemsFromMemory(memory.records(), Object.fromEntries(pool.agents.map((a) => [a.id, blendedPrice(a.price)])));
    if (!items.length) throw new SaleError(`${source}: no executed auctions with at least two original bids to learn from.`);
  }
  const result = fitWeights(items, { lambda, seed: parseSeed(values.seed) ?? 1, ...(samples ? { samples } : {}), defaults: auctionSettings().weights });
  const out = resolve(values.out ?? 'weights.json');
  const file = {
    weights: result.weights,
    fittedFrom: relative(process.cwd(), source).startsWith('..') ? source : relative(process.cwd(), source),
    lambda,
    objective: result.fitted.objective,
    defaultsObjective: result.defaults.objective,
    reference: result.reference.agent,
    items: result.items,
    bins: result.fitted.bins.map(({ bin, items: n, pass, cost, referencePass, referenceCost, gain, picks }) => ({ bin, items: n, pass, cost, referencePass, referenceCost, gain, picks })),
  };
  let heldOutText = '';
  if (heldOut.length) {
    const opts = { lambda, reference: result.reference.agent, useEntropy: result.useEntropy };
    const f = evaluateWeights(result.weights, heldOut, opts);
    const d = evaluateWeights(auctionSettings().weights, heldOut, opts);
    Object.assign(file, { heldOut: { items: heldOut.length, objective: f.objective, defaultsObjective: d.objective, meanGain: f.meanGain, defaultsMeanGain: d.meanGain } });
    heldOutText = `\n\n${bold('Held-out orders')} ${dim(`(${heldOut.length} items not used for fitting)`)}\n` +
      `  objective: fitted ${f.objective.toFixed(3)}, defaults ${d.objective.toFixed(3)}; mean gain fitted ${f.meanGain.toFixed(3)}, defaults ${d.meanGain.toFixed(3)}\n` +
      [...binTable('fitted', f), ...binTable('defaults', d)].join('\n');
  }
  writeFileSync(out, JSON.stringify(file, null, 2) + '\n');
  if (values.json) process.stdout.write(JSON.stringify({ ...file, out }, null, 2) + '\n');
  else process.stdout.write(`${formatCalibration(result)}${heldOutText}\n\nWrote ${out} (use it with: sale bench --weights ${values.out ?? 'weights.json'}).\n`);
  return 0;
}
