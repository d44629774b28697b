/** Text helpers of the execution tools: caps, line splitting, occurrence counts and the near-miss hint for edit_file. */
/** Caps text to `max` characters, keeping the head (2/3) and the tail (1/3), and says how much was cut. */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = (n: number) => `\n… [${n} characters cut] …\n`;
  const room = Math.max(0, max - marker(text.length).length);
  const head = Math.floor((room * 2) / 3);
  const tail = room - head;
  return text.slice(0, head) + marker(text.length - head - tail) + (tail > 0 ? text.slice(text.length - tail) : '');
}

export function tailText(text: string, max: number): { text: string; cut: number } {
  if (text.length <= max) return { text, cut: 0 };
  return { text: text.slice(text.length - max), cut: text.length - max };
}

export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

export function clipLine(line: string, max: number): string {
  return line.length > max ? `${line.slice(0, max)}… [+${line.length - max} chars]` : line;
}

export function lineCount(s: string): number {
  return s === '' ? 0 : s.split('\n').length;
}

export function countOccurrences(text: string, needle: string): number {
  if (!needle) return 0;
  let n = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

export function occurrenceLines(text: string, needle: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) out.push(text.slice(0, i).split('\n').length);
  return out;
}

/** A hint for a search text that was not found: a whitespace-only mismatch, or the most similar line. */
export function nearestHint(text: string, search: string): string {
  const fileLines = splitLines(text);
  const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
  const searchLines = splitLines(search).map(norm).filter((l) => l !== '');
  if (!searchLines.length) return 'The search text is only whitespace.';
  const fileNorm = fileLines.map(norm);
  // Whitespace-insensitive match of the whole block (ignoring blank lines in the search text).
  for (let i = 0; i < fileNorm.length; i++) {
    let j = 0;
    let k = i;
    while (k < fileNorm.length && j < searchLines.length) {
      if (fileNorm[k] === '' && searchLines[j] !== '') {
        k++;
        continue;
      }
      if (fileNorm[k] !== searchLines[j]) break;
      j++;
      k++;
    }
    if (j === searchLines.length) {
      return `Lines ${i + 1}–${k} match it except for whitespace or indentation; copy those lines exactly (read_file shows them).`;
    }
  }
  let best = -1;
  let bestScore = 0;
  let bestLine = 0;
  for (let s = 0; s < searchLines.length && s < 5; s++) {
    for (let i = 0; i < fileNorm.length; i++) {
      const sc = similarity(searchLines[s], fileNorm[i]);
      if (sc > bestScore) {
        bestScore = sc;
        best = i;
        bestLine = s;
      }
    }
  }
  if (best < 0 || bestScore < 0.3) return 'No similar line was found; read the file first and copy the text exactly.';
  return `The nearest line to search line ${bestLine + 1} is line ${best + 1}: ${JSON.stringify(clipLine(fileLines[best], 200))}. ` +
    'Read the file around it and copy the text exactly, including whitespace.';
}

/** Dice coefficient over character bigrams (0–1). */
function similarity(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length < 2 || b.length < 2) return 0;
  const grams = new Map<string, number>();
  for (let i = 0; i < a.length - 1; i++) {
    const g = a.slice(i, i + 2);
    grams.set(g, (grams.get(g) ?? 0) + 1);
  }
  let hits = 0;
  for (let i = 0; i < b.length - 1; i++) {
    const g = b.slice(i, i + 2);
    const n = grams.get(g) ?? 0;
    if (n > 0) {
      grams.set(g, n - 1);
      hits++;
    }
  }
  return (2 * hits) / (a.length - 1 + b.length - 1);
}
