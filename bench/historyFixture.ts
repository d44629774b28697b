/**
 * Builds a git repository whose history has real-sized files (modules of 5–7k tokens) and commits that fix code
 * and add tests together, to measure mining and execution on files that do not fit in one turn's output.
 * The code is generated here (no third-party source); it is plain, documented JavaScript with distinct
 * functions, so search/replace needs context to be unique, as in real code.
 *
 *   npx tsx bench/historyFixture.ts OUT_DIR     then     node dist/cli.js suite mine --repo OUT_DIR --commits <root>..HEAD --out SUITE
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const MIT = `MIT License

Copyright (c) 2026 SALE contributors

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated
documentation files (the "Software"), to deal in the Software without restriction, including without limitation
the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software.
`;

const NOUNS = ['reading', 'sample', 'price', 'weight', 'length', 'volume', 'score', 'rate', 'delta', 'margin', 'offset', 'budget'];
const VERBS = ['scale', 'normalise', 'adjust', 'convert', 'clamp', 'shift'];

interface Fn {
  name: string;
  offset: number;
  factor: number;
}

function fnsOf(module: number, count: number): Fn[] {
  return Array.from({ length: count }, (_, k) => ({
    name: `${VERBS[(k + module) % VERBS.length]}${NOUNS[k % NOUNS.length][0].toUpperCase()}${NOUNS[k % NOUNS.length].slice(1)}${k}`,
    offset: (k * 7 + module * 3) % 23 + 1,
    factor: (k % 5) + 2,
  }));
}

/** One function; `bug` flips the sign of the offset (the kind of slip the commits fix). */
function fnText(f: Fn, bug: boolean): string {
  return `/**
 * ${f.name[0].toUpperCase()}${f.name.slice(1)}: applies the configured offset (default ${f.offset}) and factor
 * (default ${f.factor}) to a value, rounding to two decimals. Non-numbers are refused so that a bad
 * reading never turns into NaN further down the pipeline.
 * @param {number} value
 * @param {{ offset?: number, factor?: number }} [options]
 * @returns {number}
 */
function ${f.name}(value, options = {}) {
  const offset = options.offset ?? ${f.offset};
  const factor = options.factor ?? ${f.factor};
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError('${f.name} expects a number, got ' + typeof value);
  }
  const shifted = value ${bug ? '-' : '+'} offset;
  const result = shifted * factor;
  return Math.round(result * 100) / 100;
}
`;
}

function moduleText(module: number, fns: Fn[], bugs: Set<string>): string {
  return `'use strict';
// Module ${module}: unit conversions for the measurement pipeline (generated fixture code).

${fns.map((f) => fnText(f, bugs.has(f.name))).join('\n')}
module.exports = { ${fns.map((f) => f.name).join(', ')} };
`;
}

function testText(module: number, fixed: Fn[]): string {
  return `const test = require('node:test');
const assert = require('node:assert');
const m = require('../src/module${module}');

${fixed.map((f) => `test('${f.name} adds its offset before scaling', () => {
  assert.strictEqual(m.${f.name}(10), ${Math.round((10 + f.offset) * f.factor * 100) / 100});
  assert.strictEqual(m.${f.name}(1, { offset: 2, factor: 3 }), 9);
});`).join('\n\n')}
`;
}

function main(out: string): void {
  mkdirSync(out, { recursive: true });
  const g = (...args: string[]) => execFileSync('git', ['-C', out, '-c', 'user.name=Fixture', '-c', 'user.email=fixture@example.com', '-c', 'commit.gpgsign=false', ...args], { encoding: 'utf8' }).trim();
  const put = (rel: string, text: string) => {
    mkdirSync(dirname(join(out, rel)), { recursive: true });
    writeFileSync(join(out, rel), text);
  };
  g('init', '-q', '-b', 'main');
  const modules = [0, 1, 2].map((m) => fnsOf(m, 40 + 6 * m));
  // Each commit fixes two functions far apart in one module (or one in each of two modules) and adds their tests.
  const fixes: { subject: string; body: string; fns: [number, number][] }[] = [
    { subject: 'fix: reading conversions subtract the offset', body: 'scaleReading0 and the sample converter near the end of module 0 give values that are too low.', fns: [[0, 0], [0, 37]] },
    { subject: 'fix(module1): price and budget adjustments use the wrong sign', body: 'Adjusted prices come out below the input for every positive offset.', fns: [[1, 2], [1, 41]] },
    { subject: 'Volume and margin scaling ignore the offset direction', body: 'Both functions should add the offset before applying the factor, like the rest of the module.', fns: [[2, 4], [2, 50]] },
    { subject: 'fix: weight conversion in two modules (#17)', body: 'The weight conversion of module 0 and the rate conversion of module 2 shift in the wrong direction.', fns: [[0, 15], [2, 31]] },
    { subject: 'fix: delta and length helpers', body: 'The delta helper at the top of module 1 and the length helper further down disagree with the documentation.', fns: [[1, 8], [1, 25]] },
    { subject: 'Three conversions in module 2 subtract instead of add', body: 'Found while checking the pipeline against the spreadsheet: three helpers of module 2 are off by twice the offset.', fns: [[2, 10], [2, 28], [2, 45]] },
  ];
  const bugs = new Set(fixes.flatMap((f) => f.fns.map(([m, k]) => modules[m][k].name)));
  put('LICENSE', MIT);
  put('package.json', `${JSON.stringify({ name: 'measure-kit', version: '1.0.0', license: 'MIT', scripts: { test: 'node --test' } }, null, 2)}\n`);
  put('README.md', '# measure-kit\n\nUnit conversions for a measurement pipeline (generated fixture).\n');
  modules.forEach((fns, m) => put(`src/module${m}.js`, moduleText(m, fns, bugs)));
  put('test/smoke.test.js', "const test = require('node:test');\nconst assert = require('node:assert');\ntest('modules load', () => { for (const m of [0, 1, 2]) assert.ok(require(`../src/module${m}`)); });\n");
  g('add', '-A');
  g('commit', '-q', '-m', 'measure-kit: conversions for three modules');
  fixes.forEach((fix, i) => {
    for (const [m, k] of fix.fns) bugs.delete(modules[m][k].name);
    for (const m of new Set(fix.fns.map(([mm]) => mm))) put(`src/module${m}.js`, moduleText(m, modules[m], bugs));
    const byModule = new Map<number, Fn[]>();
    for (const [m, k] of fix.fns) byModule.set(m, [...(byModule.get(m) ?? []), modules[m][k]]);
    for (const [m, fns] of byModule) put(`test/fix${i + 1}-module${m}.test.js`, testText(m, fns));
    g('add', '-A');
    g('commit', '-q', '-m', `${fix.subject}\n\n${fix.body}`);
  });
  process.stdout.write(`${out}: ${fixes.length + 1} commits; mine with --commits ${g('rev-list', '--max-parents=0', 'HEAD')}..HEAD\n`);
}

main(process.argv[2] ?? 'bench-out/history-fixture-repo');
