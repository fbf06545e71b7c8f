// Keeps the layers apart: core and shared never import Electron (they run under plain Node and in tests),
// and shared/renderer never reach for Node or the database.
import tseslint from 'typescript-eslint';

const noElectron = { name: 'electron', message: 'main/core and shared run under plain Node: pass what you need in instead.' };
const nodeOnly = [
  { group: ['node:*', 'better-sqlite3', 'electron'], message: 'shared/ and renderer/ run in the browser too.' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'release/**', '.tsbuild/**', 'renderer/dist/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['bin/**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['main/core/**/*.ts', 'main/cli/**/*.ts', 'main/web/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron], patterns: [{ group: ['electron/*'], message: noElectron.message }] }] },
  },
  {
    files: ['shared/**/*.ts', 'renderer/src/**/*.ts', 'renderer/src/**/*.tsx'],
    rules: { 'no-restricted-imports': ['error', { patterns: nodeOnly }] },
  },
);
