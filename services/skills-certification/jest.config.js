// As in packages/credentials: the @digitalbazaar and @digitalcredentials suites (and a few of their dependencies) are published as ES
// modules only, while jest runs this repository's code as CommonJS compiled by swc. Rather than jest's
// experimental VM modules, swc also compiles those node_modules files to CommonJS here: every other
// dependency stays untransformed, as in the preset.
const preset = require('../../jest.preset.js');

const esmOnly = [
  '@digitalbazaar',
  '@digitalcredentials',
  'base58-universal',
  'base64url-universal',
  'ky',
  '@stablelib',
  'fast-text-encoding',
];
const swc = preset.transform['^.+\\.ts$'];

/** @type {import('jest').Config} */
module.exports = {
  ...preset,
  transform: {
    ...preset.transform,
    '^.+\\.m?js$': [swc[0], { ...swc[1], jsc: { ...swc[1].jsc, parser: { syntax: 'ecmascript' } } }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
};
