// The layer rules, checked by `npm run lint` (and so by `npm test`), after domain-driven-hexagon's
// .dependency-cruiser.js. Paths are the real ones: a workspace package imported by its name resolves to
// its TypeScript source (the `@homeward/source` export condition), so a rule sees where an import lands.
//
// Violations that a piece of work in progress removes are listed in .dependency-cruiser-known-violations.json
// (`npm run lint:layers:baseline` rewrites it); anything new fails. Keep that list shrinking.

/** Where a workspace's own code lives: `<kind>/<name>/` (bench is a workspace of its own). */
const WORKSPACE = '^(packages|services|test)/([^/]+)/';
const SPEC = '\\.spec\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-imports-only-domain',
      comment:
        "A service's src/domain is pure: it imports nothing else of the service (application, http, messaging, " +
        'persistence), so that the rules can be read, tested and reused without the I/O around them.',
      severity: 'error',
      from: { path: '^services/([^/]+)/src/domain/' },
      to: { path: '^services/$1/', pathNot: '^services/$1/src/domain/' },
    },
    {
      name: 'domain-imports-no-framework',
      comment:
        'The domain takes no framework, driver, I/O or generated type: no @nestjs, pg, kafkajs, fastify, protobuf ' +
        '(generated code under src/gen or src/http/generated, @bufbuild), no node: built-ins. Time, ids and lookups ' +
        'arrive as arguments. Its specs may use test tools (fast-check, @homeward/testing).',
      severity: 'error',
      from: { path: '^services/[^/]+/src/domain/', pathNot: SPEC },
      to: {
        path: [
          'node_modules/(@types/)?(@nestjs|pg|pg-[^/]+|kafkajs|fastify|@fastify|@bufbuild|rxjs)/',
          '/src/gen/',
          '/src/http/generated/',
          '^packages/(?!classifications/|assert-never/)',
        ],
      },
    },
    {
      name: 'domain-imports-no-node-built-ins',
      comment: 'Time, randomness and files come into the domain as arguments, never from node: modules.',
      severity: 'error',
      from: { path: '^services/[^/]+/src/domain/', pathNot: SPEC },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'http-does-not-reach-into-persistence',
      comment:
        'Controllers talk to the application (commands, queries, handlers), never to tables or stores: what a ' +
        'request may do is decided in one place.',
      severity: 'error',
      from: { path: '^services/([^/]+)/src/http/' },
      to: { path: '^services/$1/src/persistence/' },
    },
    {
      name: 'kafka-only-through-messaging',
      comment:
        'Only packages/messaging knows kafkajs: topics, the relay, the consumer runner. Everything else uses ' +
        "its API. packages/testing is the exception: it creates and deletes each test run's topics.",
      severity: 'error',
      from: { pathNot: ['^packages/messaging/', '^packages/testing/src/infrastructure\\.ts$'] },
      to: { path: 'node_modules/(@types/)?kafkajs/' },
    },
    {
      name: 'no-relative-imports-across-workspaces',
      comment:
        'Another workspace is imported by its package name (@homeward/…) and through its `exports`, never by a ' +
        '../ path into its files.',
      severity: 'error',
      from: { path: WORKSPACE },
      to: {
        path: '^(packages|services|test|bench)/',
        pathNot: '^$1/$2/',
        // A relative specifier; a workspace imported by its name resolves into packages/ too, as 'undetermined'.
        dependencyTypes: ['local'],
      },
    },
    {
      name: 'no-relative-imports-from-bench-into-workspaces',
      comment: 'bench/ imports the packages and services it measures by their names, like any other workspace.',
      severity: 'error',
      from: { path: '^bench/' },
      to: { path: '^(packages|services|test)/', dependencyTypes: ['local'] },
    },
    {
      name: 'no-circular',
      comment:
        'No cycles between modules: a cycle makes the order of initialisation matter and the layers ' +
        'meaningless (OpenCRVS makes import/no-cycle an error for the same reason).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    // Generated code and libraries are where an import lands, not code to check: seen, not followed.
    doNotFollow: { path: ['node_modules', '/src/gen/', '/src/http/generated/'] },
    exclude: { path: ['(^|/)dist/'] },
    // Type-only imports count: a domain that imports a pg type is as bound to pg as one that calls it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['@homeward/source', 'import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js', '.cjs', '.mjs', '.json'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};
