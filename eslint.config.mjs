import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'media/**', 'node_modules/**', '.vscode-test/**', '.code-server/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // The engine must run in plain Node (CLI, tests): only src/vscode may import `vscode`.
    files: ['src/core/**', 'src/probes/**', 'src/cloud/**', 'src/cli/**', 'src/shared/**', 'src/webview/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'Only src/vscode may import vscode.' }] }],
    },
  },
  {
    // core is pure: no I/O modules.
    files: ['src/core/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['vscode', 'fs', 'net', 'dns', 'child_process', 'http', 'https', 'node:fs', 'node:net', 'node:dns', 'node:child_process']
          .map((name) => ({ name, message: 'src/core is pure: do I/O in src/probes or src/cloud.' })),
      }],
    },
  },
);
