#!/usr/bin/env node
// `npm run chaos` (issue 14 §1): the whole registry on a private PostgreSQL and a private three-broker Kafka
// cluster under a mixed load, its processes, a broker and the database killed at seeded moments; then the
// checks, printed and written to chaos-summary.json. Settings: CHAOS_SECONDS (600), CHAOS_SEED, CHAOS_CLIENTS,
// CHAOS_RATE, CHAOS_KILL_EVERY, CHAOS_KINDS, CHAOS_SUMMARY (see test/faults/src/chaos.cli.ts and its README).
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const result = spawnSync('npx', ['tsx', '--conditions=@homeward/source', 'test/faults/src/chaos.cli.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: process.env,
});
process.exit(result.status ?? 1);
