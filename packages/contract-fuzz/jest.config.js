const preset = require('../../jest.preset.js');
const { join } = require('node:path');

// json-schema-faker ships one bundled ES module and no CommonJS entry point: jest (CommonJS here, like
// every workspace) is pointed at the file and has swc turn it into CommonJS like our own sources.
module.exports = {
  ...preset,
  moduleNameMapper: { '^json-schema-faker$': join(__dirname, '../../node_modules/json-schema-faker/dist/index.js') },
  // The preset's ES-module-only dependencies too (the skills service's credentials), and json-schema-faker.
  transformIgnorePatterns: preset.transformIgnorePatterns.map((pattern) => pattern.replace('(?!(', '(?!(json-schema-faker|')),
  transform: {
    ...preset.transform,
    '/json-schema-faker/dist/.+\\.js$': [require.resolve('@swc/jest'), { module: { type: 'commonjs' }, jsc: { target: 'es2022' } }],
  },
};
