// Entry point the extension host loads (bundled to out/integration/index.js by test/integration/runTest.ts).
// Runs mocha (bdd: describe/it) over the bundled test files next to it: out/integration/*.test.js.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';

export async function run(): Promise<void> {
  // Stack traces point into the readable (unminified) bundles out/integration/<name>.test.js: the host installs its
  // own Error.prepareStackTrace, which ignores source maps.
  // The host forwards console.log arguments joined by spaces, without printf formatting: format them here.
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => console.log(format(...args));
  const mocha = new Mocha({
    ui: 'bdd',
    color: false, // output is forwarded line by line through the workbench
    reporter: 'spec',
    timeout: Number(process.env.SALE_IT_TIMEOUT_MS) || 60000,
    grep: process.env.SALE_IT_GREP || undefined,
  });
  // restricted-*.test.js run in their own launch with workspace trust on (runTest.ts sets SALE_IT_RESTRICTED=1); the
  // other files need a trusted workspace.
  const restricted = process.env.SALE_IT_RESTRICTED === '1';
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js') && f.startsWith('restricted-') === restricted).sort();
  if (files.length === 0) throw new Error(`no *.test.js bundles in ${__dirname}`);
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  const failures = await new Promise<number>((resolve, reject) => {
    try {
      mocha.run(resolve);
    } catch (e) {
      reject(e);
    }
  });
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}
