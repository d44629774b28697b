import type { ParsedPlan } from './auctionRecord';
import { PLAN_SECTIONS } from './prompts';

type SectionName = (typeof PLAN_SECTIONS)[number];

const ALIASES: Record<string, SectionName> = {
  approach: 'Approach', strategy: 'Approach', summary: 'Approach', overview: 'Approach',
  files: 'Files', 'files to touch': 'Files', 'files to change': 'Files',
  commands: 'Commands', 'commands to run': 'Commands',
  steps: 'Steps', plan: 'Steps',
  risks: 'Risks', risk: 'Risks',
  verification: 'Verification', verify: 'Verification', testing: 'Verification', tests: 'Verification',
};

/** Heading forms models use: "## Files", "**Files:**", "Files:", "3. Files". */
const HEADING = /^\s*(?:#{1,6}\s*|\*\*|\d+[.)]\s*)?([A-Za-z][A-Za-z ]{1,30}?)\s*(?:\*\*)?\s*:?\s*(?:\*\*)?\s*(?:[—–-].*)?$/;

function listItems(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/^\s*(?:[-*+]|\d+[.)])\s+/, '').replace(/^`(.*)`$/, '$1').trim())
    .filter((l) => l.length > 0);
}

/**
 * Lenient plan parser: finds the named sections in whatever heading style the model used. Text before any
 * heading, or a plan with no headings at all, becomes the approach. Never throws; the raw text is kept by the caller.
 */
export function parsePlan(raw: string): ParsedPlan {
  const sections = new Map<SectionName, string[]>();
  let current: SectionName | undefined;
  const preamble: string[] = [];
  for (const line of raw.replace(/\r\n/g, '\n').split('\n')) {
    const m = HEADING.exec(line);
    const name = m ? ALIASES[m[1].trim().toLowerCase()] : undefined;
    if (name && line.trim().length <= 60) {
      current = name;
      if (!sections.has(name)) sections.set(name, []);
      continue;
    }
    if (current) sections.get(current)!.push(line);
    else preamble.push(line);
  }
  const text = (n: SectionName) => (sections.get(n) ?? []).join('\n').trim();
  const approach = [preamble.join('\n').trim(), text('Approach')].filter(Boolean).join('\n').trim();
  const commands = listItems(text('Commands'));
  const files = listItems(text('Files')).map((f) => f.replace(/\s+[—–(-].*$/, '').replace(/^`|`$/g, '').trim()).filter(Boolean);
  const testCommand = commands.find((c) => /\b(test|pytest|unittest|jest|mocha|vitest|go test|cargo test)\b/.test(c));
  return {
    approach,
    files,
    commands,
    steps: listItems(text('Steps')),
    risks: text('Risks'),
    verification: text('Verification'),
    ...(testCommand ? { testCommand } : {}),
    sectionsFound: [...sections.keys()],
  };
}

/** Why a plan cannot be a bid at all (empty, or no words). Undefined when it is usable. */
export function planProblem(raw: string): string | undefined {
  const t = raw.trim();
  if (!t) return 'empty plan';
  if (!/[A-Za-z]{2,}/.test(t)) return 'plan has no readable text';
  return undefined;
}
