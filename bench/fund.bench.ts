import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Ledger, LEDGER_OWNER, ledgerMigrations } from '@homeward/ledger';
import { runFundSimulation } from '@homeward/ledger/simulation';
import { createPool, type Pool } from '@homeward/pg-kit';
import { migrate } from '@homeward/pg-kit/migrations';
import { createTestDatabase } from '@homeward/testing/infrastructure';

/**
 * The fund's ledger (issue 13) on the real PostgreSQL: postings per second and p99 with `concurrency`
 * callers at once (32 by default)
 * - contended: every posting from the same pool account (must not be overdrawn) to the same payable account;
 * - distinct: each caller its own pair of accounts;
 * beside, in the same run, the limit: a bare INSERT of the same rows into a table of the same columns
 * without trigger, constraint or index but the primary key, one autocommitted statement per row, from a
 * pool of `concurrency` connections. The ledger coalesces concurrent postings into batches (ledger.ts).
 * Targets: contended ≥ 1,000 postings/s and p99 < 50 ms; distinct ≥ 50 % of the bare INSERT.
 *   npm run bench -- fund [-- --postings=20000 --concurrency=32 --lanes=8]
 * And the simulation's long run: npm run bench -- fund-simulation [-- --steps=1000000 --seed=…]
 */
export async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      postings: { type: 'string', default: '20000' },
      concurrency: { type: 'string', default: '32' },
      lanes: { type: 'string', default: '8' },
    },
  });
  const postings = Number(values.postings);
  const concurrency = Number(values.concurrency);
  const lanes = Number(values.lanes);
  const loadBefore = os.loadavg();
  const db = await createTestDatabase('bench_fund');
  const barePool: Pool = createPool(db.url, { max: concurrency });
  try {
    await migrate(db.pool, LEDGER_OWNER, ledgerMigrations);
    const ledger = new Ledger(db.pool, { lanes });
    await ledger.createAccounts([
      { id: 'contributions', code: 'contributions', currency: 'PHP' },
      { id: 'pool', code: 'fund-pool', currency: 'PHP', flags: { debitsMustNotExceedCredits: true } },
      { id: 'payable', code: 'claims-payable', currency: 'PHP' },
      ...Array.from({ length: concurrency }, (_, i) => [
        { id: `pool-${i}`, code: 'fund-pool', currency: 'PHP', flags: { debitsMustNotExceedCredits: true } },
        { id: `payable-${i}`, code: 'claims-payable', currency: 'PHP' },
      ]).flat(),
    ]);
    const fund = async (id: string, to: string) => {
      const outcome = await ledger.transfer({
        id,
        debitAccountId: 'contributions',
        creditAccountId: to,
        amountMinor: 1_000_000_000n,
        currency: 'PHP',
        code: 'contribution',
      });
      if (!outcome.ok) throw new Error(`funding ${to}: ${outcome.code}`);
    };
    await fund('fund-pool', 'pool');
    for (let i = 0; i < concurrency; i++) await fund(`fund-pool-${i}`, `pool-${i}`);
    await barePool.query(`CREATE TABLE bare_transfers (
      id text PRIMARY KEY, kind text NOT NULL, debit_account_id text NOT NULL, credit_account_id text NOT NULL, amount bigint NOT NULL,
      currency text NOT NULL, code text NOT NULL, reference text, pending_id text, recorded_at timestamptz NOT NULL DEFAULT clock_timestamp())`);

    const post =
      (debit: (worker: number) => string, credit: (worker: number) => string, prefix: string) => async (n: number, worker: number) => {
        const outcome = await ledger.transfer({
          id: `${prefix}-${n}`,
          debitAccountId: debit(worker),
          creditAccountId: credit(worker),
          amountMinor: 100n,
          currency: 'PHP',
          code: 'disbursement',
          reference: `claim-${n}`,
        });
        if (!outcome.ok || outcome.status !== 'created')
          throw new Error(`posting ${prefix}-${n}: ${JSON.stringify(outcome, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`);
      };
    const bare = (prefix: string) => async (n: number, worker: number) => {
      await barePool.query(
        `INSERT INTO bare_transfers (id, kind, debit_account_id, credit_account_id, amount, currency, code, reference) VALUES ($1, 'single', $2, $3, 100, 'PHP', 'disbursement', $4)`,
        [`${prefix}-${n}`, `pool-${worker}`, `payable-${worker}`, `claim-${n}`],
      );
    };

    // Warm-up of every path (plans, JIT of the process, connections), not measured.
    await timed(
      2_000,
      concurrency,
      post(
        () => 'pool',
        () => 'payable',
        'warm-contended',
      ),
    );
    await timed(
      2_000,
      concurrency,
      post(
        (w) => `pool-${w}`,
        (w) => `payable-${w}`,
        'warm-distinct',
      ),
    );
    await timed(2_000, concurrency, bare('warm'));

    const contended = await timed(
      postings,
      concurrency,
      post(
        () => 'pool',
        () => 'payable',
        'contended',
      ),
    );
    const distinct = await timed(
      postings,
      concurrency,
      post(
        (w) => `pool-${w}`,
        (w) => `payable-${w}`,
        'distinct',
      ),
    );
    const bareInsert = await timed(postings, concurrency, bare('bare'));
    const trial = await ledger.trialBalance();
    if (!trial.balanced) throw new Error('the trial balance does not balance after the run');
    const loadAfter = os.loadavg();

    const row = (name: string, r: RateAndLatency) =>
      `${name.padEnd(44)} ${r.perSecond.toFixed(0).padStart(8)} /s   p50 ${r.p50Ms.toFixed(2).padStart(7)} ms   p99 ${r.p99Ms.toFixed(2).padStart(7)} ms   (${r.operations} ops)`;
    console.log(
      `\nthe fund's ledger, c=${concurrency}, ${lanes} lanes (load average before ${fmtLoad(loadBefore)}, after ${fmtLoad(loadAfter)})`,
    );
    console.log(row('ledger postings, contended (same accounts)', contended));
    console.log(row('ledger postings, distinct accounts', distinct));
    console.log(row('bare INSERT of the same rows (the limit)', bareInsert));
    const targets = {
      contendedAtLeast1000PerSecond: contended.perSecond >= 1_000,
      contendedP99Under50ms: contended.p99Ms < 50,
      distinctAtLeast50PercentOfBare: distinct.perSecond >= 0.5 * bareInsert.perSecond,
      distinctPercentOfBare: Math.round((distinct.perSecond / bareInsert.perSecond) * 1000) / 10,
    };
    console.log('\ntargets', JSON.stringify(targets, null, 2));
    await mkdir(new URL('./results/', import.meta.url), { recursive: true });
    await writeFile(
      new URL('./results/fund.json', import.meta.url),
      JSON.stringify(
        {
          at: new Date().toISOString(),
          node: process.version,
          cpus: os.cpus().length,
          cpu: os.cpus()[0]?.model,
          loadAverage: { before: loadBefore, after: loadAfter },
          note: 'shared machine: other sessions ran their own work during the run; the owner reruns it quiet',
          concurrency,
          lanes,
          postings,
          contended,
          distinct,
          bareInsert,
          targets,
        },
        null,
        2,
      ) + '\n',
    );
  } finally {
    await barePool.end();
    await db.drop();
  }
}

/** The simulation's long run (the acceptance's 1,000,000 steps); prints the seed, and it on failure. */
export async function simulation(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: { steps: { type: 'string', default: '1000000' }, seed: { type: 'string' } },
  });
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
  console.log(`fund simulation: ${values.steps} steps, seed ${seed}`);
  const started = performance.now();
  const report = runFundSimulation({ seed, steps: Number(values.steps), sweepEvery: 20_000, replayEvery: 20 });
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ ...report, seconds: Math.round(seconds * 10) / 10 }, null, 2));
}

interface RateAndLatency {
  readonly operations: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** `operations` calls of `work`, `concurrency` callers at once (worker w numbers its calls); rate and latencies. */
async function timed(operations: number, concurrency: number, work: (n: number, worker: number) => Promise<void>): Promise<RateAndLatency> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let n = next++; n < operations; n = next++) {
        const t = performance.now();
        await work(n, worker);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { operations, perSecond: operations / seconds, p50Ms: at(0.5), p99Ms: at(0.99) };
}

const fmtLoad = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
