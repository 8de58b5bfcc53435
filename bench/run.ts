/**
 * Entry point of the on-demand benchmarks: `npm run bench -- <name> [-- options]`, e.g.
 * `npm run bench -- event-store -- --single-appends=60000`. Not part of `npm test`.
 */
const benchmarks: Record<string, () => Promise<{ main(argv: readonly string[]): Promise<void> }>> = {
  'event-store': () => import('./event-store.bench.js'),
  registration: () => import('./registration.bench.js'),
  'returns-instructions': () => import('./returns-instructions.bench.js'),
  statistics: () => import('./statistics.bench.js'),
  'statistics-scale': () => import('./statistics-scale.bench.js'),
  projection: () => import('./projection.bench.js'),
  rebuild: () => import('./rebuild.bench.js'),
  history: () => import('./history.js'),
  credentials: () => import('./credentials.bench.js'),
  skills: () => import('./skills.bench.js'),
  matching: () => import('./matching.bench.js'),
  fund: () => import('./fund.bench.js'),
  'fund-simulation': () => import('./fund.bench.js').then((m) => ({ main: m.simulation })),
};

const [name, ...argv] = process.argv.slice(2);
const load = name === undefined ? undefined : benchmarks[name];
if (!load) {
  console.error(`usage: npm run bench -- <${Object.keys(benchmarks).join('|')}> [-- options]`);
  process.exit(2);
}
await (await load()).main(argv);
