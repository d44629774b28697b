// ESLint flat config. Two jobs: typescript-eslint's recommended rules (syntax only: cheap), and the layer
// boundaries of docs/DESIGN.md §2 as import rules, so "core never imports vscode" is checked, not just written.
// Type-aware linting runs only where it pays: the webview protocol handling (switch-exhaustiveness-check).
// The boundary rules are proven by test/unit/lint/layerBoundaries.test.ts (it plants imports through ESLint's API).
import tseslint from 'typescript-eslint';

// A layer folder reached by a relative import ('../llm/x', '../../sim'): only `./` and `../` steps before the layer's
// name, so a same-named file inside another layer ('../core/suite') is not mistaken for the layer.
const layerPath = (names) => `^(?:\\.{1,2}/)+(?:${names.join('|')})(?:/|$)`;
const pkgVscode = '^vscode$';
const pkgOpenai = '^openai(?:/|$)';

/** Rules forbidding the given import sources (regexes): static, type-only, side-effect, `import()`, `import('x').T`, require. */
function forbid(regexes, why) {
  const anyOf = regexes.join('|');
  const esq = anyOf.replace(/\//g, '\\/'); // esquery regex literal
  return {
    '@typescript-eslint/no-restricted-imports': ['error', {
      patterns: [{ regex: anyOf, message: why, allowTypeImports: false }],
    }],
    'no-restricted-syntax': ['error',
      { selector: `ImportExpression[source.value=/${esq}/]`, message: why },
      { selector: `TSImportType[argument.literal.value=/${esq}/]`, message: why },
      { selector: `CallExpression[callee.name='require'][arguments.0.value=/${esq}/]`, message: why },
    ],
  };
}

const layers = [
  { files: ['src/core/**/*.ts'],
    rules: forbid([layerPath(['llm', 'sim', 'suite', 'cli', 'bench', 'vscode', 'media']), pkgVscode, pkgOpenai],
      'core imports nothing outward (no src/llm|sim|suite|cli|bench|vscode|media, no vscode, no openai): put the interface in src/core/ports.') },
  { files: ['src/llm/**/*.ts'],
    rules: forbid([layerPath(['sim', 'suite', 'cli', 'bench', 'vscode', 'media']), pkgVscode],
      'llm may import core only.') },
  { files: ['src/suite/**/*.ts'],
    rules: forbid([layerPath(['llm', 'sim', 'cli', 'bench', 'vscode', 'media']), pkgVscode, pkgOpenai],
      'suite (mining history into tasks, warm-up) may import core only.') },
  { files: ['src/sim/**/*.ts'],
    rules: forbid([layerPath(['suite', 'cli', 'bench', 'vscode', 'media']), pkgVscode],
      'sim may import core and llm only.') },
  { files: ['src/bench/**/*.ts'],
    rules: forbid([layerPath(['cli', 'vscode', 'media']), pkgVscode],
      'bench may import core, llm and sim only.') },
  { files: ['src/cli/**/*.ts'],
    rules: forbid([layerPath(['vscode', 'media']), pkgVscode],
      'the CLI runs without VS Code: no src/vscode, no media, no vscode.') },
  { files: ['src/vscode/**/*.ts'],
    rules: forbid([layerPath(['cli', 'bench', 'media'])],
      'the extension uses core, llm, suite and sim (the embedded simulator); not cli, bench or the webview code.') },
  // The webview runs in a browser sandbox: its own files, the shared protocol module and the record types it renders.
  { files: ['media/**/*.ts'],
    rules: forbid(['^\\.\\./src/(?!vscode/webviewMessages$|vscode/routingPictureMessages$|core/auction/auctionRecord$|core/routing/routingRecord$|core/formatUsd$)', '^node:', pkgVscode, pkgOpenai],
      'the webview imports only media/*, src/vscode/webviewMessages, src/vscode/routingPictureMessages, src/core/auction/auctionRecord, src/core/routing/routingRecord and src/core/formatUsd (pure); no node, no vscode.') },
];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test/host/**', 'test/fixtures/**', 'bench-out/**', '.sale-tmp/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  ...layers,
  // Protocol handling: a new message type must get a case (type-aware, so only these files pay for type information).
  {
    files: ['src/vscode/**/*.ts', 'media/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: false }] },
  },
);
