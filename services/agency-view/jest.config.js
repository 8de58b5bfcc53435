// The skills acceptance test starts the skills-certification service, whose credentials use the
// @digitalbazaar and @digitalcredentials suites (and a few of their dependencies), published as ES modules
// only: as in services/skills-certification, swc compiles those node_modules files to CommonJS too. Every
// other dependency stays untransformed, as in the preset.
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
