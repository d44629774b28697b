/**
 * Route or auction (issue 8, item 1). Expected value of starting a task with agent a:
 *   EV(a) = V·p(a) − c(a) + (1 − p(a))·max(0, best over more capable b of V·d·p(b) − c(b))   [escalation on]
 * with V = `valueMultiple` × the dearest agent's expected cost, p the posterior mean, c the expected dollars and
 * d `escalationDiscount`. Route to the best EV when memory holds enough evidence about it and committing to it is
 * expected to lose little: for every other agent a, E[max(0, EV(a) − EV(best))] (normal approximation over the
 * posteriors) stays under `regretPerAuction` × what an auction costs here. Otherwise the auction's information is
 * worth its price, and it is held. Two agents of nearly equal value do not force an auction: choosing either loses
 * little.
 * A seeded `exploreRate` share of routable tasks get the auction anyway, so the estimates keep learning.
 * As memory grows the posteriors narrow, so fewer tasks are uncertain and the auction rate falls.
 */
import { hashString, mulberry32 } from '../auction/seededShuffle';
import { type AgentEstimate, capabilityOrder } from './agentEstimates';
import type { RoutingDecision, RoutingEvidence } from './routingRecord';
import type { RoutingSettings } from './routingSettings';

const erf = (x: number): number => {
  // Abramowitz–Stegun 7.1.26 (|error| < 1.5e-7): enough for a confidence threshold.
  const s = Math.sign(x);
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return s * y;
};
const cdf = (z: number) => 0.5 * (1 + erf(z / Math.SQRT2));
const pdf = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);

/** E[max(0, −d)] for d ~ N(mu, sd²): the expected loss of preferring the side that leads by mu. */
export function expectedShortfall(mu: number, sd: number): number {
  if (sd <= 0) return Math.max(0, -mu);
  const z = mu / sd;
  return sd * pdf(z) - mu * cdf(-z);
}

export function expectedValues(est: AgentEstimate[], settings: RoutingSettings, escalation: boolean, price: (agent: string) => number): Map<string, number> {
  const value = settings.valueMultiple * Math.max(...est.map((e) => e.expectedUsd));
  const order = capabilityOrder(est, price);
  const ev = new Map<string, number>();
  for (const e of est) {
    let follow = 0;
    if (escalation) {
      const rank = order.findIndex((x) => x.agent === e.agent);
      for (const b of order.slice(rank + 1)) follow = Math.max(follow, value * settings.escalationDiscount * b.mean - b.expectedUsd);
    }
    ev.set(e.agent, value * e.mean - e.expectedUsd + (1 - e.mean) * follow);
  }
  return ev;
}

export interface DecideInput {
  estimates: AgentEstimate[];
  settings: RoutingSettings;
  /** Neighbours considered (0 = nothing similar in memory). */
  similar: number;
  escalation: boolean;
  price: (agent: string) => number;
  /** Seeds the exploration draw (same task, same seed, same memory size ⇒ same decision). */
  exploreKey: string;
  /** The user asked for the auction ("Hold the auction anyway"). */
  forceAuction?: boolean;
  /** What an auction costs here (mean over the auctions in memory); undefined when none was held yet. */
  auctionUsd?: number;
}

export function decideRoute(input: DecideInput): RoutingDecision {
  const { estimates: est, settings } = input;
  const ev = expectedValues(est, settings, input.escalation, input.price);
  const value = settings.valueMultiple * Math.max(...est.map((e) => e.expectedUsd));
  const ranked = [...est].sort((a, b) => ev.get(b.agent)! - ev.get(a.agent)! || input.price(a.agent) - input.price(b.agent));
  const best = ranked[0];
  let confidence = 1;
  let regret = 0;
  let rival: AgentEstimate | undefined;
  for (const other of ranked.slice(1)) {
    const sd = value * Math.sqrt(best.sd ** 2 + other.sd ** 2);
    const mu = ev.get(best.agent)! - ev.get(other.agent)!;
    confidence = Math.min(confidence, sd > 0 ? cdf(mu / sd) : 1);
    const loss = expectedShortfall(mu, sd);
    if (loss > regret) {
      regret = loss;
      rival = other;
    }
  }
  const evidence: RoutingEvidence = { passed: best?.passed ?? 0, of: best?.executed ?? 0, similar: input.similar };
  const base = {
    agent: input.similar > 0 ? best.agent : null,
    evidence,
    confidence,
    estimates: est.map((e) => ({ agent: e.agent, mean: e.mean, sd: e.sd, evidence: e.evidence, expectedUsd: e.expectedUsd, ev: ev.get(e.agent)!, executed: e.executed, passed: e.passed })),
  };
  const auction = (cause: RoutingDecision['cause'], reason: string): RoutingDecision => ({ ...base, mode: 'auction', cause, reason });
  if (!settings.enabled) return auction('off', 'Routing from memory is off: auction held.');
  if (input.forceAuction) return auction('forced', 'Auction held on request.');
  if (input.similar === 0) return auction('empty', 'No similar task in this repository\'s memory yet: auction held.');
  if (best.evidence < settings.minEvidence) {
    return auction('thin', `Memory is thin for ${best.agent} on tasks like this (${best.evidence.toFixed(1)} of ${settings.minEvidence} needed): auction held.`);
  }
  const worth = settings.regretPerAuction * (input.auctionUsd ?? Infinity);
  if (regret > worth) {
    return auction('uncertain', `Uncertain: ${best.agent} may lose $${regret.toFixed(5)} against ${rival!.agent} in expectation, more than an auction costs here${Number.isFinite(worth) ? ` ($${worth.toFixed(5)})` : ''}: auction held.`);
  }
  if (mulberry32(hashString(`explore|${input.exploreKey}`))() < settings.exploreRate) {
    return auction('explore', `Exploring (${(100 * settings.exploreRate).toFixed(0)}% of routable tasks): auction held although memory points to ${best.agent}.`);
  }
  return {
    ...base,
    mode: 'routed',
    cause: 'routed',
    reason: `Routed from memory: ${best.agent} passed ${evidence.passed} of ${evidence.of} similar task${evidence.of === 1 ? '' : 's'} it ran here (estimated ${(100 * best.mean).toFixed(0)}% ± ${(100 * best.sd).toFixed(0)}, best value with probability ${(100 * confidence).toFixed(0)}%); no auction held, $0.000 spent on bidding.`,
  };
}
