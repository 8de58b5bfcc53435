/**
 * Rebuild of agency-view from offset zero (issue 4): a fresh agency-view instance (its own database) on the
 * kept benchmark history (history.ts) builds its read model from the topic's beginning; the time is from
 * its start until its first build serves with no lag. A second rebuild, requested through the admin
 * endpoint while the first build serves, is timed the same way (the serving build answers meanwhile).
 *
 * Not done yet: the same projection in Emmett (`@event-driven-io/emmett-postgresql`'s
 * `rebuildPostgreSQLProjections`) over the same events, which the issue asks for as the comparison.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { createTestDatabase, infrastructure, testIssuer } from '@homeward/testing/infrastructure';
import { benchHistory } from './history.js';

const root = new URL('..', import.meta.url).pathname;

interface BuildStatus {
  build: number;
  state: string;
  lag: number;
  eventsProcessed: number;
}

export async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({ args: [...argv], options: { events: { type: 'string', default: '10000000' } } });
  const history = await benchHistory(Number(values.events));
  const build = spawnSync('npx', ['turbo', 'run', 'build', '--filter=@homeward/agency-view...', '--output-logs=errors-only'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (build.status !== 0) throw new Error('build failed');
  const db = await createTestDatabase('bench_rebuild_agency');
  const issuer = await testIssuer();
  const admin = await issuer.token({ organisationId: 'bench-agency', kind: 'agency', scopes: ['workers:read', 'projections:admin'] });
  const namespace = history.topic.slice(0, history.topic.indexOf('homeward.'));
  const url = 'http://127.0.0.1:3941';
  const started = performance.now();
  const service: ChildProcess = spawn('node', ['services/agency-view/dist/main.js'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      KAFKA_BROKERS: infrastructure.kafkaBrokers.join(','),
      TOPIC_NAMESPACE: namespace,
      PORT: '3941',
      LOG_LEVEL: 'error',
      AUTH_JWKS_URL: issuer.jwksUrl,
      AUTH_ISSUER: issuer.issuer,
      AUTH_AUDIENCE: issuer.audience,
      PROJECTION_POLL_MS: '200',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const status = async () => {
    const r = await fetch(`${url}/admin/projection`, { headers: { authorization: `Bearer ${admin}` } }).catch(() => undefined);
    return r?.ok ? ((await r.json()) as { serving?: BuildStatus; building?: BuildStatus }) : undefined;
  };
  const until = async (done: (s: { serving?: BuildStatus; building?: BuildStatus }) => boolean, label: string) => {
    let last = 0;
    for (;;) {
      const s = await status();
      if (s && done(s)) return s;
      const processed = s?.building?.eventsProcessed ?? s?.serving?.eventsProcessed ?? 0;
      if (performance.now() - last > 10_000) {
        console.log(`  ${label}: ${processed.toLocaleString('en')} events processed`);
        last = performance.now();
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  try {
    const first = await until((s) => s.serving !== undefined && s.serving.lag === 0 && !s.building, 'first build');
    const firstSeconds = (performance.now() - started) / 1000;
    console.log(`first build: ${history.events.toLocaleString('en')} events in ${firstSeconds.toFixed(1)} s`);
    const rebuildStarted = performance.now();
    const asked = await fetch(`${url}/admin/projection/rebuild`, { method: 'POST', headers: { authorization: `Bearer ${admin}` } });
    if (asked.status !== 202) throw new Error(`rebuild refused: ${asked.status} ${await asked.text()}`);
    await until((s) => s.serving !== undefined && s.serving.build !== first.serving!.build && s.serving.lag === 0, 'rebuild');
    const rebuildSeconds = (performance.now() - rebuildStarted) / 1000;
    const results = {
      finishedAt: new Date().toISOString(),
      machine: { cpus: os.cpus().length, node: process.version },
      events: history.events,
      firstBuild: { seconds: Math.round(firstSeconds * 10) / 10, eventsPerSecond: Math.round(history.events / firstSeconds) },
      rebuild: { seconds: Math.round(rebuildSeconds * 10) / 10, eventsPerSecond: Math.round(history.events / rebuildSeconds) },
      emmett: 'not measured yet',
    };
    console.log(JSON.stringify(results, null, 2));
    await mkdir(new URL('./results/', import.meta.url), { recursive: true });
    await writeFile(new URL('./results/rebuild.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    service.kill('SIGTERM');
    await new Promise((r) => service.once('exit', r));
    await db.drop();
  }
}
