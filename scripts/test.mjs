#!/usr/bin/env node
// `npm test`: everything a change must pass, in the order that fails fastest.
// Installs the locked dependencies if they are not (first run, or a changed lockfile) and Debian's
// Chromium for the printable certificate's browser test if it is missing, starts PostgreSQL and Kafka
// when they are not running (and stops what it started), generates code, lints the event contracts,
// type-checks, lints the code and checks its layer rules, then runs every jest project against
// the real infrastructure. Each test run gets its own databases and topic names (HOMEWARD_TEST_RUN).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { ensureChromium } from './chromium.mjs';
import { ensureDependencies } from './dependencies.mjs';

const root = new URL('..', import.meta.url).pathname;
const env = { ...process.env, HOMEWARD_TEST_RUN: process.env.HOMEWARD_TEST_RUN ?? randomBytes(3).toString('hex'), FORCE_COLOR: '0' };
const jestArgs = process.argv.slice(2);

function run(title, command, args, options = {}) {
  const started = Date.now();
  process.stdout.write(`\n==> ${title}\n`);
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit', ...options });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    process.stdout.write(`==> ${title}: FAILED after ${seconds} s\n`);
    return false;
  }
  process.stdout.write(`==> ${title}: ok (${seconds} s)\n`);
  return true;
}

ensureDependencies();
// The printable certificate's test prints it in a real browser; a missing one fails that test, not the run.
ensureChromium();
const kafkaWasRunning = spawnSync('bash', ['infra/bin/kafka.sh', 'status'], { cwd: root, env, stdio: 'ignore' }).status === 0;
let ok = run('infrastructure (PostgreSQL, Kafka)', 'bash', ['infra/bin/infra.sh', 'up']);
ok &&= run('generate (buf, openapi-typescript)', 'npx', ['turbo', 'run', 'generate', '--output-logs=errors-only']);
ok &&= run('buf lint', 'npx', ['buf', 'lint']);
ok &&= run('typecheck', 'npx', ['turbo', 'run', 'typecheck', '--output-logs=errors-only']);
ok &&= run('eslint', 'npx', ['eslint', '.', '--max-warnings', '0']);
ok &&= run('layer rules (dependency-cruiser)', 'npm', ['run', '-s', 'lint:layers']);
ok &&= run('prettier', 'npx', ['prettier', '--check', '--log-level=warn', '**/*.{ts,mjs,js}']);
const report = `${root}.local/jest-results-${env.HOMEWARD_TEST_RUN}.json`;
if (ok) {
  ok = run('jest (unit, integration and end-to-end)', 'npx', [
    'jest',
    '--ci',
    '--maxWorkers=2',
    '--json',
    `--outputFile=${report}`,
    ...jestArgs,
  ]);
  try {
    const results = JSON.parse(readFileSync(report, 'utf8'));
    // A plain closing line that any CI can read.
    process.stdout.write(`\ntests: ${results.numPassedTests} passed, ${results.numFailedTests} failed\n`);
    rmSync(report, { force: true });
  } catch {
    process.stdout.write('\ntests: 0 passed, 1 failed\n');
    ok = false;
  }
}
if (!kafkaWasRunning) spawnSync('bash', ['infra/bin/kafka.sh', 'down'], { cwd: root, env, stdio: 'inherit' });
process.exit(ok ? 0 : 1);
