// Lint rules that carry the project's conventions: exhaustive switches over discriminated unions,
// no floating promises, and generated code left alone.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/coverage/**',
      '.local/**',
      '.turbo/**',
      '**/src/gen/**',
      '**/src/http/generated/**',
      '**/src/generated/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../../packages/*', '../../../packages/*'],
              message: 'Import workspace packages by name (@homeward/…), never by relative path.',
            },
            { group: ['kafkajs'], message: 'Kafka stays behind @homeward/messaging.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/src/domain/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // The code lists are pure data and functions: the domain may ask them what a code names.
              group: [
                '@nestjs/*',
                'pg',
                'kafkajs',
                '@homeward/*',
                '!@homeward/classifications',
                '!@homeward/assert-never',
                '@bufbuild/*',
                'fastify',
                'node:*',
              ],
              message: 'The domain is pure: no frameworks, I/O or generated types.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/messaging/src/**/*.ts', 'packages/testing/src/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['**/*.spec.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
