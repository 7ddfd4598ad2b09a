import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', 'dev-dist/', '.outpost/', 'node_modules/', 'test-results/', 'playwright-report/', 'e2e/artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // CouchDB functions (validate_doc_update, views): ES5 run by CouchDB's own JavaScript engine. Each file is one
    // parenthesised function expression, read as text by couch-config/design-docs.ts.
    files: ['couch-config/design/**/*.js'],
    languageOptions: { ecmaVersion: 5, sourceType: 'script', globals: { emit: 'readonly' } },
    rules: { '@typescript-eslint/no-unused-expressions': 'off', 'no-unused-expressions': 'off' },
  },
  {
    // Sync engine stays framework-free (ARCHITECTURE.md §4).
    files: ['sync/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['react', 'react-dom', 'react/*', 'zustand', 'zustand/*'] }] },
  },
);
