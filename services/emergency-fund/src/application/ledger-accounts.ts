import type { PoolClient } from 'pg';
import type { Ledger, NewAccount } from '@homeward/ledger';

/**
 * The fund's accounts in the ledger (docs/adr/0007). Money moves from the debited account to the credited
 * one; the pool may never be debited beyond what was credited to it (pending reservations included), so the
 * fund cannot pay out more than it holds.
 * - `fund:<fundId>:contributions` → pool: workers' contributions;
 * - `fund:<fundId>:budget` → pool: budget allocations;
 * - pool → `claim:<claimId>`: a claim's reservation (pending) on its final approval, posted on disbursement,
 *   voided on rejection or cancellation. The claim account's credits are what the claim was paid.
 */
export const accounts = {
  pool: (fundId: string) => `fund:${fundId}:pool`,
  contributions: (fundId: string) => `fund:${fundId}:contributions`,
  budget: (fundId: string) => `fund:${fundId}:budget`,
  claim: (claimId: string) => `claim:${claimId}`,
};

export async function openFundAccounts(ledger: Ledger, fundId: string, currency: string, client: PoolClient): Promise<void> {
  const list: NewAccount[] = [
    { id: accounts.pool(fundId), code: 'fund-pool', currency, flags: { debitsMustNotExceedCredits: true } },
    { id: accounts.contributions(fundId), code: 'contributions', currency },
    { id: accounts.budget(fundId), code: 'budget-allocations', currency },
  ];
  await ledger.createAccounts(list, client);
}
