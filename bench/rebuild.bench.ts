/**
 * Rebuild of agency-view from offset zero (issue 4), against Emmett's rebuild of the same projection.
 *
 * Ours: a fresh agency-view instance (its own database) on the kept benchmark history (history.ts) builds
 * its read model from the topic's beginning; the time is from its start until its first build serves with
 * no lag. A second rebuild, requested through the admin endpoint while the first build serves, is timed the
 * same way (the serving build answers meanwhile); `ratioToEmmett` compares that one. Both are polled every
 * 200 ms through `GET /admin/projection`.
 *
 * Emmett's (rebuild-emmett.ts, in a child process, after agency-view has stopped): the same events, loaded
 * untimed into an Emmett store of their own, then `rebuildPostgreSQLProjections` of a `postgreSQLProjection`
 * writing agency-view's tables with agency-view's own SQL; timed from `consumer.start()` until it resolves.
 * Both sides count every event of the history. Both read models are then compared table by table (row
 * counts, and a digest of the rows without their timestamps): `equivalent` says whether they match.
 *
 * Options: `--events=N` (the kept history of that size; built if missing), `--emmett-batch=500` and
 * `--emmett-pull-ms=0` (Emmett's messages per pull, i.e. per transaction, and its pause between pulls;
 * Emmett's own defaults are 100 and 50 ms), `--emmett-keep` (leaves Emmett's database behind).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { createTestDatabase, infrastructure, testIssuer } from '@homeward/testing/infrastructure';
import { benchHistory } from './history.js';
import { emmettRebuild, readModelSummary, type ReadModelSummary } from './rebuild-emmett.js';

const root = new URL('..', import.meta.url).pathname;

interface BuildStatus {
  build: number;
  state: string;
  lag: number;
  eventsProcessed: number;
}

export async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      events: { type: 'string', default: '10000000' },
      'emmett-batch': { type: 'string', default: '500' },
      'emmett-pull-ms': { type: 'string', default: '0' },
      'emmett-keep': { type: 'boolean', default: false },
    },
  });
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
      DIRECTORY_KEY: history.directoryKey,
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
  let firstSeconds: number;
  let rebuildSeconds: number;
  let ours: ReadModelSummary;
  /** What the rebuild read: the history's events and its directory entries (ADR 4). */
  let messages: number;
  try {
    const first = await until((s) => s.serving !== undefined && s.serving.lag === 0 && !s.building, 'first build');
    firstSeconds = (performance.now() - started) / 1000;
    console.log(`first build: ${first.serving!.eventsProcessed.toLocaleString('en')} messages in ${firstSeconds.toFixed(1)} s`);
    const rebuildStarted = performance.now();
    const asked = await fetch(`${url}/admin/projection/rebuild`, { method: 'POST', headers: { authorization: `Bearer ${admin}` } });
    if (asked.status !== 202) throw new Error(`rebuild refused: ${asked.status} ${await asked.text()}`);
    const rebuilt = await until(
      (s) => s.serving !== undefined && s.serving.build !== first.serving!.build && s.serving.lag === 0,
      'rebuild',
    );
    rebuildSeconds = (performance.now() - rebuildStarted) / 1000;
    messages = rebuilt.serving!.eventsProcessed;
    console.log(
      `rebuild: ${messages.toLocaleString('en')} messages (${history.events.toLocaleString('en')} events and the directory) in ${rebuildSeconds.toFixed(1)} s`,
    );
    const { rows } = await db.pool.query<{ schema: string }>(
      `SELECT schema_name AS schema FROM projection_builds WHERE projection = 'agency-view' AND state = 'serving'`,
    );
    ours = await readModelSummary((sql) => db.pool.query(sql), rows[0]!.schema);
  } finally {
    service.kill('SIGTERM');
    await new Promise((r) => service.once('exit', r));
    await db.drop();
  }

  const emmett = await emmettRebuild(history, {
    batchSize: Number(values['emmett-batch']),
    pullingFrequencyInMs: Number(values['emmett-pull-ms']),
    keep: values['emmett-keep'],
  });
  console.log(`emmett rebuild: ${emmett.events.toLocaleString('en')} events in ${emmett.seconds.toFixed(1)} s`);
  if (emmett.events !== messages) throw new Error(`Emmett rebuilt ${emmett.events} messages, agency-view ${messages}`);
  const tables = Object.fromEntries(
    Object.keys(ours).map((table) => [
      table,
      {
        agencyView: ours[table]!.rows,
        emmett: emmett.summary[table]?.rows,
        sameRows: ours[table]!.digest === emmett.summary[table]?.digest,
      },
    ]),
  );
  const equivalent = Object.values(tables).every((t) => t.sameRows && t.agencyView === t.emmett);
  if (!equivalent) console.error(`WARNING: the two read models differ: ${JSON.stringify(tables)}`);
  const rebuildEventsPerSecond = Math.round(messages / rebuildSeconds);
  const results = {
    finishedAt: new Date().toISOString(),
    machine: { cpus: os.cpus().length, node: process.version },
    events: history.events,
    messages,
    firstBuild: { seconds: Math.round(firstSeconds * 10) / 10, eventsPerSecond: Math.round(messages / firstSeconds) },
    rebuild: { seconds: Math.round(rebuildSeconds * 10) / 10, eventsPerSecond: rebuildEventsPerSecond },
    emmett: {
      events: emmett.events,
      seconds: emmett.seconds,
      eventsPerSecond: emmett.eventsPerSecond,
      batchSize: emmett.pulling.batchSize,
      pullingFrequencyInMs: emmett.pulling.pullingFrequencyInMs,
      loadSeconds: emmett.loadSeconds,
    },
    ratioToEmmett: Math.round((rebuildEventsPerSecond / emmett.eventsPerSecond) * 100) / 100,
    readModels: { equivalent, tables },
  };
  console.log(JSON.stringify(results, null, 2));
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(new URL('./results/rebuild.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
}
