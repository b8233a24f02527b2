import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'out/**',
      'node_modules/**',
      '.vscode-test/**',
      'bench/results*',
      'test/fixtures/**',
      'demo-output/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  // The layers: src/core knows nothing of its front ends; only src/extension imports vscode.
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'src/core never imports vscode: only src/extension does.' }],
          patterns: [
            {
              group: ['**/extension', '**/extension/**', '**/cli', '**/cli/**', '**/mcp', '**/mcp/**'],
              message: 'src/core never imports its front ends (src/extension, src/cli, src/mcp).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/cli/**/*.ts', 'src/mcp/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'Only src/extension imports vscode.' }],
          patterns: [
            {
              group: ['**/extension', '**/extension/**'],
              message: 'The CLI and the MCP server never import the extension.',
            },
          ],
        },
      ],
    },
  },
  // Small enough to read in one sitting: no file over 300 lines, no function over 60.
  {
    files: ['src/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 300 }],
      'max-lines-per-function': ['error', { max: 60 }],
    },
  },
);
