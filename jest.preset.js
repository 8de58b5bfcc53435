// Shared jest settings: swc compiles TypeScript (with decorator metadata for NestJS), and the
// "@homeward/source" export condition makes workspace packages resolve to their TypeScript sources,
// so tests never depend on a prior build.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testEnvironmentOptions: { customExportConditions: ['@homeward/source', 'node', 'require', 'default'] },
  transform: {
    '^.+\\.ts$': [
      require.resolve('@swc/jest'),
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  // Integration tests wait on real Kafka consumer groups; set per test file so it holds in multi-project runs too.
  setupFilesAfterEnv: [require.resolve('./jest.setup.js')],
};
