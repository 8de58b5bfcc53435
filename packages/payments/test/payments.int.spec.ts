import { migrate } from '@homeward/pg-kit/migrations';
import { createTestDatabase, type TestDatabase } from '@homeward/testing/infrastructure';
import { randomBytes } from 'node:crypto';
import { MasterKeyWrapper, PersonalDataVault, personalDataMigrations } from '@homeward/personal-data';
import { Payments, PAYMENTS_OWNER, paymentsMigrations, PaymentsError, type Payee, type PayeeSealer } from '@homeward/payments';
import { LOCAL_PROVIDER_OWNER, LocalPaymentProvider, localProviderMigrations } from '@homeward/payments/local-provider';

/** The fund's adapter, in small: the payee sealed with the worker's key in a PersonalDataVault. */
const vaultSealer = (vault: PersonalDataVault): PayeeSealer => ({
  seal: async (subjectId, payee) => {
    const s = await vault.seal(subjectId, payee);
    return { keyId: s.keyId, nonce: Buffer.from(s.nonce).toString('base64'), ciphertext: Buffer.from(s.ciphertext).toString('base64') };
  },
  open: (subjectId, s) =>
    vault.open<Payee>(subjectId, {
      keyId: s.keyId,
      nonce: Buffer.from(s.nonce, 'base64'),
      ciphertext: Buffer.from(s.ciphertext, 'base64'),
    }),
});

describe('payments out and their reconciliation', () => {
  let db: TestDatabase;
  let provider: LocalPaymentProvider;
  let payments: Payments;
  let vault: PersonalDataVault;
  const payee = { name: 'Maria Santos', method: 'mobile-money' as const, account: '+639171234567' };
  beforeAll(async () => {
    db = await createTestDatabase('payments');
    await migrate(db.pool, PAYMENTS_OWNER, paymentsMigrations);
    await migrate(db.pool, LOCAL_PROVIDER_OWNER, localProviderMigrations);
    await migrate(db.pool, 'personal-data', personalDataMigrations);
    provider = new LocalPaymentProvider(db.pool);
    vault = new PersonalDataVault(db.pool, new MasterKeyWrapper(randomBytes(32).toString('base64')));
    payments = new Payments(db.pool, provider, vaultSealer(vault));
  });
  afterAll(() => db.drop());

  const count = async (table: string) => Number((await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);

  describe('sending', () => {
    it('pays once when a disbursement is sent twice, and refuses its reference for another payment', async () => {
      const first = await payments.send({ reference: 'disb-1', payee, amountMinor: 10_000_000n, currency: 'PHP' }, 'worker-1');
      const again = await payments.send({ reference: 'disb-1', payee, amountMinor: 10_000_000n, currency: 'PHP' }, 'worker-1');
      expect(again).toEqual(first);
      expect(await count('local_provider_payments')).toBe(1);
      await expect(
        payments.send({ reference: 'disb-1', payee, amountMinor: 10_000_001n, currency: 'PHP' }, 'worker-1'),
      ).rejects.toMatchObject({
        code: 'reference-reused',
        field: 'reference',
      });
      await expect(
        provider.send({ reference: 'disb-1', payee: { ...payee, account: 'other' }, amountMinor: 10_000_000n, currency: 'PHP' }),
      ).rejects.toBeInstanceOf(PaymentsError);
    });

    it('refuses an unknown currency and a non-positive amount, writing nothing', async () => {
      await expect(payments.send({ reference: 'bad-1', payee, amountMinor: 1n, currency: 'PHX' }, 'worker-1')).rejects.toMatchObject({
        code: 'currency-unknown',
      });
      await expect(payments.send({ reference: 'bad-2', payee, amountMinor: 0n, currency: 'PHP' }, 'worker-1')).rejects.toMatchObject({
        code: 'amount-not-positive',
      });
      expect(await count('payments_outgoing')).toBe(1);
    });
  });

  describe('reconciliation', () => {
    it('matches the provider statement to the disbursements, and importing it again changes nothing', async () => {
      await payments.send({ reference: 'disb-2', payee, amountMinor: 2_000_050n, currency: 'PHP' }, 'worker-1');
      await payments.send({ reference: 'disb-3', payee, amountMinor: 700_000_00n, currency: 'NPR' }, 'worker-1');
      const statement = await provider.statement({ failed: ['disb-3'] });
      expect(statement).toMatch(/^date,reference,amount,currency,status\n/);
      expect(statement).toContain(',disb-2,20000.50,PHP,settled');
      const report = await payments.importStatement(statement, 'local-2026-12-06');
      expect(report.linesImported).toBe(3);
      expect(report.matched.map((m) => m.reference)).toEqual(['disb-1', 'disb-2']);
      expect(report.failed).toEqual([expect.objectContaining({ reference: 'disb-3', status: 'failed' })]);
      expect(report.unmatchedPayments.map((p) => p.reference)).toEqual(['disb-3']);
      const lines = await count('payments_statement_lines');
      const twice = await payments.importStatement(statement, 'local-2026-12-06');
      expect(twice.linesImported).toBe(0);
      expect(await count('payments_statement_lines')).toBe(lines);
      expect({ ...twice, linesImported: 3 }).toEqual(report);
    });

    it('reports lines that are no disbursement, amounts that differ and a payment settled twice, and skips lines an overlapping statement repeats', async () => {
      const today = new Date().toISOString().slice(0, 10);
      const report = await payments.importStatement(
        [
          'date,reference,amount,currency,status',
          `${today},stranger,5.00,PHP,settled`,
          `${today},disb-2,20000.49,PHP,settled`,
          `${today},disb-1,100000.00,PHP,settled`,
        ].join('\n'),
        'bank-export',
      );
      expect(report.unmatchedInStatement).toEqual([expect.objectContaining({ reference: 'stranger', amountMinor: 500n })]);
      expect(report.amountMismatches).toEqual([
        { reference: 'disb-2', expectedMinor: 2_000_050n, expectedCurrency: 'PHP', statedMinor: 2_000_049n, statedCurrency: 'PHP' },
      ]);
      // disb-2 is now settled twice (for the right and for a wrong amount); disb-1's line is the very line of
      // the first statement (an overlapping export), recognised and not counted again.
      expect(report.linesImported).toBe(2);
      expect(report.paidMoreThanOnce).toEqual([{ reference: 'disb-2', times: 2 }]);
    });

    it.each([
      ['date,reference,amount,currency,status\n2026-02-30,x,1.00,PHP,settled', 'lines[2].date'],
      ['date,reference,amount,currency,status\n2026-02-03,x,1.001,PHP,settled', 'lines[2].amount'],
      ['date,reference,amount,currency,status\n2026-02-03,x,1.00,PHX,settled', 'lines[2].currency'],
      ['date,reference,amount,currency,status\n2026-02-03,x,1.00,PHP,settled\n2026-02-03,y,1.00,PHP,lost', 'lines[3].status'],
      ['date,reference,amount,currency,status\n2026-02-03,"x,1.00,PHP,settled', 'statement'],
    ])('refuses a malformed statement whole, naming the field (%#)', async (csv, field) => {
      const before = await count('payments_statement_lines');
      await expect(payments.importStatement(csv, 'bad')).rejects.toMatchObject({ code: 'statement-invalid', field });
      expect(await count('payments_statement_lines')).toBe(before);
    });
  });

  describe('the payee', () => {
    const text = async () =>
      (
        await db.pool.query<{ t: string }>(
          `SELECT coalesce((SELECT string_agg(p::text, '|') FROM payments_outgoing p), '') || (SELECT coalesce(string_agg(l::text, '|'), '') FROM local_provider_payments l) AS t`,
        )
      ).rows[0]!.t;

    it('is kept sealed with the worker’s key, and erasure shreds it while the payment still reconciles by reference', async () => {
      const ana = { name: 'Ana Dimaculangan', method: 'bank' as const, account: 'PH98 7654 3210' };
      await payments.send({ reference: 'disb-ana', payee: ana, amountMinor: 150_000n, currency: 'PHP' }, 'worker-ana');
      expect(await text()).not.toMatch(/Dimaculangan|7654/);
      const row = await db.pool.query('SELECT payee_subject, payee_sealed FROM payments_outgoing WHERE reference = $1', ['disb-ana']);
      expect(row.rows[0].payee_subject).toBe('worker-ana');
      expect(
        await vault.open(row.rows[0].payee_subject, {
          ...row.rows[0].payee_sealed,
          nonce: Buffer.from(row.rows[0].payee_sealed.nonce, 'base64'),
          ciphertext: Buffer.from(row.rows[0].payee_sealed.ciphertext, 'base64'),
        }),
      ).toEqual(ana);
      // While the payee can be opened, another payee under the reference is refused.
      await expect(
        payments.send({ reference: 'disb-ana', payee: { ...ana, account: 'PH00' }, amountMinor: 150_000n, currency: 'PHP' }, 'worker-ana'),
      ).rejects.toMatchObject({ code: 'reference-reused' });

      await vault.erase('worker-ana');
      expect(await vaultSealer(vault).open('worker-ana', row.rows[0].payee_sealed)).toBeUndefined();
      const report = await payments.importStatement(
        `date,reference,amount,currency,status\n${new Date().toISOString().slice(0, 10)},disb-ana,1500.00,PHP,settled\n`,
        'after-erasure',
      );
      expect(report.matched.map((m) => m.reference)).toContain('disb-ana');
      expect(await text()).not.toMatch(/Dimaculangan|7654/);
    });
  });
});
