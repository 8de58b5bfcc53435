// Shared jest settings: swc compiles TypeScript (with decorator metadata for NestJS), and the
// "@homeward/source" export condition makes workspace packages resolve to their TypeScript sources,
// so tests never depend on a prior build.
// Dependencies published as ES modules only (the @digitalbazaar / @digitalcredentials verifiable-credential
// suites of @homeward/credentials, and a few of theirs). Jest runs our code as CommonJS, so swc compiles
// these files to CommonJS too instead of jest's experimental VM modules; every other file of node_modules
// stays untransformed. In production Node 20.19+ loads them with require(esm).
const esmOnlyDependencies = [
  '@digitalbazaar',
  '@digitalcredentials',
  'base58-universal',
  'base64url-universal',
  'ky',
  '@stablelib',
  'fast-text-encoding',
];
const swcOptions = require('./scripts/swc-options.js');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testEnvironmentOptions: { customExportConditions: ['@homeward/source', 'node', 'require', 'default'] },
  transform: {
    '^.+\\.ts$': [require.resolve('@swc/jest'), swcOptions],
    [`/node_modules/(${esmOnlyDependencies.join('|')})/.+\\.m?js$`]: [
      require.resolve('@swc/jest'),
      { ...swcOptions, jsc: { ...swcOptions.jsc, parser: { syntax: 'ecmascript' } } },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnlyDependencies.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  // Integration tests wait on real Kafka consumer groups; set per test file so it holds in multi-project runs too.
  setupFilesAfterEnv: [require.resolve('./jest.setup.js')],
};
