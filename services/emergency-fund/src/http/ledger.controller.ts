import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { commandMetadata } from '@homeward/command-handling/http';
import type { RequestHeaders } from '@homeward/service-kit/conditions';
import type { Principal } from '@homeward/auth';
import { CurrentPrincipal } from '@homeward/service-kit';
import { authorise } from '../application/access/fund.access';
import { FUND_APPLICATION, type FundApplication } from '../application/fund.application';
import type { components } from './generated/emergency-fund.v1';

type Schemas = components['schemas'];

const s = (n: bigint) => n.toString();

@Controller()
export class LedgerController {
  constructor(@Inject(FUND_APPLICATION) private readonly app: FundApplication) {}

  /** Debits = credits, now or as of a moment: the ledger's fold of the transfers recorded up to it. */
  @Get('ledger/trial-balance')
  async trialBalance(@CurrentPrincipal() principal: Principal, @Query('asOf') asOf: string | undefined): Promise<Schemas['TrialBalance']> {
    authorise(principal, 'read-ledger');
    const report = await this.app.ledger.trialBalance(asOf ? new Date(asOf) : undefined);
    return {
      asOf: report.asOf ? report.asOf.toISOString() : null,
      balanced: report.balanced,
      totalDebits: s(report.totalDebits),
      totalCredits: s(report.totalCredits),
      totalDebitsPending: s(report.totalDebitsPending),
      totalCreditsPending: s(report.totalCreditsPending),
      byCurrency: Object.fromEntries(
        Object.entries(report.byCurrency).map(([c, e]) => [
          c,
          { totalDebits: s(e.totalDebits), totalCredits: s(e.totalCredits), balanced: e.balanced },
        ]),
      ),
      accounts: report.accounts.map((a) => ({
        id: a.id,
        code: a.code,
        currency: a.currency,
        debitsPosted: s(a.debitsPosted),
        creditsPosted: s(a.creditsPosted),
        debitsPending: s(a.debitsPending),
        creditsPending: s(a.creditsPending),
      })),
    };
  }

  @Post('funds/:fundId/allocations')
  @HttpCode(201)
  async allocate(
    @Param('fundId') fundId: string,
    @Body() body: Schemas['AllocationRequest'],
    @CurrentPrincipal() principal: Principal,
  ): Promise<Schemas['AllocationOutcome']> {
    const outcome = await this.app.members.allocate({ fundId, allocationId: body.allocationId, amount: body.amount, principal });
    return { transferId: outcome.id, status: outcome.ok ? outcome.status : 'exists' };
  }

  @Post('reconciliation/statements')
  @HttpCode(200)
  async importStatement(
    @Body() body: Schemas['StatementImportRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
  ): Promise<Schemas['ReconciliationReport']> {
    const { report, reconciled } = await this.app.claims.importStatement({
      csv: body.lines.join('\n'),
      source: body.statementId,
      principal,
      metadata: commandMetadata(principal, headers, this.app.clock(), this.app.originCountry),
    });
    // bigint amounts as decimal strings.
    const plain = JSON.parse(JSON.stringify(report, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as Omit<
      Schemas['ReconciliationReport'],
      'reconciledClaims'
    >;
    return { ...plain, reconciledClaims: reconciled };
  }
}
