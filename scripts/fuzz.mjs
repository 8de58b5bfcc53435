#!/usr/bin/env node
// `npm run fuzz`: the contract fuzz suite alone, for longer: 20,000 requests unless FUZZ_RUNS says
// otherwise. FUZZ_SEED replays a run; FUZZ_ALL_FAULTS=1 reports every distinct fault instead of stopping
// at the first one (and shrinking it). Starts PostgreSQL and Kafka when they are not running, like
// `npm test`, and stops what it started.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

const root = new URL('..', import.meta.url).pathname;
const env = {
  ...process.env,
  HOMEWARD_TEST_RUN: process.env.HOMEWARD_TEST_RUN ?? randomBytes(3).toString('hex'),
  FUZZ_RUNS: process.env.FUZZ_RUNS ?? '20000',
  FORCE_COLOR: '0',
};
const run = (command, args) => spawnSync(command, args, { cwd: root, env, stdio: 'inherit' }).status === 0;

const kafkaWasRunning = spawnSync('bash', ['infra/bin/kafka.sh', 'status'], { cwd: root, env, stdio: 'ignore' }).status === 0;
const ok =
  run('bash', ['infra/bin/infra.sh', 'up']) &&
  run('npx', ['turbo', 'run', 'generate', '--output-logs=errors-only']) &&
  run('npx', ['jest', '--ci', 'packages/contract-fuzz/test/contract-fuzz.e2e.spec.ts', ...process.argv.slice(2)]);
if (!kafkaWasRunning) spawnSync('bash', ['infra/bin/kafka.sh', 'down'], { cwd: root, env, stdio: 'inherit' });
process.exit(ok ? 0 : 1);
