import type { AuctionSettings } from '../core/auction/auctionSettings';

/**
 * Options of the `sale` policy that the bench can switch one at a time (ablation rows). A variant is written
 * `sale` followed by `+option` (on) or `-option` (off), e.g. `sale-sharedPrefix` or `sale+cheapJury`; the rest
 * stay as in `sale`. `sale-paper` and `sale-no-memory` are policies of their own, not variants.
 */
export const SALE_OPTIONS = ['cheapJury', 'skipUselessRefinement', 'sharedPrefix', 'routing', 'sizeKernel', 'routedPlan', 'planCheck', 'capabilityEscalation', 'handoff', 'escalationPlan', 'escalationNeighbours', 'sameRepoExamples', 'failedExamples', 'valueWinner', 'escalationCalibration'] as const;
export type SaleOption = (typeof SALE_OPTIONS)[number];
export type SaleOptions = Record<SaleOption, boolean>;

/** What `sale` runs with; each choice is measured in docs/bench/README.md ("A cheaper auction"). */
export const SALE_DEFAULTS: SaleOptions = {
  cheapJury: true, skipUselessRefinement: false, sharedPrefix: false,
  // Issue 8, items 1 and 3: learned routing; escalation by capability with an expected-value gate; hand-off.
  routing: true, capabilityEscalation: true, handoff: true,
  // An escalation target that did not bid can write its plan from memory first (core/execution/executeWinner.ts
  // planFor): off, measured as `sale+escalationPlan` (+0.45 points for 3–5% more dollars; docs/bench/README.md).
  escalationPlan: false,
  // Escalation's estimates count the failed task's BM25 neighbours (core/routing/routeTask.ts escalationCapability);
  // without them: `sale-escalationNeighbours` (docs/bench/README.md, "Escalation's estimates").
  escalationNeighbours: true,
  // Routing's estimates can weigh past tasks by how close their size is to this one's (core/routing/agentEstimates.ts):
  // off, measured as `sale+sizeKernel` (more auctions and dollars for little pass@1; docs/bench/README.md).
  sizeKernel: false,
  // A routed agent writes its plan from memory's winning plans of similar tasks (core/routing/routedPlan.ts).
  routedPlan: true,
  // Cheap jurors check a routed plan before it runs (core/routing/planCheck.ts): off, measured as `sale+planCheck`
  // (it did not pay across the worlds of pools/; docs/bench/README.md).
  planCheck: false,
  // Memory's examples come from this task's repository first (auction settings' sameRepoFirst), and a routed plan's
  // include similar tasks that failed, labelled so (routing's planFailures); measured together and apart as
  // `sale-sameRepoExamples` and `sale-failedExamples` (docs/bench/README.md, "Examples from this repository").
  sameRepoExamples: true, failedExamples: true,
  // A held auction's winner by expected value (core/routing/valueWinner.ts) instead of the paper's score.
  valueWinner: false,
  // Escalation's estimates corrected by this repository's record of escalations (core/routing/escalationCalibration.ts):
  // off, measured as `sale+escalationCalibration` (−5.4% dollars for −0.3 points; docs/bench/README.md).
  escalationCalibration: false,
};

/** The paper's auction: none of the options. */
export const PAPER_OPTIONS: SaleOptions = { cheapJury: false, skipUselessRefinement: false, sharedPrefix: false, routing: false, sizeKernel: false, routedPlan: false, planCheck: false, capabilityEscalation: false, handoff: false, escalationPlan: false, escalationNeighbours: false, sameRepoExamples: false, failedExamples: false, valueWinner: false, escalationCalibration: false };

export type SaleVariantName = `sale${'+' | '-'}${string}`;

const VARIANT = /^sale((?:[+-][A-Za-z]+)+)$/;

/** The options of a variant name, or undefined when the name is not a well-formed variant of known options. */
export function parseSaleVariant(name: string): SaleOptions | undefined {
  const m = VARIANT.exec(name);
  if (!m) return undefined;
  const out = { ...SALE_DEFAULTS };
  for (const [, sign, opt] of m[1].matchAll(/([+-])([A-Za-z]+)/g)) {
    if (!(SALE_OPTIONS as readonly string[]).includes(opt)) return undefined;
    out[opt as SaleOption] = sign === '+';
  }
  return out;
}

export function isSaleVariant(name: string): name is SaleVariantName {
  return parseSaleVariant(name) !== undefined;
}

/** The auction settings an option set stands for. */
export function auctionSwitches(o: Pick<SaleOptions, 'cheapJury' | 'skipUselessRefinement' | 'sharedPrefix' | 'sameRepoExamples'>): Pick<AuctionSettings, 'juryPanel' | 'skipUselessRefinement' | 'promptLayout' | 'sameRepoFirst'> {
  return {
    juryPanel: o.cheapJury ? 'cheaper-half' : 'all',
    skipUselessRefinement: o.skipUselessRefinement,
    promptLayout: o.sharedPrefix ? 'shared-prefix' : 'paper',
    sameRepoFirst: o.sameRepoExamples,
  };
}

/** One line for the report's policy list. */
export function describeSaleVariant(name: SaleVariantName): string {
  const o = parseSaleVariant(name)!;
  const changed = SALE_OPTIONS.filter((k) => o[k] !== SALE_DEFAULTS[k]).map((k) => `${k} ${o[k] ? 'on' : 'off'}`);
  return `\`sale\` with ${changed.length ? changed.join(', ') : 'its default options'}`;
}
