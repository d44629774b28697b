import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A small git repository with a history to mine: qualifying and non-qualifying commits (see makeRepo). */
export const MIT = 'MIT License\n\nCopyright (c) 2024 Someone\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\nof this software and associated documentation files (the "Software"), to deal\nin the Software without restriction.\n';
export const GPL = 'GNU GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007\n';

export const STR_V1 = "'use strict';\nfunction truncate(s, n) {\n  return s.length > n ? s.slice(0, n) + '…' : s;\n}\nfunction pad(s, n) {\n  return s.padEnd(n);\n}\nmodule.exports = { truncate, pad };\n";
export const STR_V2 = "'use strict';\nfunction truncate(s, n) {\n  // the ellipsis counts towards the length\n  return s.length > n ? s.slice(0, n - 1) + '…' : s;\n}\nfunction pad(s, n) {\n  return s.padEnd(n);\n}\nmodule.exports = { truncate, pad };\n";
export const TEST_V1 = "const test = require('node:test');\nconst assert = require('node:assert');\nconst { truncate } = require('../src/str');\ntest('short strings stay', () => assert.equal(truncate('ab', 5), 'ab'));\n";
export const TEST_V2 = `${TEST_V1}test('the ellipsis counts', () => assert.equal(truncate('abcdef', 4), 'abc…'));\n`;
export const TEST_V3 = `${TEST_V2}test('pad', () => assert.equal(require('../src/str').pad('a', 3), 'a  '));\n`;

export function makeRepo(root: string, licence: string): { repo: string; shas: string[] } {
  const repo = join(root, 'strings-lib');
  mkdirSync(repo, { recursive: true });
  const g = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=T', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], { encoding: 'utf8' }).trim();
  const put = (files: Record<string, string>) => {
    for (const [p, c] of Object.entries(files)) {
      mkdirSync(dirname(join(repo, p)), { recursive: true });
      writeFileSync(join(repo, p), c);
    }
  };
  g('init', '-q', '-b', 'main');
  const shas: string[] = [];
  const commit = (msg: string, files: Record<string, string>) => {
    put(files);
    g('add', '-A');
    g('commit', '-q', '-m', msg);
    shas.push(g('rev-parse', 'HEAD'));
  };
  commit('initial', { LICENSE: licence, 'package.json': '{"name":"strings-lib","scripts":{"test":"node --test"}}\n', 'src/str.js': STR_V1, 'test/str.test.js': TEST_V1 });
  commit('fix(truncate): the ellipsis counts towards the length (#12)\n\nTruncating "abcdef" to 4 gives 5 characters.\n\nSigned-off-by: T <t@example.com>', { 'src/str.js': STR_V2, 'test/str.test.js': TEST_V2 });
  commit('docs: explain pad', { 'README.md': '# strings\n' });
  commit('test: cover pad, and tidy a comment', { 'test/str.test.js': TEST_V3, 'src/str.js': STR_V2.replace('the ellipsis counts', 'the ellipsis counts too') });
  return { repo, shas };
}


/** Adds a third qualifying commit (source + a failing-before test) to a repository from makeRepo. */
export function addQualifyingCommit(repo: string): string {
  const g = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=T', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], { encoding: 'utf8' }).trim();
  writeFileSync(join(repo, 'src/words.js'), "'use strict';\nfunction words(s) {\n  return s.split(/\\s+/).filter(Boolean);\n}\nmodule.exports = { words };\n");
  writeFileSync(join(repo, 'test/words.test.js'), "const test = require('node:test');\nconst assert = require('node:assert');\nconst { words } = require('../src/words');\ntest('words', () => assert.deepEqual(words(' a  b '), ['a', 'b']));\n");
  g('add', '-A');
  g('commit', '-q', '-m', 'feat: split text into words');
  return g('rev-parse', 'HEAD');
}
