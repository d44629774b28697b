/**
 * Proves eslint.config.mjs guards the layers (docs/DESIGN.md §2): imports are planted through ESLint's Node API
 * (`lintText` with a virtual file path), so nothing is written to the tree.
 */
import { strict as assert } from 'node:assert';
import { ESLint } from 'eslint';

const boundaryRules = new Set(['@typescript-eslint/no-restricted-imports', 'no-restricted-syntax']);

describe('eslint layer boundaries (eslint.config.mjs)', function () {
  this.timeout(120_000);
  let eslint: ESLint;
  before(() => {
    // The real config; only the type-aware part is switched off for the planted (virtual) files, which no
    // tsconfig project contains. The boundary rules are syntax rules and stay as configured.
    eslint = new ESLint({
      cwd: process.cwd(),
      overrideConfig: {
        files: ['**/planted.ts'],
        languageOptions: { parserOptions: { projectService: false, project: null } },
        rules: { '@typescript-eslint/switch-exhaustiveness-check': 'off' },
      },
    });
  });

  /** Every message for a planted file; a fatal (parse/config) message fails the test. */
  async function lint(filePath: string, code: string) {
    const [r] = await eslint.lintText(code, { filePath });
    const fatal = r.messages.filter((m) => m.fatal);
    assert.deepEqual(fatal, [], `fatal lint message for ${filePath}`);
    return r.messages;
  }
  async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
    return (await lint(filePath, code)).filter((m) => m.ruleId && boundaryRules.has(m.ruleId)).map((m) => m.message);
  }

  const refused: Array<[string, string, string]> = [
    ['side-effect import of vscode in core', 'src/core/planted.ts', "import 'vscode';\n"],
    ['value import of vscode in a core sub-folder', 'src/core/auction/planted.ts', "import * as vscode from 'vscode';\nexport const w = vscode.window;\n"],
    ['type-only import from llm in core', 'src/core/planted.ts', "import type { PoolModels } from '../llm/poolModels';\nexport type P = PoolModels;\n"],
    ['type-only import from llm two folders up', 'src/core/memory/planted.ts', "import type { X } from '../../llm/poolModels';\nexport type P = X;\n"],
    ['import() type of vscode in core', 'src/core/planted.ts', "export type U = import('vscode').Uri;\n"],
    ['dynamic import of openai in core', 'src/core/planted.ts', "export const load = () => import('openai');\n"],
    ['require of sim in core', 'src/core/planted.ts', "export const s = require('../sim/server');\n"],
    ['export-from of the vscode layer in core', 'src/core/planted.ts', "export { BidPanelProvider } from '../vscode/bidPanel';\n"],
    ['sim from llm', 'src/llm/planted.ts', "import { startSimServer } from '../sim/server';\nexport const s = startSimServer;\n"],
    ['cli from bench', 'src/bench/planted.ts', "import '../cli/main';\n"],
    ['vscode from the CLI', 'src/cli/planted.ts', "import type * as vscode from 'vscode';\nexport type W = typeof vscode.window;\n"],
    ['cli from the extension', 'src/vscode/planted.ts', "import '../cli/main';\n"],
    ['node from the webview', 'media/planted.ts', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n"],
    ['a host module from the webview', 'media/planted.ts', "import '../src/vscode/solveController';\n"],
  ];
  for (const [name, file, code] of refused) {
    it(`refuses ${name}`, async () => {
      const errors = await boundaryErrors(file, code);
      assert.ok(errors.length >= 1, `expected a boundary error for ${file}:\n${code}`);
    });
  }

  const allowed: Array<[string, string, string]> = [
    ['a core port from core', 'src/core/planted.ts', "import type { ChatModel } from './ports/chatModel';\nexport type M = ChatModel;\n"],
    ['core from a core sub-folder', 'src/core/auction/planted.ts', "import { SaleError } from '../errors';\nexport const E = SaleError;\n"],
    ['core from llm', 'src/llm/planted.ts', "import type { ChatModel } from '../core/ports/chatModel';\nexport type M = ChatModel;\n"],
    ['the embedded simulator from the extension', 'src/vscode/planted.ts', "export const load = async () => (await import('../sim/server')).startSimServer;\n"],
    ['the protocol module from the webview', 'media/planted.ts', "import { parseHostMessage } from '../src/vscode/webviewMessages';\nexport const p = parseHostMessage;\n"],
  ];
  for (const [name, file, code] of allowed) {
    it(`allows ${name}`, async () => {
      assert.deepEqual(await boundaryErrors(file, code), []);
    });
  }

  it('the legal core file is lint-clean as a whole (not only free of boundary errors)', async () => {
    assert.deepEqual(await lint('src/core/planted.ts', "import type { ChatModel } from './ports/chatModel';\nexport type M = ChatModel;\n"), []);
  });
});
