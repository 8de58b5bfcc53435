/**
 * Registration benchmarks, in one run on this machine:
 *
 * 1. Import of a generated legacy register (default 100,000 rows, 1% bad) through the API in parts of
 *    5,000, beside the limit: a plain `COPY … FROM STDIN` of the same rows into a table of text columns.
 *    Then the same file again, which must import nothing. The register goes in `--import-rounds` parts (4); the
 *    bench waits until the relay and the projection have caught up after each, and reports that time too.
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
 * `--against=<checkout>` runs a second build of registration in the same run (another checkout of Homeward,
 * dependencies installed; the bench builds it): each build on a database and topics of its own, the bare
 * endpoint on this build's database. The import is then timed in `--import-rounds` parts (4), the two builds
 * taking turns part by part, each part started once every deployment is idle and followed by its own drain
 * (timed too); the returns rounds take the two builds in turn, in reverse order every other round, and the
 * bare endpoint after them (A B bare, B A bare). The machine's drift falls
 * on both builds, so "before and after" is one run's figures: `results/registration-against.json` holds
 * each round's figures of this build over the other's of the same round.
 *
 * The service runs as it is deployed for throughput (`--processes=split`, the default): one process
 * with the api role and one with the relay and projection roles (ROLES). `--processes=single` runs all
 * three roles in one process, for comparison. Each server is a process of its own, so the load generator
 * (autocannon) shares no event loop with it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { basename, resolve as resolvePath } from 'node:path';
import { parseArgs } from 'node:util';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import autocannon from 'autocannon';
import { machineCpuSeconds, postgresCpu, postgresCpuSecondsSince, processCpuSeconds, threadCpuSeconds } from './cpu.js';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { EventStore, PUBLISHER_READER } from '@homeward/event-store';
import {
  createTestDatabase,
  infrastructure,
  testIssuer,
  testTopicNamespace,
  testDirectoryKey,
  type TestDatabase,
} from '@homeward/testing/infrastructure';
import { legacyRegister, toCsv } from '@homeward/registration/legacy-register-generator';

const root = new URL('..', import.meta.url).pathname;

/** Starts a server process: compiled JavaScript for the service (NestJS needs decorator metadata), tsx for the bare one. */
function start(cwd: string, command: readonly string[], env: Record<string, string>, stdout?: string): ChildProcess {
  // The child's standard output: nowhere, or a file (BENCH_TRACE_GC) that the child keeps open and this process need not.
  const out = stdout === undefined ? undefined : openSync(stdout, 'w');
  try {
    return spawn(command[0]!, command.slice(1), {
      cwd,
      // The bench runs under tsx with TSX_TSCONFIG_PATH relative to bench/; a child started from the root needs it absolute.
      env: { ...process.env, TSX_TSCONFIG_PATH: `${cwd}tsconfig.base.json`, ...env },
      stdio: ['ignore', out ?? 'ignore', 'inherit'],
    });
  } finally {
    if (out !== undefined) closeSync(out);
  }
}

export async function ready(url: string, timeoutMs = 90_000): Promise<void> {
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

export async function stop(child: ChildProcess): Promise<void> {
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
  cpuMicrosPerRequest?: {
    server: number;
    postgres: number;
    perProcess: number[];
    bystanders?: number[];
    /** The first process's (the API's): its JavaScript thread's, and its other threads' (collector, compiler, pool). */
    firstProcessThreads?: { main?: number; others?: number };
  };
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
  const threadsBefore = threadCpuSeconds(measured?.pids[0]);
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
            firstProcessThreads: Object.fromEntries(
              Object.entries(threadCpuSeconds(measured.pids[0])).map(([kind, seconds]) => [
                kind,
                Math.round(((seconds - (threadsBefore[kind as keyof typeof threadsBefore] ?? 0)) * 1e6) / result.requests.total),
              ]),
            ),
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

/** A checkout of Homeward whose registration service the bench runs: this one, or the one given by `--against`. */
export interface Build {
  /** The checkout's root directory, with a trailing slash. */
  readonly root: string;
  /** Its commit, abbreviated, with "+" if the work tree has uncommitted changes. */
  readonly commit: string;
}

interface ImportFigures {
  seconds: number;
  rowsPerSecond: number;
  imported: number;
  alreadyImported: number;
  failed: number;
}

/** One build's registration service running on a database and topics of its own. */
interface Deployment {
  readonly build: Build;
  readonly db: TestDatabase;
  readonly base: string;
  readonly token: string;
  readonly pids: readonly (number | undefined)[];
  /** Imports rows in parts of 5,000 (`firstRow` is the first row's number in its file); not timed here. */
  importRows(
    register: readonly Record<string, string>[],
    source: string,
    firstRow?: number,
  ): Promise<Omit<ImportFigures, 'seconds' | 'rowsPerSecond'>>;
  /** Resolves once every event is relayed to Kafka and projected back. */
  drained(pollMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export function commitOf(root: string): string {
  const head = spawnSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  // The benchmarks' own results do not count: a run writes them.
  const dirty = spawnSync('git', ['-C', root, 'status', '--porcelain', '--untracked-files=no', '--', '.', ':(exclude)bench/results'], {
    encoding: 'utf8',
  });
  return `${head.stdout.trim() || 'unknown'}${dirty.stdout.trim() ? '+' : ''}`;
}

/**
 * This checkout, and the one `--against` names if any. Two builds of the same commit (one changed in a worktree,
 * say) are told apart by the other's folder: `00ef3b8+ ÷ 00ef3b8+@base10`, in the results, the printed lines
 * and the trace files' names.
 */
export function buildsOf(against: string | undefined): Build[] {
  const builds: Build[] = [{ root, commit: commitOf(root) }];
  if (against === undefined) return builds;
  // npm runs the bench in bench/; a relative path means one relative to where npm was called.
  const other = `${resolvePath(process.env.INIT_CWD ?? process.cwd(), against)}/`;
  if (!existsSync(`${other}services/registration/package.json`) || !existsSync(`${other}node_modules`)) {
    throw new Error(`--against=${against}: ${other} is not a checkout of Homeward with its dependencies installed (npm ci)`);
  }
  const commit = commitOf(other);
  builds.push({ root: other, commit: commit === builds[0]!.commit ? `${commit}@${basename(other)}` : commit });
  return builds;
}

/** A registration process's settings for a benchmark: its own database, topics and keys, the test issuer's tokens. */
export function registrationEnvironment(databaseUrl: string, issuer: Awaited<ReturnType<typeof testIssuer>>): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: infrastructure.kafkaBrokers.join(','),
    TOPIC_NAMESPACE: testTopicNamespace(),
    LOG_LEVEL: 'error',
    AUTH_JWKS_URL: issuer.jwksUrl,
    AUTH_ISSUER: issuer.issuer,
    AUTH_AUDIENCE: issuer.audience,
    PERSONAL_DATA_MASTER_KEY: randomBytes(32).toString('base64'),
    DIRECTORY_KEY: testDirectoryKey(),
  };
}

export function buildRegistration(build: Build): void {
  const result = spawnSync('npx', ['turbo', 'run', 'build', '--filter=@homeward/registration...', '--output-logs=errors-only'], {
    cwd: build.root,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`building the registration service in ${build.root} failed`);
}

async function deploy(
  build: Build,
  port: number,
  split: boolean,
  shared: { issuer: Awaited<ReturnType<typeof testIssuer>>; token: string },
): Promise<Deployment> {
  const db = await createTestDatabase('bench_registration');
  // BENCH_CPU_PROFILE=<dir> writes the service's V8 CPU profile there when it stops (open it in Chrome DevTools).
  const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
  // BENCH_TRACE_GC=<dir> writes each server process's garbage collections there (V8's --trace-gc lines, with
  // the time since the process started), one file per build and role: <commit>-<port>-api.log, <commit>-<port>-background.log
  // (the port tells apart two builds of one commit).
  const gcTrace = process.env.BENCH_TRACE_GC;
  if (gcTrace) mkdirSync(gcTrace, { recursive: true });
  const gcFlags = gcTrace ? ['--trace-gc'] : [];
  const gcLog = (role: string) => (gcTrace ? `${resolvePath(gcTrace)}/${build.commit}-${port}-${role}.log` : undefined);
  const environment = registrationEnvironment(db.url, shared.issuer);
  const service = start(
    build.root,
    ['node', ...profile, ...gcFlags, 'services/registration/dist/main.js'],
    { ...environment, PORT: String(port), ROLES: split ? 'api' : 'api,relay,projection' },
    gcLog('api'),
  );
  // The relay and the worker-status projection, in a process of their own (it answers only health checks).
  const background = split
    ? start(
        build.root,
        ['node', ...profile, ...gcFlags, 'services/registration/dist/main.js'],
        { ...environment, PORT: String(port + 10), ROLES: 'relay,projection' },
        gcLog('background'),
      )
    : undefined;
  const base = `http://127.0.0.1:${port}`;
  const stopAll = async () => {
    await stop(service);
    if (background) await stop(background);
    await db.drop();
  };
  try {
    await ready(`${base}/health/ready`);
    if (background) await ready(`http://127.0.0.1:${port + 10}/health/ready`);
  } catch (error) {
    await stopAll();
    throw error;
  }
  const store = new EventStore(db.pool);
  // The events counted so far by drained(), through this global position.
  const counted = { events: 0, through: '0' };
  return {
    build,
    db,
    base,
    token: shared.token,
    pids: [service.pid, background?.pid],
    async importRows(register, source, firstRow = 1) {
      let imported = 0;
      let alreadyImported = 0;
      let failed = 0;
      for (let offset = 0; offset < register.length; offset += 5_000) {
        const part = register.slice(offset, offset + 5_000);
        const response = await fetch(`${base}/imports?source=${source}&firstRow=${firstRow + offset}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${shared.token}`, 'content-type': 'application/x-ndjson' },
          body: part.map((r) => JSON.stringify(r)).join('\n'),
        });
        if (!response.ok) throw new Error(`import part failed: ${response.status} ${await response.text()}`);
        const report = (await response.json()) as { imported: number; alreadyImported: number; failed: unknown[] };
        imported += report.imported;
        alreadyImported += report.alreadyImported;
        failed += report.failed.length;
      }
      return { imported, alreadyImported, failed };
    },
    // The topic is this deployment's own: the worker-status projection has read it all when its checkpoints
    // add up to every event (a message resent by the relay only adds to them). The events are counted on from
    // the last poll's last position, not counted again: a count(*) of the table every 100 ms scanned up to
    // 80,000 rows each time, and took its share of the two cores from the drain it timed. Counting on is exact
    // because drained() is only called once the writes it waits for have returned (none is still in flight
    // with a lower position).
    async drained(pollMs = 1_000) {
      for (;;) {
        const { events: unsent } = await store.backlogOf(PUBLISHER_READER);
        const { rows: added } = await db.pool.query<{ events: number; last: string | null }>(
          `SELECT count(*)::int AS events, max(global_position)::text AS last FROM events WHERE global_position > $1`,
          [counted.through],
        );
        counted.events += added[0]!.events;
        if (added[0]!.last !== null) counted.through = added[0]!.last;
        const { rows: lag } = await db.pool.query<{ consumed: number }>(
          `SELECT coalesce(sum(next_offset), 0)::int AS consumed FROM consumer_checkpoints`,
        );
        if (unsent === 0 && lag[0]!.consumed >= counted.events) return;
        await new Promise((r) => setTimeout(r, pollMs));
      }
    },
    stop: stopAll,
  };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rows: { type: 'string', default: '100000' },
      seconds: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '6' },
      'warm-up': { type: 'string', default: '5' },
      'import-rounds': { type: 'string', default: '4' },
      connections: { type: 'string', default: '64' },
      processes: { type: 'string', default: 'split' },
      against: { type: 'string' },
      // The most returns per second a build is expected to answer: it sizes the second register (untimed, but on a
      // slow machine most of the run). Past it, later requests of a round are refused as second returns.
      'returns-ceiling': { type: 'string', default: '4500' },
      // With --against: this many more rounds in which the two builds take returns at the same time, each at half
      // the connections. The machine's drift, which moves rounds taken in turn by 10–25 %, is then the same for both.
      'side-by-side': { type: 'string', default: '0' },
      // Only the import (first run and re-runs): a quicker comparison of the import and of its drain.
      'import-only': { type: 'boolean', default: false },
    },
  });
  const returnsCeiling = Number(values['returns-ceiling']);
  if (!(returnsCeiling > 0)) throw new Error('--returns-ceiling is a number of returns per second');
  const rows = Number(values.rows);
  const seconds = Number(values.seconds);
  const rounds = Number(values.rounds);
  const warmUpSeconds = Number(values['warm-up']);
  const importRounds = Math.max(1, Number(values['import-rounds']));
  const connections = Number(values.connections);
  const sideBySide = Number(values['side-by-side']);
  if (!(sideBySide >= 0)) throw new Error('--side-by-side is a number of rounds');
  const split = values.processes === 'split';
  if (!split && values.processes !== 'single') throw new Error('--processes is split or single');

  const builds = buildsOf(values.against);
  if (sideBySide > 0 && builds.length < 2) throw new Error('--side-by-side compares two builds: give --against');
  for (const build of builds) buildRegistration(build);

  const issuer = await testIssuer();
  const token = await issuer.token({ organisationId: 'bench-agency', kind: 'agency' });
  const port = 3901;
  const deployments: Deployment[] = [];
  try {
    // Ports: this build's API on 3901 (relay and projection 3911), the bare endpoint on 3902, the other build's on 3921 (3931).
    for (const [k, build] of builds.entries()) deployments.push(await deploy(build, port + 20 * k, split, { issuer, token }));
    const label = (d: Deployment) => (builds.length > 1 ? `${d.build.commit} ` : 'homeward ');
    const allDrained = () => Promise.all(deployments.map((d) => d.drained(200)));

    // 1. Import, in `--import-rounds` parts of the register. With two builds each imports every part into its own
    //    database, the two taking turns (who goes first alternates), so that the machine's drift falls on both.
    //    Before each build's part the bench waits until every deployment is idle; after it, it times the drain.
    const { records, bad } = legacyRegister(rows, 0.01, 2026);
    const csv = toCsv(records);
    const partRows = Math.ceil(rows / importRounds / 5_000) * 5_000;
    console.log(`import: ${rows} rows (${bad.length} bad) through POST /imports, in ${Math.ceil(rows / partRows)} part(s)…`);
    const imports = deployments.map(() => ({
      seconds: 0,
      imported: 0,
      alreadyImported: 0,
      failed: 0,
      drainSeconds: 0,
      // CPU seconds over the import and its drain: the API, the relay-and-projection process, PostgreSQL for this database.
      cpu: { api: 0, background: 0, backgroundOtherThreads: 0, postgres: 0 },
      // Each part's import and drain seconds: both builds import the same rows part by part, so each part gives a ratio.
      parts: [] as { seconds: number; drainSeconds: number; backgroundCpuMicrosPerRow: number }[],
    }));
    for (let offset = 0, part = 0; offset < rows; offset += partRows, part++) {
      const order = inTurn([...deployments.keys()], part);
      for (const k of order) {
        await allDrained();
        const d = deployments[k]!;
        const processes = () => d.pids.map((pid) => processCpuSeconds(pid) ?? 0);
        const processesBefore = processes();
        const postgresBefore = postgresCpu(d.db.name);
        const otherThreadsBefore = threadCpuSeconds(d.pids[1]).others ?? 0;
        const started = performance.now();
        const report = await d.importRows(records.slice(offset, offset + partRows), 'bench-register', offset + 1);
        const imported = performance.now();
        await d.drained(100);
        const figures = imports[k]!;
        const processesAfter = processes();
        figures.cpu.api += processesAfter[0]! - processesBefore[0]!;
        figures.cpu.background += (processesAfter[1] ?? 0) - (processesBefore[1] ?? 0);
        figures.cpu.backgroundOtherThreads += (threadCpuSeconds(d.pids[1]).others ?? 0) - otherThreadsBefore;
        figures.cpu.postgres += postgresCpuSecondsSince(postgresBefore, d.db.name);
        figures.seconds += (imported - started) / 1000;
        figures.drainSeconds += (performance.now() - imported) / 1000;
        figures.parts.push({
          seconds: (imported - started) / 1000,
          drainSeconds: (performance.now() - imported) / 1000,
          backgroundCpuMicrosPerRow: (((processesAfter[1] ?? 0) - (processesBefore[1] ?? 0)) * 1e6) / Math.max(1, report.imported),
        });
        figures.imported += report.imported;
        figures.alreadyImported += report.alreadyImported;
        figures.failed += report.failed;
        console.log(`  ${label(deployments[k]!)}part ${part + 1}: ${Math.round(((imported - started) / 1000) * 100) / 100} s`, report);
      }
    }
    const firstImports = imports.map(({ seconds: s, drainSeconds, cpu, parts, ...counts }) => ({
      seconds: Math.round(s * 100) / 100,
      rowsPerSecond: Math.round(rows / s),
      ...counts,
      relayedAndProjectedBackSeconds: Math.round(drainSeconds * 10) / 10,
      // Per row imported, over the import and its drain (with --processes=single the API's process does it all).
      cpuMicrosPerRow: {
        api: Math.round((cpu.api * 1e6) / Math.max(1, counts.imported)),
        background: Math.round((cpu.background * 1e6) / Math.max(1, counts.imported)),
        // Of which on threads other than JavaScript's: the collector's helpers, the compiler, libuv's pool.
        backgroundOtherThreads: Math.round((cpu.backgroundOtherThreads * 1e6) / Math.max(1, counts.imported)),
        postgres: Math.round((cpu.postgres * 1e6) / Math.max(1, counts.imported)),
      },
      parts: parts.map((p) => ({
        seconds: Math.round(p.seconds * 100) / 100,
        drainSeconds: Math.round(p.drainSeconds * 100) / 100,
        backgroundCpuMicrosPerRow: Math.round(p.backgroundCpuMicrosPerRow),
      })),
    }));
    for (const [k, d] of deployments.entries()) console.log(`  ${label(d)}first run`, firstImports[k]);
    // The re-run, twice for each build, in the order A B B A: it imports nothing and takes a few seconds, so
    // the order may matter: in two runs with this build's always first, it was 18–26 % slower than the other's,
    // straight after its own import had settled.
    const reRunSeconds = deployments.map(() => [] as number[]);
    const reRunReports = deployments.map(() => ({ imported: 0, alreadyImported: 0, failed: 0 }));
    for (const k of [...inTurn([...deployments.keys()], 0), ...inTurn([...deployments.keys()], 1)]) {
      const d = deployments[k]!;
      await allDrained();
      const started = performance.now();
      const report = await d.importRows(records, 'bench-register');
      reRunSeconds[k]!.push((performance.now() - started) / 1000);
      reRunReports[k] = report;
      console.log(`  ${label(d)}re-run ${Math.round(reRunSeconds[k]!.at(-1)! * 100) / 100} s`, report);
      if (report.imported !== 0) throw new Error(`the re-run imported rows a second time (${d.build.commit})`);
    }
    const reRuns: (ImportFigures & { runs: number[] })[] = deployments.map((_, k) => {
      const s = reRunSeconds[k]!.reduce((sum, x) => sum + x, 0) / reRunSeconds[k]!.length;
      return {
        seconds: Math.round(s * 100) / 100,
        rowsPerSecond: Math.round(rows / s),
        ...reRunReports[k]!,
        runs: reRunSeconds[k]!.map((x) => Math.round(x * 100) / 100),
      };
    });

    if (process.env.BENCH_PG_STATS) {
      for (const d of deployments) {
        const { rows: db } = await d.db.pool.query(
          `SELECT xact_commit, tup_returned, tup_fetched, tup_inserted, tup_updated, tup_deleted, blks_hit FROM pg_stat_database WHERE datname = current_database()`,
        );
        const { rows: tables } = await d.db.pool.query(
          `SELECT relname, seq_scan, seq_tup_read, idx_scan, idx_tup_fetch, n_tup_ins, n_tup_upd, n_tup_del, n_tup_hot_upd FROM pg_stat_user_tables WHERE seq_scan + coalesce(idx_scan,0) + n_tup_ins + n_tup_upd > 0 ORDER BY relname`,
        );
        console.log(d.build.commit, JSON.stringify(db[0]));
        console.table(tables);
      }
    }
    if (values['import-only']) {
      await writeImportOnly(deployments, { rows, badRows: bad.length, parts: Math.ceil(rows / partRows) }, firstImports, reRuns);
      return;
    }

    // Enough workers abroad for every round at up to `--returns-ceiling` returns/s: ~40% of a register's rows are abroad.
    const extra = Math.max(0, Math.ceil((((rounds + sideBySide) * seconds + warmUpSeconds) * returnsCeiling - rows * 0.4) / 0.4));
    if (extra > 0) {
      console.log(`  a second register of ${extra} rows for the returns rounds (untimed)…`);
      const second = legacyRegister(extra, 0, 2027).records;
      for (const d of deployments) await d.importRows(second, 'bench-returns');
    }

    const first = deployments[0]!;
    const client = new pg.Client({ connectionString: first.db.url });
    await client.connect();
    await allDrained();
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
    await client.end();
    console.log('  COPY     ', copy);
    // The second register left events to relay and project back; measure requests only once every
    // deployment is idle again, or the returns would compete with that backlog for the two cores.
    await allDrained();

    // 2. Returns: workers abroad, from the imports, each deployment its own.
    const abroad = await Promise.all(
      deployments.map(async (d) => {
        const { rows: streams } = await d.db.pool.query<{ stream_id: string }>(
          `SELECT stream_id FROM events GROUP BY stream_id
            HAVING bool_or(event_type = 'DepartureRecorded') AND NOT bool_or(event_type = 'ReturnRecorded')`,
        );
        return streams.map((r) => r.stream_id.slice('worker-'.length));
      }),
    );
    const next = deployments.map(() => 0);
    console.log(
      `returns: ${abroad.map((w) => w.length).join(' and ')} workers abroad; ${rounds} rounds of ${seconds} s each, ${connections} connections`,
    );
    const body = JSON.stringify({ returnedOn: '2026-01-15', fromCountry: 'SA', assistance: 'unassisted', reason: 'contract_completed' });
    const barePort = port + 1;
    // node itself, not npx: SIGTERM must reach the server, or it outlives the run and its pool dies with the database.
    const bare = start(root, ['node', '--import', 'tsx', 'bench/bare-insert.server.ts'], {
      DATABASE_URL: first.db.url,
      PORT: String(barePort),
    });
    const homewardRounds: LoadResult[][] = deployments.map(() => []);
    const sideBySideRounds: LoadResult[][] = deployments.map(() => []);
    const bareRounds: LoadResult[] = [];
    // One connection per database for the rounds' CHECKPOINTs (each round starts from the same state) and WAL readings.
    const admins = deployments.map((d) => new pg.Client({ connectionString: d.db.url }));
    for (const admin of admins) await admin.connect();
    const everyPid = deployments.flatMap((d) => d.pids);
    try {
      await ready(`http://127.0.0.1:${barePort}/`);
      // `counted` false for the warm-up: its result is printed, not kept. (An optional `into` list, as before 2026-12-07,
      // took its default when passed undefined, and the warm-up round was counted among the timed ones.)
      const loadHomeward = (k: number, duration: number, withConnections: number, alone: boolean) => {
        const d = deployments[k]!;
        return load(
          d.base,
          () => `/workers/${abroad[k]![next[k]!++ % abroad[k]!.length]}/returns`,
          body,
          { authorization: `Bearer ${token}` },
          withConnections,
          duration,
          {
            pids: d.pids,
            database: d.db.name,
            admin: admins[k],
            ...(deployments.length > 1 && alone ? { bystanders: everyPid.filter((pid) => !d.pids.includes(pid)) } : {}),
          },
          // The relay and the projection finish with the round's returns before its CPU is read and the
          // next round starts: their tail is the round's cost, and must not slow the next round.
          () => d.drained(100),
        );
      };
      const runHomeward = async (k: number, duration: number, counted: boolean) => {
        await admins[k]!.query('CHECKPOINT');
        const result = await loadHomeward(k, duration, connections, true);
        console.log(`  ${label(deployments[k]!)}`, result);
        if (counted) homewardRounds[k]!.push(result);
      };
      const runBare = async (duration: number, counted: boolean) => {
        await admins[0]!.query('CHECKPOINT');
        const result = await load(
          `http://127.0.0.1:${barePort}`,
          (i) => `/workers/${abroad[0]![i % abroad[0]!.length]}/returns`,
          body,
          {},
          connections,
          duration,
          { pids: [bare.pid], database: first.db.name, admin: admins[0], bystanders: everyPid },
        );
        console.log('  bare     ', result);
        if (counted) bareRounds.push(result);
      };
      // Who runs when. One build: it and the bare endpoint, the other way round every other round (A bare,
      // bare A, …), which cancels a drift that is linear in time. Two builds: the builds the other way round
      // every other round, and the bare endpoint after them (A B bare, B A bare, …). Reversing all three
      // (A B bare, bare B A) put B in the middle every time and A first, then last: A waited four rounds of
      // the others' between its last and its first place, B always two, and A was slower after the long
      // wait in every run of the ninth session. With the builds swapped each round, each waits one round and
      // then three, in turn, as the other does (bench/README.md, tenth session).
      const homewardContenders = deployments.map((_, k) => (duration: number, counted: boolean) => runHomeward(k, duration, counted));
      const contenders: ((duration: number, counted: boolean) => Promise<void>)[] = [...homewardContenders, runBare];
      const order = (round: number) =>
        deployments.length === 1 ? inTurn(contenders, round) : [...inTurn(homewardContenders, round), runBare];
      if (warmUpSeconds > 0) {
        // The first round of returns ran 10–20 % slower than the next in every run so far (the JIT still
        // compiling the command path), for either build: a short untimed round of each warms them all first.
        console.log(`  warm-up (${warmUpSeconds} s each, not counted)`);
        for (const run of contenders) await run(warmUpSeconds, false);
      }
      for (let round = 0; round < rounds; round++) {
        console.log(`  round ${round + 1}`);
        for (const run of order(round)) await run(seconds, true);
      }
      // Both builds at once: each its own workers, database and processes, on the same machine at the same
      // moments. The WAL and the whole machine's CPU are shared, so each build's figures leave them out.
      for (let round = 0; round < sideBySide; round++) {
        console.log(`  side by side ${round + 1} (${Math.ceil(connections / 2)} connections each)`);
        for (const admin of admins) await admin.query('CHECKPOINT');
        const results = await Promise.all(
          inTurn([...deployments.keys()], round).map(async (k) => {
            const {
              machine: _machine,
              postgresWritesPerRequest: _writes,
              ...own
            } = await loadHomeward(k, seconds, Math.ceil(connections / 2), false);
            return [k, own] as const;
          }),
        );
        for (const [k, result] of results.sort(([a], [b]) => a - b)) {
          console.log(`  ${label(deployments[k]!)}`, result);
          sideBySideRounds[k]!.push(result);
        }
      }
    } finally {
      for (const admin of admins) await admin.end();
      await stop(bare);
    }
    for (const [k, d] of deployments.entries()) {
      if (next[k]! > abroad[k]!.length)
        console.log(`  ${label(d)}(more requests than workers abroad: later ones were refused as second returns)`);
    }
    const bareResult = median(bareRounds);
    const perBuild = deployments.map((d, k) => {
      const homeward = median(homewardRounds[k]!);
      return {
        commit: d.build.commit,
        import: {
          rows,
          badRows: bad.length,
          parts: Math.ceil(rows / partRows),
          firstRun: firstImports[k]!,
          reRun: reRuns[k]!,
          copy,
          ratioToCopy: round3(firstImports[k]!.rowsPerSecond / copy.rowsPerSecond),
        },
        returns: {
          processes: values.processes,
          connections,
          seconds,
          rounds: homewardRounds[k]!.map((h, i) => ({
            homeward: h,
            bare: bareRounds[i]!,
            ratioToBare: round3(h.requestsPerSecond / bareRounds[i]!.requestsPerSecond),
          })),
          homeward,
          ...(sideBySide > 0 ? { sideBySide: sideBySideRounds[k]! } : {}),
          bare: bareResult,
          ratioToBare: round3(homeward.requestsPerSecond / bareResult.requestsPerSecond),
        },
      };
    });
    const finishedAt = new Date().toISOString();
    const machine = { cpus: os.cpus().length, node: process.version };
    await mkdir(new URL('./results/', import.meta.url), { recursive: true });
    if (deployments.length === 1) {
      const { commit, ...results } = perBuild[0]!;
      console.log(JSON.stringify({ importRatioToCopy: results.import.ratioToCopy, returnsRatioToBare: results.returns.ratioToBare }));
      await writeFile(
        new URL('./results/registration.json', import.meta.url),
        `${JSON.stringify({ finishedAt, machine, commit, ...results }, null, 2)}\n`,
      );
      return;
    }
    // Two builds: each round's figures of one over the other's of the same round, whose machine was the same.
    const [mine, theirs] = [homewardRounds[0]!, homewardRounds[1]!];
    const perRound = (f: (r: LoadResult) => number | undefined) => ratiosByRound(mine, theirs, f);
    const comparison = {
      of: `${builds[0]!.commit} ÷ ${builds[1]!.commit}`,
      ...importComparison(firstImports, reRuns),
      returns: {
        requestsPerSecondByRound: perRound((r) => r.requestsPerSecond),
        apiCpuPerRequestByRound: perRound((r) => r.cpuMicrosPerRequest?.perProcess[0]),
        serverCpuPerRequestByRound: perRound((r) => r.cpuMicrosPerRequest?.server),
        postgresCpuPerRequestByRound: perRound((r) => r.cpuMicrosPerRequest?.postgres),
        // Over the rounds, the geometric mean of each round's ratio: the ratio of the builds' rates with the
        // machine's speed of the round cancelled.
        requestsPerSecond: spread(perRound((r) => r.requestsPerSecond)),
        apiCpuPerRequest: spread(perRound((r) => r.cpuMicrosPerRequest?.perProcess[0])),
        medianRequestsPerSecond: round3(perBuild[0]!.returns.homeward.requestsPerSecond / perBuild[1]!.returns.homeward.requestsPerSecond),
        ratioToBare: `${perBuild[0]!.returns.ratioToBare} · ${perBuild[1]!.returns.ratioToBare}`,
      },
      ...(sideBySide > 0 ? { sideBySide: sideBySideComparison(sideBySideRounds[0]!, sideBySideRounds[1]!) } : {}),
    };
    console.log(JSON.stringify(comparison, null, 2));
    await writeFile(
      new URL('./results/registration-against.json', import.meta.url),
      `${JSON.stringify({ finishedAt, machine, comparison, builds: perBuild }, null, 2)}\n`,
    );
  } finally {
    for (const d of deployments) await d.stop();
  }
}

type FirstImport = ImportFigures & {
  relayedAndProjectedBackSeconds: number;
  cpuMicrosPerRow: Record<'api' | 'background' | 'backgroundOtherThreads' | 'postgres', number>;
  parts: readonly { seconds: number; drainSeconds: number; backgroundCpuMicrosPerRow: number }[];
};

/**
 * The import part by part: one build's rate over the other's for each part (the same rows), and for its import
 * and drain together; their geometric means and 95 % intervals. Parts taken in turn see a different machine each
 * time, so one part's ratio says little; eight say whether a difference is more than the machine's drift.
 */
function importByPart(mine: FirstImport, theirs: FirstImport) {
  const ratios = (f: (p: { seconds: number; drainSeconds: number }) => number) =>
    mine.parts.map((p, i) => (theirs.parts[i] && f(p) > 0 ? round3(f(theirs.parts[i]!) / f(p)) : undefined));
  const rowsPerSecond = ratios((p) => p.seconds);
  const importAndDrain = ratios((p) => p.seconds + p.drainSeconds);
  return {
    rowsPerSecondByPart: rowsPerSecond,
    rowsPerSecond: { ...spread(rowsPerSecond), interval95: interval95(rowsPerSecond) },
    // As a rate: the other build's seconds over this one's, so that above 1 is faster here too.
    importAndDrainRateByPart: importAndDrain,
    importAndDrainRate: { ...spread(importAndDrain), interval95: interval95(importAndDrain) },
  };
}

/** The first build's import over the second's: the first run, the re-runs, the drain, the CPU per row, part by part. */
function importComparison(firstImports: readonly FirstImport[], reRuns: readonly ImportFigures[]) {
  const [mine, theirs] = [firstImports[0]!, firstImports[1]!];
  return {
    importRowsPerSecond: round3(mine.rowsPerSecond / theirs.rowsPerSecond),
    reRunSeconds: round3(reRuns[0]!.seconds / reRuns[1]!.seconds),
    importDrainSeconds: round3(mine.relayedAndProjectedBackSeconds / theirs.relayedAndProjectedBackSeconds),
    // From the import's start to its last event projected back.
    importAndDrainSeconds: round3(
      (mine.seconds + mine.relayedAndProjectedBackSeconds) / (theirs.seconds + theirs.relayedAndProjectedBackSeconds),
    ),
    importCpuPerRow: importCpuRatios(mine, theirs),
    importByPart: importByPart(mine, theirs),
  };
}

/** One build's CPU per imported row over the other's, process by process. */
function importCpuRatios(mine: FirstImport, theirs: FirstImport) {
  const ratio = (key: 'api' | 'background' | 'postgres') =>
    theirs.cpuMicrosPerRow[key] > 0 ? round3(mine.cpuMicrosPerRow[key] / theirs.cpuMicrosPerRow[key]) : undefined;
  return { api: ratio('api'), background: ratio('background'), postgres: ratio('postgres') };
}

/** `--import-only`: the import's figures, and with two builds their comparison, in results/registration-import(-against).json. */
async function writeImportOnly(
  deployments: readonly Deployment[],
  register: { rows: number; badRows: number; parts: number },
  firstImports: readonly FirstImport[],
  reRuns: readonly ImportFigures[],
): Promise<void> {
  const finishedAt = new Date().toISOString();
  const machine = { cpus: os.cpus().length, node: process.version };
  const builds = deployments.map((d, k) => ({
    commit: d.build.commit,
    import: { ...register, firstRun: firstImports[k]!, reRun: reRuns[k]! },
  }));
  const comparison =
    deployments.length > 1
      ? {
          of: `${builds[0]!.commit} ÷ ${builds[1]!.commit}`,
          ...importComparison(firstImports, reRuns),
        }
      : undefined;
  if (comparison) console.log(JSON.stringify(comparison, null, 2));
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(
    new URL(`./results/registration-import${comparison ? '-against' : ''}.json`, import.meta.url),
    `${JSON.stringify({ finishedAt, machine, ...(comparison ? { comparison } : {}), builds }, null, 2)}\n`,
  );
}

/** The geometric mean of ratios, and the least and greatest of them. */
function spread(ratios: readonly (number | undefined)[]): { geometricMean: number; least: number; greatest: number } | undefined {
  const known = ratios.filter((r): r is number => r !== undefined && r > 0);
  if (known.length === 0) return undefined;
  return {
    geometricMean: round3(Math.exp(known.reduce((sum, r) => sum + Math.log(r), 0) / known.length)),
    least: Math.min(...known),
    greatest: Math.max(...known),
  };
}

/** Each round's figure of one build over the other's in the same round; undefined where either lacks it. */
function ratiosByRound(
  mine: readonly LoadResult[],
  theirs: readonly LoadResult[],
  figure: (r: LoadResult) => number | undefined,
): (number | undefined)[] {
  return mine.map((r, i) => {
    const a = figure(r);
    const b = figure(theirs[i]!);
    return a === undefined || b === undefined || b === 0 ? undefined : round3(a / b);
  });
}

/**
 * The side-by-side rounds of two builds compared: each round's figures of one over the other's, taken at the same
 * moments; the geometric mean of the ratios, and the interval a normal spread of their logarithms gives it.
 */
function sideBySideComparison(mine: readonly LoadResult[], theirs: readonly LoadResult[]) {
  const perRound = (f: (r: LoadResult) => number | undefined) => ratiosByRound(mine, theirs, f);
  const rates = perRound((r) => r.requestsPerSecond);
  return {
    requestsPerSecondByRound: rates,
    apiCpuPerRequestByRound: perRound((r) => r.cpuMicrosPerRequest?.perProcess[0]),
    serverCpuPerRequestByRound: perRound((r) => r.cpuMicrosPerRequest?.server),
    postgresCpuPerRequestByRound: perRound((r) => r.cpuMicrosPerRequest?.postgres),
    requestsPerSecond: { ...spread(rates), interval95: interval95(rates) },
    serverCpuPerRequest: spread(perRound((r) => r.cpuMicrosPerRequest?.server)),
  };
}

/** The 95 % interval of the geometric mean of ratios (Student's t over their logarithms); undefined for fewer than two. */
function interval95(ratios: readonly (number | undefined)[]): [number, number] | undefined {
  const logs = ratios.filter((r): r is number => r !== undefined && r > 0).map(Math.log);
  const n = logs.length;
  if (n < 2) return undefined;
  const mean = logs.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  // Student's t at 97.5 % for n - 1 degrees of freedom (1–30), then the normal's 1.96.
  const t =
    [
      12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093,
      2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
    ][n - 2] ?? 1.96;
  const half = (t * sd) / Math.sqrt(n);
  return [round3(Math.exp(mean - half)), round3(Math.exp(mean + half))];
}

/** Who goes when in the `turn`th round: the list as it is, and reversed every other round (A B, B A, A B, …). */
function inTurn<T>(list: readonly T[], turn: number): T[] {
  return turn % 2 === 0 ? [...list] : [...list].reverse();
}

/** The round with the median rate (its latencies with it). */
function median(results: readonly LoadResult[]): LoadResult {
  const sorted = [...results].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}
