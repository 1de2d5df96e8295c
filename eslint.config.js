// Lint (part of `npm test`): typescript-eslint's recommended rules everywhere, the React hooks rules in the renderer.
// A rule is turned off here, with its reason, rather than by comments scattered in the code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'release/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // A leading underscore names what is deliberately left unused (a key destructured away, a positional argument).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // An effect that misses what it reads shows stale data: an error, not a warning.
      'react-hooks/exhaustive-deps': 'error',
      // TanStack Virtual is the grid's virtualizer on purpose; the warning only says the React Compiler (unused here) would skip it.
      'react-hooks/incompatible-library': 'off',
    },
  },
  {
    // The stand-in for Electron's own API (which cannot run here) is typed as loosely as Electron's tests drive it.
    files: ['test/fakes/electron.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
