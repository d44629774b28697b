/**
 * A simple deterministic tokenizer in the spirit of GPT-2's pre-tokenizer: words with their leading space,
 * numbers in groups of up to three digits, runs of punctuation, whitespace. Long words are cut into pieces of
 * at most 8 letters. The tokens concatenate back to the exact text, so usage, logprobs and max_tokens
 * truncation all agree with the real text.
 */
const PATTERN = /'(?:s|t|re|ve|m|ll|d)\b| ?\p{L}+| ?\p{N}{1,3}| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;
const MAX_PIECE = 8;

export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(PATTERN)) {
    const tok = m[0];
    // Keep the leading space with the first piece, like BPE does (so a word costs the same with or without it).
    const lead = tok.startsWith(' ') ? 1 : 0;
    if (tok.length - lead <= MAX_PIECE || /^\s+$/.test(tok)) {
      out.push(tok);
      continue;
    }
    out.push(tok.slice(0, lead + MAX_PIECE));
    for (let i = lead + MAX_PIECE; i < tok.length; i += MAX_PIECE) out.push(tok.slice(i, i + MAX_PIECE));
  }
  return out;
}

export function countTokens(text: string): number {
  return text ? tokenize(text).length : 0;
}

/** The first `max` tokens of a text, and whether it was cut. */
export function truncateTokens(text: string, max: number): { text: string; truncated: boolean } {
  const toks = tokenize(text);
  if (toks.length <= max) return { text, truncated: false };
  return { text: toks.slice(0, Math.max(0, max)).join(''), truncated: true };
}
