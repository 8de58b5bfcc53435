// How the project's TypeScript is compiled when it runs from its sources (jest, the fault suite's service
// processes, the allocation harness): swc, with the decorator metadata NestJS's injection needs (which tsx, on
// esbuild, does not emit), to CommonJS. One copy, so that the three never compile differently.
module.exports = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};
