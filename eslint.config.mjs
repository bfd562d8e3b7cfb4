// @ts-check
import tseslint from 'typescript-eslint';

/**
 * CONVENTIONS.md habit 9: typescript-eslint's recommended rules, plus the two type-aware rules
 * this codebase relies on: no promise left floating (a lost rejection is a lost error), and every
 * switch over a union handles each member.
 */
export default tseslint.config(
  { ignores: ['dist/', 'bench/dist/', 'src/dashboard/', 'node_modules/', 'coverage/'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
