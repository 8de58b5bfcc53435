import { migrate } from '@homeward/pg-kit/migrations';
import { createTestDatabase, type TestDatabase } from '@homeward/testing/infrastructure';
import { Ledger, LEDGER_OWNER, ledgerMigrations, LedgerError } from '@homeward/ledger';

describe('the ledger on PostgreSQL', () => {
  let db: TestDatabase;
  let ledger: Ledger;
  beforeAll(async () => {
    db = await createTestDatabase('ledger');
    await migrate(db.pool, LEDGER_OWNER, ledgerMigrations);
    ledger = new Ledger(db.pool);
    await ledger.createAccounts([
      { id: 'contributions', code: 'contributions', currency: 'PHP', flags: { creditsMustNotExceedDebits: false } },
      { id: 'pool', code: 'fund-pool', currency: 'PHP', flags: { debitsMustNotExceedCredits: true } },
      { id: 'claim-1', code: 'claim', currency: 'PHP', flags: { creditsMustNotExceedDebits: true } },
      { id: 'cap-1', code: 'claim-cap', currency: 'PHP' },
      { id: 'paid', code: 'paid', currency: 'PHP' },
      { id: 'npr', code: 'fund-pool', currency: 'NPR' },
    ]);
    expect(
      await ledger.transfer({
        id: 'c1',
        debitAccountId: 'contributions',
        creditAccountId: 'pool',
        amountMinor: 100_000n,
        currency: 'PHP',
        code: 'contribution',
      }),
    ).toMatchObject({ ok: true, status: 'created' });
  });
  afterAll(() => db.drop());

  const reserve = (id: string, amount: bigint) =>
    ledger.transfer({
      id,
      debitAccountId: 'pool',
      creditAccountId: 'paid',
      amountMinor: amount,
      currency: 'PHP',
      code: 'reserve',
      pending: true,
      reference: `claim:${id}`,
    });

  describe('accounts', () => {
    it('creates accounts once: the same body again changes nothing, another body is refused', async () => {
      await ledger.createAccounts([{ id: 'pool', code: 'fund-pool', currency: 'PHP', flags: { debitsMustNotExceedCredits: true } }]);
      await expect(ledger.createAccounts([{ id: 'pool', code: 'fund-pool', currency: 'NPR' }])).rejects.toMatchObject({
        code: 'account-id-reused',
      });
      await expect(ledger.createAccounts([{ id: 'x', code: 'x', currency: 'ZZZ' }])).rejects.toBeInstanceOf(LedgerError);
    });
  });

  describe('a pool that must not be overdrawn', () => {
    it('refuses a transfer beyond its credits, and writes nothing', async () => {
      const before = await ledger.balance('pool');
      expect(
        await ledger.transfer({
          id: 'big',
          debitAccountId: 'pool',
          creditAccountId: 'paid',
          amountMinor: 100_001n,
          currency: 'PHP',
          code: 'pay',
        }),
      ).toEqual({ ok: false, id: 'big', code: 'exceeds-credits' });
      expect(await ledger.balance('pool')).toEqual(before);
      expect(await ledger.getTransfer('big')).toBeUndefined();
    });

    it('counts pending debits against the limit', async () => {
      expect(await reserve('r-limit', 90_000n)).toMatchObject({ ok: true });
      expect(await reserve('r-over', 20_000n)).toMatchObject({ ok: false, code: 'exceeds-credits' });
      expect(await ledger.void({ id: 'v-limit', pendingId: 'r-limit' })).toMatchObject({ ok: true, status: 'created' });
      expect(await reserve('r-over-2', 20_000n)).toMatchObject({ ok: true });
      expect(await ledger.void({ id: 'v-over-2', pendingId: 'r-over-2' })).toMatchObject({ ok: true });
    });
  });

  describe('two-phase transfers', () => {
    it('reserves, posts part, and releases the rest', async () => {
      const before = await ledger.balance('pool');
      await reserve('r1', 10_000n);
      expect(await ledger.balance('pool')).toMatchObject({ debitsPending: before.debitsPending + 10_000n });
      const posted = await ledger.post({ id: 'p1', pendingId: 'r1', amountMinor: 7_500n });
      expect(posted).toMatchObject({ ok: true, status: 'created', transfer: { kind: 'post', amountMinor: 7_500n, reference: 'claim:r1' } });
      expect(await ledger.balance('pool')).toMatchObject({
        debitsPending: before.debitsPending,
        debitsPosted: before.debitsPosted + 7_500n,
      });
    });

    it('answers a retried post with the first result, and refuses a second resolution', async () => {
      expect(await ledger.post({ id: 'p1', pendingId: 'r1', amountMinor: 7_500n })).toMatchObject({ ok: true, status: 'exists' });
      expect(await ledger.post({ id: 'p1', pendingId: 'r1', amountMinor: 7_000n })).toMatchObject({
        ok: false,
        code: 'transfer-id-reused',
      });
      expect(await ledger.post({ id: 'p1-again', pendingId: 'r1' })).toMatchObject({ ok: false, code: 'already-posted' });
      expect(await ledger.void({ id: 'v1', pendingId: 'r1' })).toMatchObject({ ok: false, code: 'already-posted' });
      await reserve('r2', 1_000n);
      await ledger.void({ id: 'v2', pendingId: 'r2' });
      expect(await ledger.post({ id: 'p2', pendingId: 'r2' })).toMatchObject({ ok: false, code: 'already-voided' });
      expect(await ledger.post({ id: 'p3', pendingId: 'nothing' })).toMatchObject({ ok: false, code: 'pending-not-found' });
      await reserve('r3', 1_000n);
      expect(await ledger.post({ id: 'p4', pendingId: 'r3', amountMinor: 1_001n })).toMatchObject({
        ok: false,
        code: 'exceeds-pending-amount',
      });
    });

    it('pays a pending transfer once when many disbursements race for it', async () => {
      await reserve('r-race', 500n);
      const outcomes = await Promise.all(
        Array.from({ length: 16 }, (_, i) => new Ledger(db.pool, { lanes: 1 }).post({ id: `pay-race-${i}`, pendingId: 'r-race' })),
      );
      expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
      expect(outcomes.filter((o) => !o.ok && o.code === 'already-posted')).toHaveLength(15);
    });

    it('creates a transfer once when the same id races', async () => {
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, () =>
          new Ledger(db.pool, { lanes: 1 }).transfer({
            id: 'same',
            debitAccountId: 'contributions',
            creditAccountId: 'pool',
            amountMinor: 1n,
            currency: 'PHP',
            code: 'c',
          }),
        ),
      );
      expect(outcomes.map((o) => (o.ok ? o.status : o.code)).sort()).toEqual(['created', ...Array(7).fill('exists')]);
    });
  });

  describe('refusals with codes', () => {
    it.each([
      ['amount-not-positive', { amountMinor: 0n }],
      ['accounts-same', { creditAccountId: 'pool' }],
      ['debit-account-not-found', { debitAccountId: 'nobody' }],
      ['credit-account-not-found', { creditAccountId: 'nobody' }],
      ['currency-mismatch', { creditAccountId: 'npr' }],
      // the pure machine's order: a missing or foreign account is answered before the limit it would also break
      ['credit-account-not-found', { creditAccountId: 'nobody', amountMinor: 10_000_000_000n }],
      ['currency-mismatch', { creditAccountId: 'npr', amountMinor: 10_000_000_000n }],
      ['transfer-id-reused', { id: 'c1' }],
    ])('refuses with %s', async (code, change) => {
      const transfer = {
        id: `t-${code}`,
        debitAccountId: 'pool',
        creditAccountId: 'paid',
        amountMinor: 1n,
        currency: 'PHP',
        code: 'pay',
        ...change,
      };
      expect(await ledger.transfer(transfer)).toMatchObject({ ok: false, code });
    });
  });

  describe('batches (concurrent calls coalesced into one statement)', () => {
    // One lane: the first call goes alone, the next ones queue and go together in one batch.
    const batchOf = async (operations: Parameters<Ledger['transfer']>[0][]) => {
      const lane = new Ledger(db.pool, { lanes: 1 });
      await lane.createAccounts([
        { id: 'b-source', code: 'contributions', currency: 'PHP' },
        { id: 'b-pool', code: 'fund-pool', currency: 'PHP', flags: { debitsMustNotExceedCredits: true } },
        { id: 'b-paid', code: 'paid', currency: 'PHP' },
        { id: 'b-claim', code: 'claim', currency: 'PHP', flags: { creditsMustNotExceedDebits: true } },
      ]);
      const opener = lane.transfer({
        id: `b-open-${operations[0]!.id}`,
        debitAccountId: 'b-source',
        creditAccountId: 'b-paid',
        amountMinor: 1n,
        currency: 'PHP',
        code: 'x',
      });
      const outcomes = await Promise.all(operations.map((operation) => lane.transfer(operation)));
      await opener;
      return outcomes.map((o) => (o.ok ? `${o.id}:${o.status}` : `${o.id}:${o.code}`));
    };
    const move = (id: string, from: string, to: string, amount: bigint) => ({
      id,
      debitAccountId: from,
      creditAccountId: to,
      amountMinor: amount,
      currency: 'PHP',
      code: 'move',
    });

    it('answers each transfer as if run in turn, even where the batch as a whole would pass its limits', async () => {
      const funded = await batchOf([move('b-fund', 'b-source', 'b-pool', 100n)]);
      expect(funded).toEqual(['b-fund:created']);
      const before = await ledger.balance('b-pool');
      // In turn: 150 out of a pool of 100 is refused, then 100 comes in; all together the pool would end at 50.
      expect(await batchOf([move('b-out', 'b-pool', 'b-paid', 150n), move('b-in', 'b-source', 'b-pool', 100n)])).toEqual([
        'b-out:exceeds-credits',
        'b-in:created',
      ]);
      expect(await ledger.balance('b-pool')).toEqual({ ...before, creditsPosted: before.creditsPosted + 100n });
      // And the other way round: 50 into a claim that must not hold more than was debited to it is refused
      // before the 50 that would have been debited to it next.
      expect(await batchOf([move('b-c1', 'b-source', 'b-claim', 50n), move('b-c2', 'b-claim', 'b-paid', 50n)])).toEqual([
        'b-c1:exceeds-debits',
        'b-c2:created',
      ]);
    });

    it('creates the rest of a batch when one transfer in it is refused, and answers a repeated id once created', async () => {
      const before = await ledger.balance('b-pool');
      expect(
        await batchOf([
          move('b-1', 'b-pool', 'b-paid', 10n),
          move('b-2', 'b-pool', 'b-paid', 1_000_000n),
          move('b-3', 'b-pool', 'b-missing', 10n),
          move('b-4', 'b-pool', 'b-paid', 0n),
          move('b-1', 'b-pool', 'b-paid', 10n),
          move('b-5', 'b-pool', 'b-paid', 10n),
        ]),
      ).toEqual([
        'b-1:created',
        'b-2:exceeds-credits',
        'b-3:credit-account-not-found',
        'b-4:amount-not-positive',
        'b-1:exists',
        'b-5:created',
      ]);
      expect(await ledger.balance('b-pool')).toEqual({ ...before, debitsPosted: before.debitsPosted + 20n });
      expect((await ledger.trialBalance()).balanced).toBe(true);
    });

    it('moves every account of a batch that passes, in one statement', async () => {
      const before = await ledger.balance('b-pool');
      const ids = Array.from({ length: 30 }, (_, k) => `b-many-${k}`);
      expect(await batchOf(ids.map((id) => move(id, 'b-pool', 'b-paid', 1n)))).toEqual(ids.map((id) => `${id}:created`));
      expect(await ledger.balance('b-pool')).toEqual({ ...before, debitsPosted: before.debitsPosted + 30n });
      expect((await ledger.trialBalance()).balanced).toBe(true);
    });
  });

  describe('linked transfers', () => {
    it('writes all or nothing', async () => {
      const before = await ledger.trialBalance();
      const outcomes = await ledger.linked([
        {
          kind: 'transfer',
          id: 'l1',
          debitAccountId: 'contributions',
          creditAccountId: 'pool',
          amountMinor: 10n,
          currency: 'PHP',
          code: 'c',
        },
        {
          kind: 'transfer',
          id: 'l2',
          debitAccountId: 'pool',
          creditAccountId: 'paid',
          amountMinor: 10_000_000n,
          currency: 'PHP',
          code: 'c',
        },
      ]);
      expect(outcomes).toEqual([
        { ok: false, id: 'l1', code: 'linked-event-failed' },
        { ok: false, id: 'l2', code: 'exceeds-credits' },
      ]);
      expect((await ledger.trialBalance()).accounts).toEqual(before.accounts);
      expect(await ledger.getTransfer('l1')).toBeUndefined();
    });
  });

  describe('the database itself', () => {
    it('refuses raw SQL that would overdraw, edit or delete', async () => {
      await expect(
        db.pool.query(
          `INSERT INTO ledger_transfers (id, kind, debit_account_id, credit_account_id, amount, currency, code) VALUES ('raw', 'single', 'pool', 'paid', 100000000, 'PHP', 'x')`,
        ),
      ).rejects.toMatchObject({ constraint: 'ledger_exceeds_credits' });
      await expect(db.pool.query(`UPDATE ledger_accounts SET credits_posted = credits_posted + 1 WHERE id = 'pool'`)).rejects.toThrow(
        /only through transfers/,
      );
      await expect(db.pool.query(`UPDATE ledger_transfers SET amount = 1 WHERE id = 'c1'`)).rejects.toThrow(/immutable/);
      await expect(db.pool.query(`DELETE FROM ledger_transfers WHERE id = 'c1'`)).rejects.toThrow(/immutable/);
      await expect(
        db.pool.query(`INSERT INTO ledger_accounts (id, code, currency, credits_posted) VALUES ('rich', 'x', 'PHP', 5)`),
      ).rejects.toThrow(/zero balances/);
      await expect(
        db.pool.query(
          `INSERT INTO ledger_transfers (id, kind, debit_account_id, credit_account_id, amount, currency, code, pending_id) VALUES ('raw-post', 'post', 'pool', 'paid', 1, 'PHP', 'reserve', 'p1')`,
        ),
      ).rejects.toThrow(/pending-not-found/);
    });

    it('moves balances by a raw insert exactly as through the API, so the books still balance', async () => {
      await db.pool.query(
        `INSERT INTO ledger_transfers (id, kind, debit_account_id, credit_account_id, amount, currency, code) VALUES ('raw-ok', 'single', 'contributions', 'pool', 5, 'PHP', 'x')`,
      );
      expect((await ledger.trialBalance()).balanced).toBe(true);
    });
  });

  describe('as of a moment', () => {
    it('answers the balances and the trial balance of then', async () => {
      await ledger.createAccounts([
        { id: 'asof-a', code: 'a', currency: 'PHP' },
        { id: 'asof-b', code: 'b', currency: 'PHP' },
      ]);
      await ledger.transfer({
        id: 'asof-1',
        debitAccountId: 'asof-a',
        creditAccountId: 'asof-b',
        amountMinor: 10n,
        currency: 'PHP',
        code: 'x',
        pending: true,
      });
      // A moment clearly between the two: the database records microseconds, a Date only milliseconds (a Date
      // taken right after the transfer could truncate to before it).
      await new Promise((resolve) => setTimeout(resolve, 5));
      const between = new Date();
      await new Promise((resolve) => setTimeout(resolve, 5));
      await ledger.post({ id: 'asof-2', pendingId: 'asof-1', amountMinor: 4n });
      expect(await ledger.balance('asof-a', between)).toMatchObject({ debitsPending: 10n, debitsPosted: 0n });
      expect(await ledger.balance('asof-a')).toMatchObject({ debitsPending: 0n, debitsPosted: 4n });
      const thenTrial = await ledger.trialBalance(between);
      expect(thenTrial.balanced).toBe(true);
      const now = await ledger.trialBalance();
      const fold = await ledger.trialBalance(new Date(Date.now() + 60_000));
      expect(fold.accounts).toEqual(now.accounts);
    });
  });
});
