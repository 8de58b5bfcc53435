import { migrate } from '@homeward/pg-kit/migrations';
import { createTestDatabase, type TestDatabase } from '@homeward/testing/infrastructure';
import { Ledger, LEDGER_OWNER, ledgerMigrations } from '@homeward/ledger';
import { LedgerMachine } from '@homeward/ledger/domain';
import { FUND_ACCOUNTS, FundScenario, outcomeShape } from '@homeward/ledger/simulation';

// The same seeded scenario against the pure machine and the PostgreSQL ledger: identical outcomes and
// identical balances. Races (several officers disbursing one approval) run concurrently on PostgreSQL:
// any one may win there, so their outcomes are compared as a multiset, and the balances exactly.
const seed = Number(process.env.FUND_SIMULATION_SEED ?? Math.floor(Math.random() * 2 ** 31));
const STEPS = 3_000;

const show = (value: unknown) => JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

describe('the PostgreSQL ledger and the pure machine', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('ledger_diff');
    await migrate(db.pool, LEDGER_OWNER, ledgerMigrations);
  });
  afterAll(() => db.drop());

  it(`answer the same and hold the same balances over ${STEPS} seeded steps (seed ${seed})`, async () => {
    const scenario = new FundScenario(seed);
    const machine = new LedgerMachine();
    let ledger = new Ledger(db.pool);
    machine.createAccounts(FUND_ACCOUNTS);
    await ledger.createAccounts(FUND_ACCOUNTS);
    let races = 0;
    const compareBalances = async (step: number) => {
      const stored = (await ledger.trialBalance()).accounts.map(({ id, debitsPosted, creditsPosted, debitsPending, creditsPending }) => ({
        id,
        debitsPosted,
        creditsPosted,
        debitsPending,
        creditsPending,
      }));
      const pure = [...machine.state.accounts.values()]
        .map(({ id, debitsPosted, creditsPosted, debitsPending, creditsPending }) => ({
          id,
          debitsPosted,
          creditsPosted,
          debitsPending,
          creditsPending,
        }))
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      expect([`seed ${seed} step ${step}`, show(stored)]).toEqual([`seed ${seed} step ${step}`, show(pure)]);
    };
    for (let i = 0; i < STEPS; i++) {
      const step = scenario.next();
      if (step.kind === 'crash') {
        ledger = new Ledger(db.pool); // nothing in memory survives; the database is the state
        continue;
      }
      if (step.accounts.length > 0) {
        machine.createAccounts(step.accounts);
        await ledger.createAccounts(step.accounts);
      }
      const pure = step.groups.map((group) => machine.linked(group).map(outcomeShape));
      const stored = step.concurrent
        ? await Promise.all(step.groups.map((group) => new Ledger(db.pool, { lanes: 1 }).linked(group).then((o) => o.map(outcomeShape))))
        : await sequentially(step.groups.map((group) => () => ledger.linked(group).then((o) => o.map(outcomeShape))));
      if (step.concurrent) races++;
      const normalise = (outcomes: unknown[][]) => (step.concurrent ? outcomes.map((o) => show(o)).sort() : outcomes.map((o) => show(o)));
      expect([`seed ${seed} step ${step.index} ${step.kind}`, normalise(stored)]).toEqual([
        `seed ${seed} step ${step.index} ${step.kind}`,
        normalise(pure),
      ]);
      if (i % 500 === 499) await compareBalances(step.index);
    }
    await compareBalances(STEPS);
    expect(races).toBeGreaterThan(0);
    const count = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM ledger_transfers');
    expect(Number(count.rows[0]!.n)).toBe(machine.state.transfers.size);
    expect((await ledger.trialBalance()).balanced).toBe(true);
  }, 120_000);
});

async function sequentially<T>(work: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  for (const job of work) results.push(await job());
  return results;
}
