import { createHash, randomUUID } from 'node:crypto';
import type { Pool } from '@homeward/pg-kit';
import type { Migration } from '@homeward/pg-kit/migrations';
import { PaymentsError, toMajor, type PaymentOrder, type PaymentProvider, type PaymentReceipt } from './payments';

export const LOCAL_PROVIDER_OWNER = 'payments-local-provider';

/** The local provider's own books: what a bank would hold on its side. */
export const localProviderMigrations: Migration[] = [
  {
    id: '0001_local_provider',
    sql: `
CREATE TABLE local_provider_payments (
  reference text PRIMARY KEY,
  provider_payment_id text NOT NULL UNIQUE,
  payee jsonb NOT NULL,
  amount bigint NOT NULL CHECK (amount > 0),
  currency text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);`,
  },
  {
    // The provider's books run in the fund's database here, so they keep no payee in the clear either (a real
    // bank holds the payee on its side, out of the fund's erasure): only a digest of it with the reference,
    // enough to recognise the same order again.
    id: '0002_local_provider_payee_digest',
    sql: `
ALTER TABLE local_provider_payments ADD COLUMN payee_digest text;
UPDATE local_provider_payments
   SET payee_digest = encode(sha256(convert_to(reference || E'\\n' || (payee->>'name') || E'\\n' || (payee->>'method') || E'\\n' || (payee->>'account'), 'UTF8')), 'hex');
ALTER TABLE local_provider_payments ALTER COLUMN payee_digest SET NOT NULL, DROP COLUMN payee;`,
  },
];

/** The digest the local provider keeps of an order's payee: sha256 of the reference, name, method and account. */
export const payeeDigest = (order: PaymentOrder): string =>
  createHash('sha256').update([order.reference, order.payee.name, order.payee.method, order.payee.account].join('\n')).digest('hex');

/**
 * A provider for development and tests: it "pays" by writing a row, idempotent by reference like a real
 * one, and writes statements in the CSV the reconciliation imports.
 */
export class LocalPaymentProvider implements PaymentProvider {
  readonly name = 'local';

  constructor(private readonly pool: Pool) {}

  async send(order: PaymentOrder): Promise<PaymentReceipt> {
    const payee = payeeDigest(order);
    const { rows } = await this.pool.query<{ provider_payment_id: string; same: boolean }>(
      `WITH inserted AS (
         INSERT INTO local_provider_payments (reference, provider_payment_id, payee_digest, amount, currency) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (reference) DO NOTHING RETURNING provider_payment_id, true AS same
       )
       SELECT provider_payment_id, same FROM inserted
       UNION ALL
       SELECT provider_payment_id, (payee_digest = $3 AND amount = $4 AND currency = $5) FROM local_provider_payments
        WHERE reference = $1 AND NOT EXISTS (SELECT 1 FROM inserted)`,
      [order.reference, `local-${randomUUID()}`, payee, order.amountMinor.toString(), order.currency],
    );
    const row = rows[0]!;
    if (!row.same)
      throw new PaymentsError(
        'reference-reused',
        `the provider holds ${order.reference} with another payee, amount or currency`,
        'reference',
      );
    return { reference: order.reference, providerPaymentId: row.provider_payment_id };
  }

  /** A statement of the payments received between `from` and `to`, each settled unless listed as failed. */
  async statement(options: { from?: Date; to?: Date; failed?: readonly string[] } = {}): Promise<string> {
    const { rows } = await this.pool.query<{ date: string; reference: string; amount: string; currency: string }>(
      `SELECT to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS date, reference, amount::text, currency
         FROM local_provider_payments WHERE received_at >= $1 AND received_at <= $2 ORDER BY received_at, reference`,
      [options.from ?? new Date(0), options.to ?? new Date('9999-12-31T00:00:00Z')],
    );
    const failed = new Set(options.failed ?? []);
    const lines = rows.map((r) =>
      [
        r.date,
        csvField(r.reference),
        toMajor(BigInt(r.amount), r.currency),
        r.currency,
        failed.has(r.reference) ? 'failed' : 'settled',
      ].join(','),
    );
    return ['date,reference,amount,currency,status', ...lines].join('\n') + '\n';
  }
}

const csvField = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
