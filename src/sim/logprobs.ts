import { Rng } from './random';
import type { AgentSim } from './worldConfig';

/**
 * Token logprobs in the OpenAI shape. Each token's top-5 distribution is geometric, p_j ∝ e^(−β·j); β is set
 * so the renormalised top-5 entropy (what the auction computes) hits a per-token target. A completion's
 * targets scatter around one plan-level value, which moves with a latent that carries as much of the success
 * draw as the agent's `entropy.informativeness` says (higher entropy = more likely success, as the paper counts).
 */

export interface WireTopLogprob {
  token: string;
  logprob: number;
  bytes: number[];
}
export interface WireTokenLogprob extends WireTopLogprob {
  top_logprobs: WireTopLogprob[];
}

const LN5 = Math.log(5);
const TAIL = 0.01; // mass outside the top 5

function top5Entropy(beta: number): number {
  const w = [0, 1, 2, 3, 4].map((j) => Math.exp(-beta * j));
  const z = w.reduce((s, x) => s + x, 0);
  return w.reduce((h, x) => h - (x / z) * Math.log(x / z), 0);
}

// H(β) is decreasing; tabulate once and invert by interpolation.
const BETAS = Array.from({ length: 601 }, (_, i) => i * 0.02);
const HS = BETAS.map(top5Entropy);

function betaForEntropy(h: number): number {
  if (h >= HS[0]) return 0;
  if (h <= HS[HS.length - 1]) return BETAS[BETAS.length - 1];
  let lo = 0, hi = HS.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (HS[mid] > h) lo = mid;
    else hi = mid;
  }
  const t = (HS[lo] - h) / (HS[lo] - HS[hi]);
  return BETAS[lo] + t * (BETAS[hi] - BETAS[lo]);
}

/**
 * Latent of a plan's entropy: informativeness·(±1 by the draw) + √(1−inf²)·noise; pure noise when there is no
 * draw (jury answers, execution turns) or the agent's entropy is uninformative.
 */
export function entropyLatent(agent: AgentSim, success: boolean | undefined, ...key: (string | number)[]): number {
  const noise = new Rng('entropy-latent', agent.id, ...key).normal();
  if (success === undefined) return noise;
  const inf = agent.entropy.informativeness;
  return inf * (success ? 1 : -1) + Math.sqrt(1 - inf * inf) * noise;
}

const WORD_ALTS = ['the', 'a', 'to', 'and', 'it', 'this', 'we', 'in', 'of', 'that', 'then', 'file', 'test', 'code', 'change', 'run'];
const OTHER_ALTS = ['.', ',', '\n', ':', ' -', '(', ')', '`', '\n\n', ' '];

const SPACED_WORD_ALTS = WORD_ALTS.map((w) => ` ${w}`);
const altBytes = new Map([...WORD_ALTS, ...SPACED_WORD_ALTS, ...OTHER_ALTS].map((t) => [t, Array.from(Buffer.from(t, 'utf8'))]));

function bytesOf(s: string): number[] {
  return altBytes.get(s) ?? Array.from(Buffer.from(s, 'utf8'));
}

function alternatives(token: string, rng: Rng): string[] {
  const pool = /\p{L}/u.test(token) ? (token.startsWith(' ') ? SPACED_WORD_ALTS : WORD_ALTS) : OTHER_ALTS;
  const out: string[] = [];
  for (let tries = 0; out.length < 4 && tries < 40; tries++) {
    const cand = pool[Math.floor(rng.next() * pool.length)];
    if (cand !== token && !out.includes(cand)) out.push(cand);
  }
  let i = 0;
  while (out.length < 4) {
    const cand = `${token}${'_'.repeat(++i)}`;
    if (!out.includes(cand)) out.push(cand);
  }
  return out;
}

export function makeLogprobs(tokens: string[], agent: AgentSim, latent: number, ...key: (string | number)[]): WireTokenLogprob[] {
  const rng = new Rng('logprobs', agent.id, ...key);
  const planH = Math.min(LN5 - 0.02, Math.max(0.02, agent.entropy.meanNats * Math.exp(agent.entropy.spread * latent)));
  return tokens.map((token) => {
    const h = Math.min(LN5 - 0.01, Math.max(0.01, planH * Math.exp(0.35 * rng.normal())));
    const beta = betaForEntropy(h);
    const w = [0, 1, 2, 3, 4].map((j) => Math.exp(-beta * j));
    const z = w.reduce((s, x) => s + x, 0);
    const lps = w.map((x) => Math.log(((1 - TAIL) * x) / z));
    const alts = alternatives(token, rng);
    const top = [token, ...alts].map((t, j) => ({ token: t, logprob: lps[j], bytes: bytesOf(t) }));
    return { token, logprob: lps[0], bytes: bytesOf(token), top_logprobs: top };
  });
}
