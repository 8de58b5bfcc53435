import { migrate } from '@homeward/pg-kit/migrations';
import { createTestDatabase, type TestDatabase } from '@homeward/testing/infrastructure';
import { Ledger, LEDGER_OWNER, ledgerMigrations } from '@homeward/ledger';
import { LedgerMachine, type LedgerOperation } from '@homeward/ledger/domain';
import { FUND_ACCOUNTS, FundScenario, outcomeShape } from '@homeward/ledger/simulation';

// The same seeded scenario against the pure machine and the PostgreSQL ledger: identical outcomes and
// identical balances. Races (several officers disbursing one approval) run concurrently on PostgreSQL:
// any one may win there, so their outcomes are compared as a multiset, and the balances exactly.
const seed = Number(process.env.FUND_SIMULATION_SEED ?? Math.floor(Math.random() * 2 ** 31));
const STEPS = Number(process.env.FUND_DIFFERENTIAL_STEPS ?? 3_000);

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

describe('the PostgreSQL ledger, its operations coalesced into batches, and the pure machine', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('ledger_batches');
    await migrate(db.pool, LEDGER_OWNER, ledgerMigrations);
  });
  afterAll(() => db.drop());

  // The groups of up to 40 consecutive steps go to one ledger at once (one lane: they queue in order and
  // go in batches of up to 48), so a batch tries the all-at-once path of ledger_execute and, when anything
  // in it is refused, the one-by-one path; the answers and balances must be those of the machine applying
  // the same groups in the same order.
  it(`answer the same and hold the same balances over ${STEPS} seeded steps (seed ${seed})`, async () => {
    const scenario = new FundScenario(seed);
    const machine = new LedgerMachine();
    const ledger = new Ledger(db.pool, { lanes: 1 });
    machine.createAccounts(FUND_ACCOUNTS);
    await ledger.createAccounts(FUND_ACCOUNTS);
    let window: (readonly LedgerOperation[])[] = [];
    let batched = 0;
    const flush = async (at: number) => {
      if (window.length === 0) return;
      const pure = window.map((group) => machine.linked(group).map(outcomeShape));
      const stored = await Promise.all(window.map((group) => ledger.linked(group).then((o) => o.map(outcomeShape))));
      expect([`seed ${seed} steps before ${at}`, stored.map((o) => show(o))]).toEqual([
        `seed ${seed} steps before ${at}`,
        pure.map((o) => show(o)),
      ]);
      if (window.length > 1) batched += window.length;
      window = [];
    };
    let until = 0;
    for (let i = 0; i < STEPS; i++) {
      const step = scenario.next();
      if (step.kind === 'crash') continue;
      if (step.accounts.length > 0 || i >= until) {
        await flush(step.index);
        until = i + 1 + (step.index % 40);
      }
      if (step.accounts.length > 0) {
        machine.createAccounts(step.accounts);
        await ledger.createAccounts(step.accounts);
      }
      window.push(...step.groups);
    }
    await flush(STEPS);
    expect(batched).toBeGreaterThan(STEPS / 2);
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
    expect(show(stored)).toEqual(show(pure));
    const count = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM ledger_transfers');
    expect(Number(count.rows[0]!.n)).toBe(machine.state.transfers.size);
  }, 120_000);
});

async function sequentially<T>(work: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  for (const job of work) results.push(await job());
  return results;
}
