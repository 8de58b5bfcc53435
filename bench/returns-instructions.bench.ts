/**
 * Instructions a return costs the registration API, counted by valgrind's callgrind rather than timed:
 * `npm run bench -- returns-instructions [-- --against=<checkout>] [--returns=1000] [--warm-up=600] [--cache-sim]`.
 *
 * The registration benchmark's rates and CPU times move by 10–20 % from round to round on a shared machine
 * (bench/README.md), more than the differences between two builds that it is asked to tell apart. An
 * instruction count does not: it is the same for the same binary, input and environment whatever else the
 * machine does. For each build (this checkout, and `--against`'s): its API (role `api`) imports a generated
 * legacy register of `--rows` rows (20,000) on a database of its own, run by plain Node; then the same API
 * runs under callgrind on that database, takes `--warm-up` returns (the JIT's tiers), its counters are
 * zeroed, it takes `--returns` more (each a different worker abroad, 8 at a time) and they are dumped.
 * Reported per return, by thread: the JavaScript thread (the process's first), and V8's and libuv's other
 * threads together; with `--cache-sim`, also the simulated first-level and last-level cache misses. With
 * `--keep=<dir>` callgrind's files stay there, one per build and thread, for `callgrind_annotate`.
 *
 * Instructions are not time: a cache miss costs a hundred of them, and under valgrind threads run one at a
 * time, so the collector's concurrent work is not what it is at full speed. What this settles is whether a
 * build does more work per return, and on which thread; the timed benchmark says what that costs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createTestDatabase, testIssuer } from '@homeward/testing/infrastructure';
import { legacyRegister } from '@homeward/registration/legacy-register-generator';
import { buildRegistration, buildsOf, ready, registrationEnvironment, stop, type Build } from './registration.bench.js';

/** Callgrind's totals of one dump file, by event name (Ir, and with the cache simulation D1mr, DLmr, …). */
function totals(file: string): Record<string, number> {
  const text = readFileSync(file, 'utf8');
  const events = /^events:\s*(.+)$/m.exec(text)?.[1]?.trim().split(/\s+/) ?? [];
  const figures = /^(?:summary|totals):\s*(.+)$/m.exec(text)?.[1]?.trim().split(/\s+/).map(Number) ?? [];
  return Object.fromEntries(events.map((name, k) => [name, figures[k] ?? 0]));
}

type Figures = Record<string, number>;
interface BuildResult {
  readonly commit: string;
  readonly returns: number;
  readonly perReturn: { readonly javascriptThread: Figures; readonly otherThreads: Figures; readonly all: Figures };
}

export async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      against: { type: 'string' },
      rows: { type: 'string', default: '20000' },
      returns: { type: 'string', default: '1000' },
      'warm-up': { type: 'string', default: '600' },
      'cache-sim': { type: 'boolean', default: false },
      /** Keeps callgrind's files (one per build and thread) under this directory, for callgrind_annotate. */
      keep: { type: 'string' },
    },
  });
  const rows = Number(values.rows);
  const measured = Number(values.returns);
  const warmUp = Number(values['warm-up']);
  const builds: Build[] = buildsOf(values.against);
  if (spawnSync('valgrind', ['--version']).status !== 0) throw new Error('valgrind is not installed');
  for (const build of builds) buildRegistration(build);

  const issuer = await testIssuer();
  const token = await issuer.token({ organisationId: 'bench-agency', kind: 'agency' });
  const { records } = legacyRegister(rows, 0, 2026);
  const results: BuildResult[] = [];
  for (const [k, build] of builds.entries()) {
    const db = await createTestDatabase('bench_instructions');
    const port = 4_700 + k;
    const base = `http://127.0.0.1:${port}`;
    const env = {
      ...process.env,
      TSX_TSCONFIG_PATH: `${build.root}tsconfig.base.json`,
      ...registrationEnvironment(db.url, issuer),
      PORT: String(port),
      ROLES: 'api',
    };
    const service = ['services/registration/dist/main.js'];
    const out = mkdtempSync(join(values.keep ?? tmpdir(), `callgrind-${build.commit}-`));
    try {
      // 1. The register, imported at full speed.
      let api = spawn('node', service, { cwd: build.root, env, stdio: ['ignore', 'ignore', 'inherit'] });
      await ready(`${base}/health/ready`, 90_000);
      for (let offset = 0; offset < records.length; offset += 5_000) {
        const response = await fetch(`${base}/imports?source=bench&firstRow=${offset + 1}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
          body: records
            .slice(offset, offset + 5_000)
            .map((r) => JSON.stringify(r))
            .join('\n'),
        });
        if (response.status >= 300) throw new Error(`import failed: ${response.status} ${await response.text()}`);
      }
      const { rows: streams } = await db.pool.query<{ stream_id: string }>(
        `SELECT stream_id FROM events GROUP BY stream_id
          HAVING bool_or(event_type = 'DepartureRecorded') AND NOT bool_or(event_type = 'ReturnRecorded') ORDER BY 1`,
      );
      const abroad = streams.map((r) => r.stream_id.slice('worker-'.length));
      if (abroad.length < warmUp + measured) throw new Error(`${abroad.length} workers abroad, ${warmUp + measured} needed: raise --rows`);
      await db.pool.query('ANALYZE');
      await stop(api);

      // 2. The same API under callgrind: warm-up, zero, the counted returns, dump.
      api = spawn(
        'valgrind',
        [
          '--tool=callgrind',
          '--separate-threads=yes',
          ...(values['cache-sim'] ? ['--cache-sim=yes'] : []),
          `--callgrind-out-file=${out}/callgrind.%p`,
          'node',
          ...service,
        ],
        { cwd: build.root, env, stdio: ['ignore', 'ignore', 'ignore'] },
      );
      await ready(`${base}/health/ready`, 900_000);
      let next = 0;
      let refused = 0;
      const returns = async (count: number) => {
        const end = next + count;
        await Promise.all(
          Array.from({ length: 8 }, async () => {
            while (next < end) {
              const response = await fetch(`${base}/workers/${abroad[next++]}/returns`, {
                method: 'POST',
                headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
                body: JSON.stringify({
                  returnedOn: '2026-01-15',
                  fromCountry: 'SA',
                  assistance: 'unassisted',
                  reason: 'contract_completed',
                }),
              });
              await response.arrayBuffer();
              if (response.status !== 201) refused++;
            }
          }),
        );
      };
      await returns(warmUp);
      const control = (command: string) => {
        const result = spawnSync('callgrind_control', [command, String(api.pid)], { encoding: 'utf8' });
        if (result.status !== 0) throw new Error(`callgrind_control ${command}: ${result.stderr}`);
      };
      control('-z');
      await returns(measured);
      control('-d');
      // Under valgrind a clean shutdown takes minutes; nothing of it is measured.
      api.kill('SIGKILL');
      await stop(api);
      if (refused > 0) throw new Error(`${refused} returns were refused`);

      // Dumps are callgrind.<pid>.<dump>-<thread>; thread 01 is the process's first, the JavaScript thread.
      const perThread = readdirSync(out)
        .filter((f) => /\.\d+-\d+$/.test(f))
        .map((f) => ({ thread: Number(f.slice(f.lastIndexOf('-') + 1)), figures: totals(join(out, f)) }));
      const perReturn = (n: number) => Math.round(n / measured);
      const sum = (threads: typeof perThread) => {
        const all: Record<string, number> = {};
        for (const { figures } of threads) for (const [name, n] of Object.entries(figures)) all[name] = (all[name] ?? 0) + n;
        return Object.fromEntries(Object.entries(all).map(([name, n]) => [name, perReturn(n)]));
      };
      const result: BuildResult = {
        commit: build.commit,
        returns: measured,
        perReturn: {
          javascriptThread: sum(perThread.filter((t) => t.thread === 1)),
          otherThreads: sum(perThread.filter((t) => t.thread !== 1)),
          all: sum(perThread),
        },
      };
      console.log(JSON.stringify(result));
      results.push(result);
    } finally {
      if (values.keep === undefined) rmSync(out, { recursive: true, force: true });
      else console.log(`  callgrind's files: ${out}`);
      await db.drop();
    }
  }
  const comparison =
    results.length === 2
      ? {
          of: `${results[0]!.commit} ÷ ${results[1]!.commit}`,
          ...Object.fromEntries(
            (['javascriptThread', 'otherThreads', 'all'] as const).map((part) => [
              part,
              Object.fromEntries(
                Object.entries(results[0]!.perReturn[part]).map(([name, n]) => [
                  name,
                  Math.round((n / (results[1]!.perReturn[part][name] || 1)) * 1000) / 1000,
                ]),
              ),
            ]),
          ),
        }
      : undefined;
  if (comparison) console.log(JSON.stringify(comparison));
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(
    new URL('./results/returns-instructions.json', import.meta.url),
    `${JSON.stringify({ finishedAt: new Date().toISOString(), options: { rows, warmUp, returns: measured, cacheSim: values['cache-sim'] }, comparison, builds: results }, null, 2)}\n`,
  );
}
