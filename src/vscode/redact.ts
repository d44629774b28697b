/** Words that look like API keys or tokens, masked before anything reaches the log. Pure. */
const KEYLIKE = /\b(?:sk|pk|rk|ghp|gho|ghu|ghs|github_pat|xox[abpr])[-_][A-Za-z0-9_-]{12,}\b|\bBearer\s+[A-Za-z0-9._-]{12,}/g;

export function maskSecrets(text: string): string {
  return text.replace(KEYLIKE, (m) => `${m.slice(0, 4)}…(hidden)`);
}
