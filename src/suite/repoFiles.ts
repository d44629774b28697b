/**
 * What a path in a mined repository is: a test, documentation, a licence. Conventions of the common JS, Python
 * and Go layouts; anything else counts as source.
 */

const TEST_DIRS = /(^|\/)(tests?|__tests__|spec|specs)\//i;
const TEST_NAMES = /(\.|_|-)(test|spec)\.[cm]?[jt]sx?$|(^|\/)test_[^/]+\.py$|_test\.(py|go)$|(^|\/)conftest\.py$/i;

export function isTestPath(path: string): boolean {
  return TEST_DIRS.test(path) || TEST_NAMES.test(path);
}

const DOC = /\.(md|markdown|rst|txt|adoc)$|(^|\/)(docs?|\.github)\/|(^|\/)(CHANGELOG|CHANGES|HISTORY|AUTHORS|CONTRIBUTORS|NOTICE)(\.|$)/i;

/** Documentation, changelogs and CI files: allowed in a qualifying commit, but not what makes it qualify. */
export function isDocPath(path: string): boolean {
  return DOC.test(path) || isLicencePath(path);
}

const LICENCE = /^(LICEN[CS]E|COPYING|UNLICENSE)([.-][^/]*)?$/i;

export function isLicencePath(path: string): boolean {
  return LICENCE.test(path);
}

export type LicenceVerdict = { permissive: true; name: string } | { permissive: false; reason: string };

/**
 * Whether a licence text lets us copy the code into a benchmark task. Permissive: MIT, ISC, BSD, Apache-2.0,
 * 0BSD, Unlicense, CC0, Zlib. Copyleft and unknown texts are not (we would have to carry their terms into every
 * derived task), nor is a repository without a licence file (all rights reserved).
 */
export function classifyLicence(text: string | undefined): LicenceVerdict {
  if (text === undefined) return { permissive: false, reason: 'no licence file (all rights reserved)' };
  const t = text.replace(/\s+/g, ' ');
  if (/GNU (AFFERO |LESSER |LIBRARY )?GENERAL PUBLIC LICENSE|Mozilla Public License|Eclipse Public License|European Union Public Licen[cs]e|Server Side Public License|Business Source License/i.test(t)) {
    return { permissive: false, reason: `copyleft or source-available licence (${/(GNU [A-Z ]*GENERAL PUBLIC LICENSE|Mozilla Public License|Eclipse Public License|European Union Public Licen[cs]e|Server Side Public License|Business Source License)/i.exec(t)![1]})` };
  }
  const known: [RegExp, string][] = [
    [/Permission is hereby granted, free of charge, to any person obtaining a copy/i, 'MIT'],
    [/Permission to use, copy, modify, and\/or distribute this software for any purpose with or without fee is hereby granted/i, 'ISC/0BSD'],
    [/Redistribution and use in source and binary forms, with or without modification, are permitted/i, 'BSD'],
    [/Apache License,? Version 2\.0/i, 'Apache-2.0'],
    [/This is free and unencumbered software released into the public domain/i, 'Unlicense'],
    [/CC0 1\.0 Universal/i, 'CC0-1.0'],
    [/This software is provided 'as-is', without any express or implied warranty/i, 'Zlib'],
  ];
  for (const [re, name] of known) if (re.test(t)) return { permissive: true, name };
  return { permissive: false, reason: 'licence text not recognised as permissive' };
}
