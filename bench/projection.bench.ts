/**
 * Projection throughput and end-to-end lag (issue 4): registration commands at a fixed rate (1,000/s for
 * 60 s unless said otherwise) — `POST /workers/{id}/arrivals` for workers abroad in Saudi Arabia, each
 * with a verified bearer token — while mission-view (SA) projects the topic. For a sample of the commands
 * (one in `--sample`, at most 32 at a time), a prober polls mission-view's `GET /workers/{id}` every 5 ms
 * (50 ms after the first second) from the moment the 201 arrived until the arrival is visible there: that
 * interval is the end-to-end lag a mission sees.
 * Every command also counts for throughput: the run ends when mission-view has applied them all.
 *
 * Both services run as compiled processes of their own (dist), each with its own database, on the same
 * topic namespace; registration as it is deployed for throughput (`--processes=split`, the default: the
 * api role in one process, the relay and worker-status projection in another), or all its roles in one
 * process (`--processes=single`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { legacyRegister } from '@homeward/registration/legacy-register-generator';
import { createTestDatabase, infrastructure, testIssuer, testTopicNamespace, testDirectoryKey } from '@homeward/testing/infrastructure';

const root = new URL('..', import.meta.url).pathname;

function start(script: string, env: Record<string, string | undefined>): ChildProcess {
  return spawn('node', [script], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

async function ready(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} not ready`);
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

export async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rate: { type: 'string', default: '1000' },
      seconds: { type: 'string', default: '60' },
      sample: { type: 'string', default: '20' },
      connections: { type: 'string', default: '64' },
      processes: { type: 'string', default: 'split' },
    },
  });
  const split = values.processes === 'split';
  if (!split && values.processes !== 'single') throw new Error('--processes is split or single');
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  const sampleEvery = Number(values.sample);
  const needed = Math.ceil(rate * seconds * 1.1);

  const build = spawnSync(
    'npx',
    ['turbo', 'run', 'build', '--filter=@homeward/registration...', '--filter=@homeward/mission-view...', '--output-logs=errors-only'],
    { cwd: root, stdio: 'inherit' },
  );
  if (build.status !== 0) throw new Error('build failed');
  const registrationDb = await createTestDatabase('bench_lag_registration');
  const missionDb = await createTestDatabase('bench_lag_mission_sa');
  const issuer = await testIssuer();
  const agency = await issuer.token({ organisationId: 'bench-agency', kind: 'agency' });
  const mission = await issuer.token({ organisationId: 'bench-mission-riyadh', kind: 'mission', country: 'SA' });
  const namespace = testTopicNamespace();
  const auth = { AUTH_JWKS_URL: issuer.jwksUrl, AUTH_ISSUER: issuer.issuer, AUTH_AUDIENCE: issuer.audience };
  const common = { KAFKA_BROKERS: infrastructure.kafkaBrokers.join(','), TOPIC_NAMESPACE: namespace, LOG_LEVEL: 'error', ...auth };
  const registrationEnv = {
    ...common,
    DATABASE_URL: registrationDb.url,
    PERSONAL_DATA_MASTER_KEY: randomBytes(32).toString('base64'),
    DIRECTORY_KEY: testDirectoryKey(),
  };
  const registration = start('services/registration/dist/main.js', {
    ...registrationEnv,
    PORT: '3931',
    ROLES: split ? 'api' : 'api,relay,projection',
  });
  const background = split
    ? start('services/registration/dist/main.js', { ...registrationEnv, PORT: '3933', ROLES: 'relay,projection' })
    : undefined;
  const registrationUrl = 'http://127.0.0.1:3931';
  const missionUrl = 'http://127.0.0.1:3932';
  let missionView: ChildProcess | undefined;
  try {
    await ready(`${registrationUrl}/health/ready`);
    if (background) await ready('http://127.0.0.1:3933/health/ready');
    missionView = start('services/mission-view/dist/main.js', {
      ...common,
      DATABASE_URL: missionDb.url,
      PORT: '3932',
      MISSION_COUNTRY: 'SA',
      PROJECTION_POLL_MS: '200',
    });
    await ready(`${missionUrl}/health/live`);

    // Workers abroad in Saudi Arabia, not yet arrived: a legacy register whose every row departed for SA.
    const { records } = legacyRegister(needed, 0, 4242);
    const abroad = records.map((r) => {
      const { returned_on: _r, from_country: _f, assistance: _a, return_reason: _rr, ...rest } = r;
      return { ...rest, destination_country: 'SA' };
    });
    console.log(`setup: importing ${abroad.length} workers abroad in SA…`);
    for (let offset = 0; offset < abroad.length; offset += 10_000) {
      const part = abroad.slice(offset, offset + 10_000);
      const response = await fetch(`${registrationUrl}/imports?source=bench-lag&firstRow=${offset + 1}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${agency}`, 'content-type': 'application/x-ndjson' },
        body: part.map((r) => JSON.stringify(r)).join('\n'),
      });
      if (!response.ok) throw new Error(`import failed: ${response.status} ${await response.text()}`);
    }
    const pg = (await import('pg')).default;
    const db = new pg.Client({ connectionString: registrationDb.url });
    await db.connect();
    const { rows } = await db.query<{ stream_id: string }>(`SELECT stream_id FROM events WHERE event_type = 'DepartureRecorded'`);
    await db.end();
    const workers = rows.map((r) => r.stream_id.slice('worker-'.length));
    // Wait until mission-view knows them all (and is idle) before loading.
    const missionDbClient = new pg.Client({ connectionString: missionDb.url });
    await missionDbClient.connect();
    const countStays = async (stage?: string) => {
      // The serving build's schema, as the service's own queries resolve it.
      const { rows: serving } = await missionDbClient.query<{ schema_name: string }>('SELECT schema_name FROM projection_serving');
      if (!serving[0]) return 0;
      const { rows: n } = await missionDbClient.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${serving[0].schema_name}".stays${stage ? ` WHERE stage = '${stage}'` : ''}`,
      );
      return n[0]!.n;
    };
    for (;;) {
      const known = await countStays().catch(() => 0);
      if (known >= workers.length) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    console.log(`setup: ${workers.length} workers abroad, all known to mission-view (SA)`);

    // The load: arrivals at a fixed rate; one in `sampleEvery` is probed until mission-view shows it.
    const body = JSON.stringify({ arrivedOn: '2026-01-20', country: 'SA' });
    let next = 0;
    const lags: number[] = [];
    const probes: Promise<void>[] = [];
    // At most 32 probes at a time (a sample is skipped while 32 are waiting).
    let inFlight = 0;
    const probe = (workerId: string, acknowledgedAt: number) =>
      (async () => {
        for (;;) {
          const r = await fetch(`${missionUrl}/workers/${workerId}`, { headers: { authorization: `Bearer ${mission}` } });
          if (r.ok) {
            const w = (await r.json()) as { stays?: { arrivedOn?: string }[] };
            if (w.stays?.some((s) => s.arrivedOn === '2026-01-20')) {
              lags.push(performance.now() - acknowledgedAt);
              return;
            }
          }
          if (performance.now() - acknowledgedAt > 120_000) return void lags.push(Infinity);
          // 5 ms while the lag is small; later probes back off so that they never load the view themselves.
          await new Promise((res) => setTimeout(res, performance.now() - acknowledgedAt < 1_000 ? 5 : 50));
        }
      })();
    const started = performance.now();
    const result = await autocannon({
      url: registrationUrl,
      connections: Number(values.connections),
      duration: seconds,
      overallRate: rate,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${agency}` },
          body,
          setupRequest: (req, ctx: object) => {
            const context = ctx as Record<string, unknown>;
            const i = next++;
            context.worker = workers[i % workers.length];
            context.sampled = i % sampleEvery === 0;
            return { ...req, path: `/workers/${String(context.worker)}/arrivals` };
          },
          onResponse: (status, _body, ctx: object) => {
            const context = ctx as Record<string, unknown>;
            if (status === 201 && context.sampled && inFlight < 32) {
              inFlight++;
              probes.push(probe(String(context.worker), performance.now()).finally(() => inFlight--));
            }
          },
        },
      ],
    });
    const loadSeconds = (performance.now() - started) / 1000;
    const accepted = result['2xx'];
    await Promise.all(probes);
    for (;;) {
      if ((await countStays('arrived')) >= accepted) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const drainedSeconds = (performance.now() - started) / 1000;
    await missionDbClient.end();
    const sorted = lags.filter(Number.isFinite).sort((a, b) => a - b);
    const results = {
      finishedAt: new Date().toISOString(),
      machine: { cpus: os.cpus().length, node: process.version },
      registrationProcesses: values.processes,
      load: {
        targetRate: rate,
        seconds,
        connections: Number(values.connections),
        accepted,
        non2xx: result.non2xx,
        achievedRate: Math.round(accepted / loadSeconds),
        commandP50: result.latency.p50,
        commandP99: result.latency.p99,
      },
      projection: {
        applied: accepted,
        appliedRate: Math.round(accepted / drainedSeconds),
        allVisibleAfterSeconds: Math.round(drainedSeconds * 10) / 10,
      },
      lag: {
        samples: lags.length,
        lost: lags.length - sorted.length,
        p50: Math.round(percentile(sorted, 50)),
        p90: Math.round(percentile(sorted, 90)),
        p99: Math.round(percentile(sorted, 99)),
        max: Math.round(sorted[sorted.length - 1] ?? NaN),
      },
    };
    console.log(JSON.stringify(results, null, 2));
    await mkdir(new URL('./results/', import.meta.url), { recursive: true });
    await writeFile(new URL('./results/projection.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    if (missionView) await stop(missionView);
    await stop(registration);
    if (background) await stop(background);
    await registrationDb.drop();
    await missionDb.drop();
  }
}
