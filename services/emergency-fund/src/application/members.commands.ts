import type { Pool, PoolClient } from 'pg';
import type { Principal } from '@homeward/auth';
import { CommandHandler, type CommandMetadata, type RequestConditions } from '@homeward/command-handling';
import { IdempotencyKeys } from '@homeward/command-handling/idempotency';
import type { Ledger } from '@homeward/ledger';
import { FundRuleViolation } from '../domain/fund.errors';
import { decide, evolve, initialState, type MemberCommand, type MemberEvent, type MemberState } from '../domain/member/member';
import type { Money } from '../domain/policy/policy';
import type { MemberStreams } from '../persistence/fund.streams';
import { authorise } from './access/fund.access';
import { accounts } from './ledger-accounts';
import type { PolicyCommands } from './policies.commands';

/** Membership: contributions booked into the fund (ledger and events in one transaction), coverage granted. */
export class MemberCommands {
  private readonly handler: CommandHandler<MemberCommand, MemberEvent, MemberState>;

  constructor(
    private readonly deps: { streams: MemberStreams; policies: PolicyCommands; ledger: Ledger; pool: Pool; committed: () => void },
  ) {
    this.handler = new CommandHandler<MemberCommand, MemberEvent, MemberState>({
      decider: { decide, evolve, initialState },
      streams: deps.streams,
      pool: deps.pool,
      idempotency: new IdempotencyKeys(),
      entity: 'member',
      committed: deps.committed,
      needsTransaction: () => true,
      withinTransaction: async (client, _id, _after, events) => {
        for (const e of events) {
          if (e.type !== 'ContributionRecorded') continue;
          const outcome = await deps.ledger.transfer(
            {
              id: e.data.transferId,
              debitAccountId: accounts.contributions(e.data.fundId),
              creditAccountId: accounts.pool(e.data.fundId),
              amountMinor: BigInt(e.data.amount.amountMinor),
              currency: e.data.amount.currency,
              code: 'contribution',
              reference: e.data.contributionId,
            },
            client,
          );
          if (!outcome.ok) throw new Error(`the ledger refused the contribution: ${outcome.code}`);
        }
      },
    });
  }

  async contribute(request: {
    workerId: string;
    fundId: string;
    contributionId: string;
    amount: Money;
    paidOn: string;
    principal: Principal;
    metadata: CommandMetadata;
    conditions: RequestConditions;
  }) {
    authorise(request.principal, 'disburse');
    const result = await this.handler.handle({
      id: request.workerId,
      command: async (client) => ({
        type: 'RecordContribution',
        data: {
          workerId: request.workerId,
          contributionId: request.contributionId,
          amount: request.amount,
          paidOn: request.paidOn,
          transferId: `contribution:${request.contributionId}`,
          policy: await this.deps.policies.inForce(request.fundId, request.paidOn, client),
        },
      }),
      metadata: request.metadata,
      conditions: request.conditions,
    });
    return { workerId: request.workerId, state: result.state, version: result.version };
  }

  async read(workerId: string, principal: Principal) {
    authorise(principal, 'read-claims');
    const { state, version } = await this.deps.streams.load(workerId, undefined, undefined, { personalData: false });
    return { workerId, state, version };
  }

  /** Registration's departure, where the policy covers by registration: coverage, once per departure event. */
  async followDeparture(
    client: PoolClient,
    fundId: string,
    departure: { workerId: string; departedOn: string; eventId: string },
    metadata: CommandMetadata,
  ) {
    const policy = await this.deps.policies.inForce(fundId, departure.departedOn, client);
    if (!policy) return;
    const { state, version } = await this.deps.streams.load(departure.workerId, undefined, client, { personalData: false });
    const events = decide(
      {
        type: 'GrantRegistrationCoverage',
        data: { workerId: departure.workerId, departedOn: departure.departedOn, sourceEventId: departure.eventId, policy },
        metadata,
      },
      state,
    );
    if (events.length > 0) await this.deps.streams.append(departure.workerId, version, events, metadata, { before: state, client });
  }

  /** Registration erased the worker: the fund's key for them is deleted and the erasure recorded, in one transaction. */
  async erase(client: PoolClient, workerId: string, shred: (client: PoolClient) => Promise<void>, metadata: CommandMetadata) {
    const { state, version } = await this.deps.streams.load(workerId, undefined, client, { personalData: false });
    const events = decide({ type: 'RecordErasure', data: { workerId, basis: 'registry_erasure' }, metadata }, state);
    await shred(client);
    if (events.length > 0) await this.deps.streams.append(workerId, version, events, metadata, { before: state, client });
  }

  /** A budget allocation into the fund's pool (ledger only: no event; the trial balance shows it). */
  async allocate(request: { fundId: string; allocationId: string; amount: Money; principal: Principal }) {
    authorise(request.principal, 'disburse');
    if (!Number.isSafeInteger(request.amount.amountMinor) || request.amount.amountMinor <= 0)
      throw new FundRuleViolation('amount-not-positive', 'amount.amountMinor', 'an allocation is positive');
    const outcome = await this.deps.ledger.transfer({
      id: `allocation:${request.fundId}:${request.allocationId}`,
      debitAccountId: accounts.budget(request.fundId),
      creditAccountId: accounts.pool(request.fundId),
      amountMinor: BigInt(request.amount.amountMinor),
      currency: request.amount.currency,
      code: 'budget-allocation',
      reference: request.allocationId,
    });
    if (!outcome.ok) {
      if (outcome.code === 'transfer-id-reused')
        throw new FundRuleViolation(
          'contribution-already-recorded',
          'allocationId',
          `allocation ${request.allocationId} was booked with another amount`,
        );
      if (outcome.code === 'credit-account-not-found' || outcome.code === 'debit-account-not-found')
        throw new FundRuleViolation('unknown-fund', 'fundId', `no policy is published for ${request.fundId}`);
      if (outcome.code === 'currency-mismatch')
        throw new FundRuleViolation('policy-currency-mismatch', 'amount.currency', 'the fund keeps another currency');
      throw new Error(`the ledger refused the allocation: ${outcome.code}`);
    }
    return outcome;
  }
}
