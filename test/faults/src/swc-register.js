// Runs a service's TypeScript sources in a child process without a build: each .ts file is compiled by swc
// when it is required, with the decorator metadata NestJS's injection needs (which tsx, on esbuild, does
// not emit). The same settings as jest (scripts/swc-options.js). Used as `node --conditions=@homeward/source -r <this>`.
const { transformSync } = require('@swc/core');
const fs = require('node:fs');
const Module = require('node:module');

const options = require('../../../scripts/swc-options.js');

Module._extensions['.ts'] = function compile(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...options, filename });
  module._compile(code, filename);
};
