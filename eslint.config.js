// Lint: typescript-eslint's type-checked rules (TypeScript 6.0, see README "Development"),
// the banned nondeterministic APIs, and the per-folder import direction.
import tseslint from 'typescript-eslint';

const nondeterminism = [
  { object: 'Math', property: 'random', message: 'Randomness lives in sim/prng.ts only.' },
  { object: 'Date', property: 'now', message: 'No wall clock outside tools/.' },
  { object: 'performance', property: 'now', message: 'No wall clock outside tools/.' },
];

const restricted = (patterns) => ({
  'no-restricted-imports': ['error', { patterns }],
  'no-restricted-properties': ['error', ...nondeterminism],
  'no-restricted-globals': ['error', 'Date', 'performance', 'process', 'setTimeout', 'setInterval', 'WeakMap', 'WeakSet'],
  'no-restricted-syntax': ['error', { selector: 'ForInStatement', message: 'for…in order depends on history; iterate Object.keys with a sort.' }],
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'tools/bin.mjs', '**/*.js', '**/*.mjs', 'traces/view/dist/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/require-array-sort-compare': ['error', { ignoreStringArrays: false }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'max-lines-per-function': ['warn', { max: 90, skipBlankLines: true, skipComments: true }],
    },
  },
  { files: ['core/**/*.ts'], rules: restricted([{ regex: '^(?!\\.|immer$)', message: 'core/ imports only immer and itself.' }]) },
  { files: ['sim/**/*.ts'], rules: restricted([{ regex: '^(?!\\.|\\.\\./core/index\\.ts$|pure-rand)', message: 'sim/ uses core/ (through its index) and pure-rand.' }, { regex: '^\\.\\./(traces|fuzz|tools)/', message: 'sim/ may not import traces/, fuzz/ or tools/.' }]) },
  { files: ['traces/**/*.ts'], rules: restricted([{ regex: '^(node:|commander|pure-rand|fast-check)', message: 'traces/ uses core/ and zod only.' }, { regex: '^(\\.\\./)+(sim|fuzz|tools)/', message: 'traces/ may not import sim/, fuzz/ or tools/.' }]) },
  { files: ['fuzz/**/*.ts'], rules: restricted([{ regex: '^(commander)', message: 'commander lives in tools/.' }, { regex: '^(\\.\\./)+tools/', message: 'fuzz/ may not import tools/.' }]) },
  { files: ['test/**/*.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off', 'max-lines-per-function': 'off' } },
);
