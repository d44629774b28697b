// Prints one line per red-team test from the mocha JSON reports scripts/redteam-against.sh wrote:
// its result against REV and here. A file whose report is missing or empty did not load.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const [rev, out] = process.argv.slice(2);

function results(file) {
  const map = new Map();
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { map, loaded: false, why: 'no report' };
  }
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    return { map, loaded: false, why: 'report not JSON' };
  }
  for (const t of json.passes ?? []) map.set(t.fullTitle, 'pass');
  for (const t of json.pending ?? []) map.set(t.fullTitle, 'skip');
  for (const t of json.failures ?? []) {
    const why = String(t.err?.message ?? '').split('\n')[0].slice(0, 100);
    map.set(t.fullTitle, `FAIL (${why})`);
  }
  return { map, loaded: true };
}

const stderrHead = (file) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').find((l) => /Error|Cannot/.test(l)) ?? '' : '').slice(0, 120);

let good = 0;
let bad = 0;
for (const name of readdirSync(join(out, 'new')).filter((n) => n.endsWith('.json')).sort()) {
  const n = results(join(out, 'new', name));
  const o = results(join(out, 'old', name));
  const titles = [...n.map.keys()];
  if (!titles.length) titles.push('(file did not load)');
  for (const title of titles) {
    const oldR = o.map.get(title) ?? (o.map.size ? 'absent' : `FAIL (file did not load: ${stderrHead(join(out, 'old', `${name}.stderr`)) || o.why || 'no tests ran'})`);
    const newR = n.map.get(title) ?? 'FAIL (did not load)';
    const ok = !oldR.startsWith('pass') && newR === 'pass';
    ok ? good++ : bad++;
    console.log(`${ok ? 'ok ' : 'NO '} ${rev}: ${oldR} | here: ${newR} | ${name.replace(/\.json$/, '')} | ${title}`);
  }
}
console.log(`${good} tests fail on ${rev} and pass here; ${bad} do not`);
