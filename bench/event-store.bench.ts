/**
 * Event-store append benchmark.
 *
 * What: append throughput of @homeward/event-store (as in production, where the events table is the
 * outbox the relay publishes from) against
 *   - the limit: plain `pg` INSERTs of the same event rows into the same table (PostgreSQL with no
 *     event-store logic), and a leaner one: the events in a table with only an event's columns and the
 *     same unique constraints;
 *   - a peer: Emmett's PostgreSQL event store (@event-driven-io/emmett-postgresql),
 * in two modes:
 *   - single: one event per append, 32 concurrent writers each cycling over streams of its own, every
 *     append at the correct expected version (command handling: one decision, one event);
 *   - batch: 100 events per append to a new stream at expected version 0, 4 concurrent writers
 *     (imports and migrations).
 * Why: every command appends, so the append must stay close to what PostgreSQL can do (batched ≥ 0.70 of
 * the limit) and be no slower than a well-known peer (≥ 1.0 of Emmett).
 * How: one run against one PostgreSQL. Every contender and mode (a "phase") runs in a child process of
 * its own, on a fresh database, with a pool of the same size and the same payloads: warm-up, ANALYZE and
 * CHECKPOINT, then a timed, fixed amount of work. The phases run in several rounds, in a rotated order,
 * and we report the median of the rounds: the machine is shared, and interleaving spreads the noise of
 * other work over all contenders instead of letting it land on whichever ran at the wrong moment.
 */
import { execFileSync, fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createPool, type Pool } from '@homeward/pg-kit';
import { createTestDatabase } from '@homeward/testing/infrastructure';
import { contenders, type Append, type Contender } from './contenders.js';
import { cpuShareSince, sampleCpu, type CpuShare } from './cpu.js';
import { newEvent, newEvents, payloadSizes } from './payloads.js';

type Mode = 'single' | 'batch';

interface Workload {
  readonly mode: Mode;
  readonly concurrency: number;
  readonly eventsPerAppend: number;
  /** Timed appends, spread over the writers. */
  readonly appends: number;
  readonly warmupAppends: number;
}

interface PhaseResult {
  readonly round: number;
  readonly mode: Mode;
  readonly contender: string;
  readonly appends: number;
  readonly events: number;
  readonly seconds: number;
  readonly appendsPerSecond: number;
  readonly eventsPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly databaseMegabytes: number;
  /** WAL written per event during the timed run (cluster-wide, so other databases' writes count too). */
  readonly walBytesPerEvent: number;
  /** Who used the CPUs during the timed run; `othersPercent` is work that was not ours. */
  readonly cpu: CpuShare | undefined;
  /** Appends completed in each second of the timed run: shows stalls (checkpoints, autovacuum). */
  readonly appendsPerSecondTimeline: readonly number[];
}

interface Summary {
  readonly mode: Mode;
  readonly contender: string;
  readonly eventsPerSecondByRound: readonly number[];
  readonly eventsPerSecond: number;
  readonly appendsPerSecond: number;
  readonly p99Ms: number;
  readonly walBytesPerEvent: number;
}

const POOL_SIZE = 32;
const SINGLE_STREAMS_PER_WRITER = 8;
const RESULTS_DIR = new URL('./results/', import.meta.url);
const RUN_SCRIPT = fileURLToPath(new URL('./run.ts', import.meta.url));

/** Picks the stream of each append: a writer's own streams in turn (single) or a new one (batch). */
function streamPicker(mode: Mode): { next(): { id: string; version: number }; appended(count: number): void } {
  const streams =
    mode === 'single' ? Array.from({ length: SINGLE_STREAMS_PER_WRITER }, () => ({ id: `departure-${randomUUID()}`, version: 0 })) : [];
  let turn = 0;
  let current = { id: '', version: 0 };
  return {
    next() {
      current = mode === 'single' ? streams[turn++ % streams.length]! : { id: `departure-${randomUUID()}`, version: 0 };
      return current;
    },
    appended(count) {
      current.version += count;
    },
  };
}

async function drive(
  append: Append,
  workload: Workload,
  appends: number,
): Promise<{ seconds: number; latencies: Float64Array; ends: Float64Array }> {
  const latencies = new Float64Array(appends);
  const ends = new Float64Array(appends);
  let claimed = 0;
  const start = performance.now();
  const writer = async (): Promise<void> => {
    const streams = streamPicker(workload.mode);
    while (claimed < appends) {
      const slot = claimed++;
      const stream = streams.next();
      const events = workload.eventsPerAppend === 1 ? [newEvent()] : newEvents(workload.eventsPerAppend);
      const began = performance.now();
      await append(stream.id, stream.version, events);
      const ended = performance.now();
      streams.appended(events.length);
      latencies[slot] = ended - began;
      ends[slot] = ended - start;
    }
  };
  await Promise.all(Array.from({ length: workload.concurrency }, writer));
  return { seconds: (performance.now() - start) / 1000, latencies, ends };
}

function percentile(sorted: Float64Array | readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** One phase, in the current process: fresh database, warm-up, timed run. */
async function runPhase(contender: Contender, workload: Workload, roundNumber: number, keep: boolean): Promise<PhaseResult> {
  const db = await createTestDatabase(`bench_${contender.name}_${workload.mode}`);
  const pool: Pool = createPool(db.url, { max: POOL_SIZE });
  try {
    const { append, close } = await contender.prepare(pool, db.url);
    try {
      await drive(append, workload, workload.warmupAppends);
      await pool.query('ANALYZE');
      await pool.query('CHECKPOINT');
      const walBefore = await pool.query<{ lsn: string }>('SELECT pg_current_wal_lsn() AS lsn');
      const cpuBefore = sampleCpu(db.name);
      const { seconds, latencies, ends } = await drive(append, workload, workload.appends);
      const cpu = cpuShareSince(cpuBefore, db.name, os.cpus().length);
      const wal = await pool.query<{ bytes: string }>('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1) AS bytes', [
        walBefore.rows[0]!.lsn,
      ]);
      const sorted = latencies.slice().sort();
      const timeline = new Array<number>(Math.ceil(seconds)).fill(0);
      for (const end of ends) timeline[Math.min(timeline.length - 1, Math.floor(end / 1000))]! += 1;
      const size = await pool.query<{ bytes: string }>('SELECT pg_database_size(current_database()) AS bytes');
      const events = workload.appends * workload.eventsPerAppend;
      return {
        round: roundNumber,
        mode: workload.mode,
        contender: contender.name,
        appends: workload.appends,
        events,
        seconds: round(seconds, 2),
        appendsPerSecond: Math.round(workload.appends / seconds),
        eventsPerSecond: Math.round(events / seconds),
        latencyMs: {
          p50: round(percentile(sorted, 0.5), 2),
          p99: round(percentile(sorted, 0.99), 2),
          max: round(sorted[sorted.length - 1]!, 2),
        },
        databaseMegabytes: round(Number(size.rows[0]!.bytes) / 1024 / 1024, 1),
        walBytesPerEvent: Math.round(Number(wal.rows[0]!.bytes) / events),
        cpu,
        appendsPerSecondTimeline: timeline,
      };
    } finally {
      await close();
    }
  } finally {
    await pool.end();
    if (keep) console.log(`  kept database ${db.name}`);
    else await db.drop();
  }
}

/**
 * Runs a phase in a child process, so that no contender inherits another's process state (Emmett, for
 * one, installs process-wide pg type parsers) or its garbage.
 */
async function runPhaseInChild(contender: string, mode: Mode, roundNumber: number, argv: readonly string[]): Promise<PhaseResult> {
  const child = fork(RUN_SCRIPT, ['event-store', ...argv, `--phase=${contender}:${mode}:${roundNumber}`], { stdio: 'inherit' });
  let result: PhaseResult | undefined;
  child.on('message', (message) => {
    result = message as PhaseResult;
  });
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  if (code !== 0 || !result) throw new Error(`phase ${contender}/${mode} failed (${signal ? `killed by ${signal}` : `exit code ${code}`})`);
  return result;
}

/** Which event store was measured: the repository moves fast, and the figures only mean something with it. */
function measuredSource(): Record<string, unknown> {
  const root = fileURLToPath(new URL('../', import.meta.url));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  const files = ['packages/event-store/src/event-store.ts', 'packages/event-store/src/schema.ts'];
  try {
    return {
      commit: git('rev-parse', '--short', 'HEAD'),
      eventStoreUncommittedChanges: git('status', '--porcelain', '--', 'packages/event-store/src') !== '',
      eventStoreSourceSha256: createHash('sha256')
        .update(files.map((f) => readFileSync(root + f, 'utf8')).join('\0'))
        .digest('hex')
        .slice(0, 16),
    };
  } catch (error) {
    return { unknown: String(error) };
  }
}

async function machine(): Promise<Record<string, unknown>> {
  const db = await createTestDatabase('bench_probe');
  try {
    const { rows } = await db.pool.query<{ name: string; setting: string; unit: string | null }>(
      `SELECT name, setting, unit FROM pg_settings
        WHERE name IN ('server_version', 'shared_buffers', 'fsync', 'synchronous_commit', 'wal_level', 'max_wal_size', 'commit_delay')`,
    );
    return {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryGiB: round(os.totalmem() / 1024 ** 3, 1),
      node: process.version,
      postgres: Object.fromEntries(rows.map((r) => [r.name, r.unit ? `${r.setting} × ${r.unit}` : r.setting])),
    };
  } finally {
    await db.drop();
  }
}

function summarise(results: readonly PhaseResult[]): Summary[] {
  const summaries: Summary[] = [];
  for (const mode of ['single', 'batch'] as const) {
    for (const { name } of contenders) {
      const phases = results.filter((r) => r.mode === mode && r.contender === name);
      if (phases.length === 0) continue;
      summaries.push({
        mode,
        contender: name,
        eventsPerSecondByRound: phases.map((p) => p.eventsPerSecond),
        eventsPerSecond: Math.round(median(phases.map((p) => p.eventsPerSecond))),
        appendsPerSecond: Math.round(median(phases.map((p) => p.appendsPerSecond))),
        p99Ms: round(median(phases.map((p) => p.latencyMs.p99)), 1),
        walBytesPerEvent: Math.round(median(phases.map((p) => p.walBytesPerEvent))),
      });
    }
  }
  return summaries;
}

function ratio(summaries: readonly Summary[], mode: Mode, numerator: string, denominator: string): number | undefined {
  const find = (name: string) => summaries.find((s) => s.mode === mode && s.contender === name)?.eventsPerSecond;
  const n = find(numerator);
  const d = find(denominator);
  return n !== undefined && d !== undefined ? round(n / d, 2) : undefined;
}

function printTable(header: readonly string[], rows: readonly (readonly string[])[], leftColumns: number): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i < leftColumns ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(['', line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ''].join('\n'));
}

function printPhases(results: readonly PhaseResult[]): void {
  printTable(
    ['round', 'mode', 'contender', 's', 'appends/s', 'events/s', 'p50 ms', 'p99 ms', 'db MB', 'WAL B/event', 'cpu client/pg/others %'],
    results.map((r) => [
      String(r.round),
      r.mode,
      r.contender,
      r.seconds.toFixed(1),
      String(r.appendsPerSecond),
      String(r.eventsPerSecond),
      r.latencyMs.p50.toFixed(1),
      r.latencyMs.p99.toFixed(1),
      r.databaseMegabytes.toFixed(0),
      String(r.walBytesPerEvent),
      r.cpu ? `${r.cpu.clientPercent}/${r.cpu.postgresPercent}/${r.cpu.othersPercent}` : 'n/a',
    ]),
    3,
  );
}

function printSummaries(summaries: readonly Summary[]): void {
  printTable(
    ['mode', 'contender', 'events/s by round', 'median events/s', 'median appends/s', 'median p99 ms', 'WAL B/event'],
    summaries.map((s) => [
      s.mode,
      s.contender,
      s.eventsPerSecondByRound.join(' '),
      String(s.eventsPerSecond),
      String(s.appendsPerSecond),
      s.p99Ms.toFixed(1),
      String(s.walBytesPerEvent),
    ]),
    3,
  );
}

export async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      'single-appends': { type: 'string', default: '100000' },
      'batch-appends': { type: 'string', default: '4500' },
      rounds: { type: 'string', default: '3' },
      only: { type: 'string' },
      keep: { type: 'boolean', default: false },
      /** Internal: run one phase ("contender:mode:round") and report it to the parent process. */
      phase: { type: 'string' },
    },
  });
  const workloads: Workload[] = [
    { mode: 'single', concurrency: 32, eventsPerAppend: 1, appends: Number(values['single-appends']), warmupAppends: 2_000 },
    { mode: 'batch', concurrency: 4, eventsPerAppend: 100, appends: Number(values['batch-appends']), warmupAppends: 100 },
  ];

  if (values.phase) {
    const [name, mode, roundNumber] = values.phase.split(':');
    const contender = contenders.find((c) => c.name === name);
    const workload = workloads.find((w) => w.mode === mode);
    if (!contender || !workload || !process.send) throw new Error(`bad phase ${values.phase}`);
    process.send(await runPhase(contender, workload, Number(roundNumber), values.keep));
    return;
  }

  const only = values.only?.split(',');
  const selected = contenders.filter((c) => !only || only.includes(c.name));
  const rounds = Number(values.rounds);
  const childArgv = [
    `--single-appends=${values['single-appends']}`,
    `--batch-appends=${values['batch-appends']}`,
    ...(values.keep ? ['--keep'] : []),
  ];

  const env = await machine();
  const source = measuredSource();
  console.log('machine', env);
  console.log('measured source', source);
  console.log('payload bytes', payloadSizes());
  const results: PhaseResult[] = [];
  for (let r = 1; r <= rounds; r++) {
    // Rotate the order each round so that no contender always runs first, or always after the same one.
    const order = selected.map((_, i) => selected[(i + r - 1) % selected.length]!);
    for (const contender of order) {
      for (const workload of workloads) {
        console.log(
          `round ${r}: ${contender.name} / ${workload.mode}: ${workload.appends} appends × ${workload.eventsPerAppend} events, concurrency ${workload.concurrency}`,
        );
        const result = await runPhaseInChild(contender.name, workload.mode, r, childArgv);
        const cpu = result.cpu
          ? `; cpu client ${result.cpu.clientPercent}%, postgres ${result.cpu.postgresPercent}%, others ${result.cpu.othersPercent}%`
          : '';
        console.log(`  ${result.appendsPerSecond} appends/s, ${result.eventsPerSecond} events/s in ${result.seconds} s${cpu}`);
        if (result.seconds < 10) console.warn(`  warning: ran only ${result.seconds} s; raise --${workload.mode}-appends`);
        results.push(result);
      }
    }
  }
  printPhases(results);
  const summaries = summarise(results);
  printSummaries(summaries);

  const ratios = {
    batchHomewardOverPlainInsert: ratio(summaries, 'batch', 'homeward', 'plain-insert'),
    singleHomewardOverPlainInsert: ratio(summaries, 'single', 'homeward', 'plain-insert'),
    singleHomewardOverEmmett: ratio(summaries, 'single', 'homeward', 'emmett'),
    batchHomewardOverEmmett: ratio(summaries, 'batch', 'homeward', 'emmett'),
    batchHomewardOverLeanPlainInsert: ratio(summaries, 'batch', 'homeward', 'plain-insert-lean'),
  };
  console.log('ratios of median events/s', ratios);

  const finishedAt = new Date().toISOString();
  const report = {
    finishedAt,
    machine: env,
    source,
    payloadBytes: payloadSizes(),
    poolSize: POOL_SIZE,
    rounds,
    workloads,
    contenders: selected.map((c) => ({ name: c.name, description: c.description })),
    summaries,
    ratios,
    phases: results.map(({ appendsPerSecondTimeline: _timeline, ...rest }) => rest),
  };
  await mkdir(RESULTS_DIR, { recursive: true });
  const summaryFile = new URL('event-store.json', RESULTS_DIR);
  const rawFile = new URL(`event-store.${finishedAt.replace(/[:.]/g, '-')}.raw.json`, RESULTS_DIR);
  await writeFile(summaryFile, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(rawFile, `${JSON.stringify({ ...report, phases: results }, null, 2)}\n`);
  console.log(`wrote ${summaryFile.pathname} and ${rawFile.pathname}`);
}
