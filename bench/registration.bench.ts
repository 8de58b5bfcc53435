/**
 * Registration benchmarks, in one run on this machine:
 *
 * 1. Import of a generated legacy register (default 100,000 rows, 1% bad) through the API in parts of
 *    5,000, beside the limit: a plain `COPY … FROM STDIN` of the same rows into a table of text columns.
 *    Then the same file again, which must import nothing.
 * 2. `POST /workers/{id}/returns` with authentication on (a bearer JWT verified per request), at
 *    concurrency 64 on loopback, beside the limit: a bare Fastify endpoint doing one pg INSERT.
 *    Every return goes to a different worker abroad (one return per cycle): the import's, and those of
 *    a second, untimed register imported for the purpose. Homeward and the bare endpoint take turns for
 *    `--rounds` rounds (who goes first alternates), and the medians are compared: the machine's speed
 *    drifts by tens of percent within minutes, and a single pair would measure the drift. After each of
 *    Homeward's rounds the bench waits until the relay and the projection have caught up: their tail of
 *    work is counted in the round's CPU per request, and does not slow the bare endpoint's next round.
 *    An untimed warm-up round of each (`--warm-up` seconds, 5) comes first: the first timed round of
 *    returns was otherwise 10–20 % slower than the next, the JIT still compiling the command path.
 *    Every round starts after a CHECKPOINT: the dirty buffers and the checkpoint already under way that one
 *    round leaves behind are not written out during the next, whoever's round that is. Each round reports
 *    the WAL it wrote per request, and the buffers that backends had to write out themselves (none, so far:
 *    a round's dirty buffers did not slow the backends of the next).
 *
 * The service runs as it is deployed for throughput (`--processes=split`, the default): one process
 * with the api role and one with the relay and projection roles (ROLES). `--processes=single` runs all
 * three roles in one process, for comparison. Each server is a process of its own, so the load generator
 * (autocannon) shares no event loop with it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import autocannon from 'autocannon';
import { machineCpuSeconds, postgresCpu, postgresCpuSecondsSince, processCpuSeconds } from './cpu.js';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { EventStore, PUBLISHER_READER } from '@homeward/event-store';
import { createTestDatabase, infrastructure, testIssuer, testTopicNamespace, testDirectoryKey } from '@homeward/testing/infrastructure';
import { legacyRegister, toCsv } from '@homeward/registration/legacy-register-generator';

const root = new URL('..', import.meta.url).pathname;

/** Starts a server process: compiled JavaScript for the service (NestJS needs decorator metadata), tsx for the bare one. */
function start(command: readonly string[], env: Record<string, string>): ChildProcess {
  return spawn(command[0]!, command.slice(1), {
    cwd: root,
    // The bench runs under tsx with TSX_TSCONFIG_PATH relative to bench/; a child started from the root needs it absolute.
    env: { ...process.env, TSX_TSCONFIG_PATH: `${root}tsconfig.base.json`, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function ready(url: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const r = await fetch(url, { method: 'GET' });
      if (r.status < 500) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} not ready`);
}

/** The server's WAL position and the buffers its backends have written themselves so far (pg_stat_bgwriter). */
async function postgresWrites(admin: pg.Client): Promise<{ walBytes: bigint; buffersBackend: number }> {
  const { rows } = await admin.query<{ wal: string; buffers_backend: string }>(
    `SELECT pg_current_wal_lsn() - '0/0'::pg_lsn AS wal, buffers_backend FROM pg_stat_bgwriter`,
  );
  return { walBytes: BigInt(rows[0]!.wal.split('.')[0]!), buffersBackend: Number(rows[0]!.buffers_backend) };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  total: number;
  /**
   * CPU time per request of the server's process(es) and of PostgreSQL during the round: unlike the
   * rates, hardly moved by other work on a shared machine, so runs of two builds compare on it.
   */
  cpuMicrosPerRequest?: { server: number; postgres: number; perProcess: number[]; bystanders?: number[] };
  /**
   * What the round wrote in PostgreSQL, per request: WAL, and the shared buffers a backend had to write out itself
   * to find a free one (pg_stat_bgwriter.buffers_backend, the whole server's).
   */
  postgresWritesPerRequest?: { walBytes: number; buffersWrittenByBackends: number };
  /**
   * The whole machine during the round: CPU per request of everything (autocannon, the broker, the kernel
   * included), and the share of the vCPUs' time the hypervisor stole: what moves a round's rate without
   * anything in the bench changing.
   */
  machine?: { busyMicrosPerRequest: number; stealPercent: number };
}

async function load(
  url: string,
  path: (i: number) => string,
  body: string,
  headers: Record<string, string>,
  connections: number,
  seconds: number,
  measured?: {
    pids: readonly (number | undefined)[];
    database: string;
    /** A connection to read the WAL written and the buffers backends had to write themselves, per request. */
    admin?: pg.Client;
    /** Processes that should be idle meanwhile (Homeward's, during the bare endpoint's round): what they used anyway. */
    bystanders?: readonly (number | undefined)[];
  },
  /** Waits until the service is idle again: run after the load and before its CPU is read, so that the CPU includes the tail. */
  settled?: () => Promise<unknown>,
): Promise<LoadResult> {
  let i = 0;
  const processCpu = () => (measured ? measured.pids.map((pid) => processCpuSeconds(pid) ?? 0) : []);
  const bystanderCpu = () => (measured?.bystanders ?? []).map((pid) => processCpuSeconds(pid) ?? 0);
  const writesBefore = measured?.admin ? await postgresWrites(measured.admin) : undefined;
  const bystandersBefore = bystanderCpu();
  const machineBefore = machineCpuSeconds();
  const serverCpu = () => processCpu().reduce((sum, seconds) => sum + seconds, 0);
  const serverBefore = serverCpu();
  const perProcessBefore = processCpu();
  const postgresBefore = measured ? postgresCpu(measured.database) : new Map<string, number>();
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
        setupRequest: (req) => ({ ...req, path: path(i++) }),
      },
    ],
  });
  // Read before waiting for the service to settle: the machine's figures are the round's alone.
  const machineAfter = machineCpuSeconds();
  await settled?.();
  const writesAfter = writesBefore && measured?.admin ? await postgresWrites(measured.admin) : undefined;
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    total: result.requests.total,
    ...(machineBefore && machineAfter && result.requests.total > 0
      ? {
          machine: {
            busyMicrosPerRequest: Math.round(((machineAfter.busy - machineBefore.busy) * 1e6) / result.requests.total),
            stealPercent:
              Math.round(((machineAfter.steal - machineBefore.steal) / Math.max(1e-9, machineAfter.all - machineBefore.all)) * 1000) / 10,
          },
        }
      : {}),
    ...(measured && result.requests.total > 0
      ? {
          cpuMicrosPerRequest: {
            server: Math.round(((serverCpu() - serverBefore) * 1e6) / result.requests.total),
            postgres: Math.round((postgresCpuSecondsSince(postgresBefore, measured.database) * 1e6) / result.requests.total),
            // Each server process's share: with --processes=split, the API's and then the relay's and projection's.
            perProcess: processCpu().map((seconds, k) => Math.round(((seconds - perProcessBefore[k]!) * 1e6) / result.requests.total)),
            ...(measured.bystanders
              ? {
                  bystanders: bystanderCpu().map((seconds, k) =>
                    Math.round(((seconds - bystandersBefore[k]!) * 1e6) / result.requests.total),
                  ),
                }
              : {}),
          },
        }
      : {}),
    ...(writesBefore && writesAfter && result.requests.total > 0
      ? {
          postgresWritesPerRequest: {
            walBytes: Math.round(Number(writesAfter.walBytes - writesBefore.walBytes) / result.requests.total),
            buffersWrittenByBackends:
              Math.round(((writesAfter.buffersBackend - writesBefore.buffersBackend) * 1000) / result.requests.total) / 1000,
          },
        }
      : {}),
  };
}

export async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rows: { type: 'string', default: '100000' },
      seconds: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '5' },
      'warm-up': { type: 'string', default: '5' },
      connections: { type: 'string', default: '64' },
      processes: { type: 'string', default: 'split' },
    },
  });
  const rows = Number(values.rows);
  const seconds = Number(values.seconds);
  const rounds = Number(values.rounds);
  const warmUpSeconds = Number(values['warm-up']);
  const connections = Number(values.connections);
  const split = values.processes === 'split';
  if (!split && values.processes !== 'single') throw new Error('--processes is split or single');

  const db = await createTestDatabase('bench_registration');
  const issuer = await testIssuer();
  const token = await issuer.token({ organisationId: 'bench-agency', kind: 'agency' });
  const port = 3901;
  const build = spawnSync('npx', ['turbo', 'run', 'build', '--filter=@homeward/registration...', '--output-logs=errors-only'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (build.status !== 0) throw new Error('building the registration service failed');
  // BENCH_CPU_PROFILE=<dir> writes the service's V8 CPU profile there when it stops (open it in Chrome DevTools).
  const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
  const environment = {
    DATABASE_URL: db.url,
    KAFKA_BROKERS: infrastructure.kafkaBrokers.join(','),
    TOPIC_NAMESPACE: testTopicNamespace(),
    LOG_LEVEL: 'error',
    AUTH_JWKS_URL: issuer.jwksUrl,
    AUTH_ISSUER: issuer.issuer,
    AUTH_AUDIENCE: issuer.audience,
    PERSONAL_DATA_MASTER_KEY: randomBytes(32).toString('base64'),
    DIRECTORY_KEY: testDirectoryKey(),
  };
  const service = start(['node', ...profile, 'services/registration/dist/main.js'], {
    ...environment,
    PORT: String(port),
    ROLES: split ? 'api' : 'api,relay,projection',
  });
  // The relay and the worker-status projection, in a process of their own (it answers only health checks).
  const background = split
    ? start(['node', ...profile, 'services/registration/dist/main.js'], {
        ...environment,
        PORT: String(port + 10),
        ROLES: 'relay,projection',
      })
    : undefined;
  const base = `http://127.0.0.1:${port}`;
  try {
    await ready(`${base}/health/ready`);
    if (background) await ready(`http://127.0.0.1:${port + 10}/health/ready`);

    // 1. Import, then the same file again.
    const { records, bad } = legacyRegister(rows, 0.01, 2026);
    const csv = toCsv(records);
    const importOnce = async (register = records, source = 'bench-register') => {
      const started = performance.now();
      let imported = 0;
      let already = 0;
      let failed = 0;
      for (let offset = 0; offset < register.length; offset += 5_000) {
        const part = register.slice(offset, offset + 5_000);
        const response = await fetch(`${base}/imports?source=${source}&firstRow=${offset + 1}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
          body: part.map((r) => JSON.stringify(r)).join('\n'),
        });
        if (!response.ok) throw new Error(`import part failed: ${response.status} ${await response.text()}`);
        const report = (await response.json()) as { imported: number; alreadyImported: number; failed: unknown[] };
        imported += report.imported;
        already += report.alreadyImported;
        failed += report.failed.length;
      }
      const s = (performance.now() - started) / 1000;
      return {
        seconds: Math.round(s * 100) / 100,
        rowsPerSecond: Math.round(register.length / s),
        imported,
        alreadyImported: already,
        failed,
      };
    };
    console.log(`import: ${rows} rows (${bad.length} bad) through POST /imports…`);
    const firstImport = await importOnce();
    console.log('  first run', firstImport);
    const secondImport = await importOnce();
    console.log('  re-run   ', secondImport);
    if (secondImport.imported !== 0) throw new Error('the re-run imported rows a second time');

    // Enough workers abroad for every round at up to 4,500 returns/s: ~40% of a register's rows are abroad.
    const extra = Math.max(0, Math.ceil(((rounds * seconds + warmUpSeconds) * 4_500 - rows * 0.4) / 0.4));
    if (extra > 0) {
      console.log(`  a second register of ${extra} rows for the returns rounds (untimed)…`);
      await importOnce(legacyRegister(extra, 0, 2027).records, 'bench-returns');
    }

    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(
      `CREATE TABLE copy_limit (${csv
        .split('\n')[0]!
        .split(',')
        .map((c) => `${c} text`)
        .join(', ')})`,
    );
    const copyStarted = performance.now();
    await pipeline(Readable.from([csv]), client.query(copyFrom('COPY copy_limit FROM STDIN WITH (FORMAT csv, HEADER true)')));
    const copySeconds = (performance.now() - copyStarted) / 1000;
    const copy = { seconds: Math.round(copySeconds * 100) / 100, rowsPerSecond: Math.round(rows / copySeconds) };
    console.log('  COPY     ', copy);

    // The import left ~250,000 events to relay to Kafka and project back; measure requests only once the
    // service is idle again, or the returns would compete with that backlog for the two cores.
    const drainStarted = performance.now();
    // The topic is this run's own: the worker-status projection has read it all when its checkpoints add
    // up to every event (a message resent by the relay only adds to them).
    const store = new EventStore(db.pool);
    const drained = async (pollMs = 1_000) => {
      for (;;) {
        const { events: unsent } = await store.backlogOf(PUBLISHER_READER);
        const { rows: lag } = await db.pool.query<{ events: number; consumed: number }>(
          `SELECT (SELECT count(*) FROM events)::int AS events, (SELECT coalesce(sum(next_offset), 0) FROM consumer_checkpoints)::int AS consumed`,
        );
        if (unsent === 0 && lag[0]!.consumed >= lag[0]!.events) return;
        await new Promise((r) => setTimeout(r, pollMs));
      }
    };
    await drained();
    const drain = { seconds: Math.round((performance.now() - drainStarted) / 100) / 10 };
    console.log('  relayed to Kafka and projected back', drain);

    // 2. Returns: workers abroad, from the import.
    const abroad = await client.query<{ stream_id: string }>(
      `SELECT stream_id FROM events GROUP BY stream_id
        HAVING bool_or(event_type = 'DepartureRecorded') AND NOT bool_or(event_type = 'ReturnRecorded')`,
    );
    await client.end();
    const workers = abroad.rows.map((r) => r.stream_id.slice('worker-'.length));
    console.log(`returns: ${workers.length} workers abroad; ${rounds} rounds of ${seconds} s each, ${connections} connections`);
    const body = JSON.stringify({ returnedOn: '2026-01-15', fromCountry: 'SA', assistance: 'unassisted', reason: 'contract_completed' });
    const barePort = port + 1;
    // node itself, not npx: SIGTERM must reach the server, or it outlives the run and its pool dies with the database.
    const bare = start(['node', '--import', 'tsx', 'bench/bare-insert.server.ts'], { DATABASE_URL: db.url, PORT: String(barePort) });
    const homewardRounds: LoadResult[] = [];
    const bareRounds: LoadResult[] = [];
    let next = 0;
    // One connection for the rounds' CHECKPOINTs (each round starts from the same state) and WAL readings.
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      await ready(`http://127.0.0.1:${barePort}/`);
      const runHomeward = async (duration = seconds, into: LoadResult[] | undefined = homewardRounds) => {
        await admin.query('CHECKPOINT');
        const result = await load(
          base,
          () => `/workers/${workers[next++ % workers.length]}/returns`,
          body,
          { authorization: `Bearer ${token}` },
          connections,
          duration,
          { pids: [service.pid, background?.pid], database: db.name, admin },
          // The relay and the projection finish with the round's returns before its CPU is read and the
          // next round starts: their tail is the round's cost, and must not slow the bare endpoint's round.
          () => drained(100),
        );
        console.log('  homeward ', result);
        into?.push(result);
      };
      const runBare = async (duration = seconds, into: LoadResult[] | undefined = bareRounds) => {
        await admin.query('CHECKPOINT');
        const result = await load(
          `http://127.0.0.1:${barePort}`,
          (i) => `/workers/${workers[i % workers.length]}/returns`,
          body,
          {},
          connections,
          duration,
          { pids: [bare.pid], database: db.name, admin, bystanders: [service.pid, background?.pid] },
        );
        console.log('  bare     ', result);
        into?.push(result);
      };
      if (warmUpSeconds > 0) {
        // The first round of returns ran 10–20 % slower than the next in every run so far (the JIT still
        // compiling the command path), for either build: a short untimed round of each warms both first.
        console.log(`  warm-up (${warmUpSeconds} s each, not counted)`);
        await runHomeward(warmUpSeconds, undefined);
        await runBare(warmUpSeconds, undefined);
      }
      for (let round = 0; round < rounds; round++) {
        console.log(`  round ${round + 1}`);
        if (round % 2 === 0) {
          await runHomeward();
          await runBare();
        } else {
          await runBare();
          await runHomeward();
        }
      }
    } finally {
      await admin.end();
      await stop(bare);
    }
    if (next > workers.length) console.log('  (more requests than workers abroad: later ones were refused as second returns)');
    const homeward = median(homewardRounds);
    const bareResult = median(bareRounds);

    const results = {
      finishedAt: new Date().toISOString(),
      machine: { cpus: os.cpus().length, node: process.version },
      import: {
        rows,
        badRows: bad.length,
        firstRun: firstImport,
        reRun: secondImport,
        copy,
        ratioToCopy: Math.round((firstImport.rowsPerSecond / copy.rowsPerSecond) * 1000) / 1000,
      },
      returns: {
        processes: values.processes,
        connections,
        seconds,
        rounds: homewardRounds.map((h, i) => ({
          homeward: h,
          bare: bareRounds[i]!,
          ratioToBare: Math.round((h.requestsPerSecond / bareRounds[i]!.requestsPerSecond) * 1000) / 1000,
        })),
        homeward,
        bare: bareResult,
        ratioToBare: Math.round((homeward.requestsPerSecond / bareResult.requestsPerSecond) * 1000) / 1000,
      },
    };
    console.log(JSON.stringify({ importRatioToCopy: results.import.ratioToCopy, returnsRatioToBare: results.returns.ratioToBare }));
    await mkdir(new URL('./results/', import.meta.url), { recursive: true });
    await writeFile(new URL('./results/registration.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    await stop(service);
    if (background) await stop(background);
    await db.drop();
  }
}

/** The round with the median rate (its latencies with it). */
function median(results: readonly LoadResult[]): LoadResult {
  const sorted = [...results].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}
