// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', 'test-output/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // The domain must not know about transport or the Bot Framework: the edges translate.
    files: ['src/calling/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['botbuilder*', 'restify*', '@microsoft/microsoft-graph-client', '@azure/*', 'node:http', 'node:https'], message: 'calling/ is the domain: no HTTP, Bot Framework or Graph client types.' },
          { group: ['**/graph/*', '**/bot/*', '**/http/*', '**/storage/*', '**/simulator/*', '**/localMode/*', '**/doctor/*'], message: 'calling/ may import config types and the shared error base only.' },
        ],
      }],
    },
  },
  {
    // The simulator stands in for Microsoft Graph; Rally's production code reaches it only through GRAPH_BASE_URL.
    files: ['src/simulator/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['../calling/*', '../graph/*', '../bot/*', '../http/*', '../storage/*', '../config/*'], message: 'The simulator shares no code with Rally.' }],
      }],
    },
  },
);
