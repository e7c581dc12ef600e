// ESLint flat config. The local `switchyard/layers` rule enforces DESIGN.md §3:
// a src/ folder may import only folders of a lower layer, and only through their index.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { layersRule } from './scripts/eslint-layers.js';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'console/dist/', '.tmp/', 'packages/*/dist/', 'packages/*/node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { switchyard: { rules: { layers: layersRule } } },
    rules: {
      'switchyard/layers': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Only src/config reads the environment; take config as a parameter.' }],
    },
  },
  {
    // The web console (its own Vite project, tsconfig and build: console/): browser code.
    files: ['console/src/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['src/config/**', 'src/cli/main.ts', 'test/**', 'bench/**', 'scripts/**', '**/*.test.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // The console's Content-Security-Policy forbids eval: page.waitForFunction polls its predicate
    // with eval inside the page and fails whenever the first check is false. Poll from Node.
    files: ['test/console/**'],
    rules: { 'no-restricted-syntax': ['error', { selector: "CallExpression[callee.property.name='waitForFunction']", message: "The console's CSP forbids eval: poll with until() and a locator instead." }] },
  },
  {
    // The client runs in browsers too: Web APIs only, no Node built-ins.
    files: ['packages/client/src/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['node:*'], message: 'The client runs in browsers too: use Web APIs (fetch, Web Crypto).' }] }] },
  },
);
