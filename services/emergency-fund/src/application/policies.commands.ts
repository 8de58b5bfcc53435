import type { Pool } from 'pg';
import type { Principal } from '@homeward/auth';
import { CommandHandler, type CommandMetadata, type RequestConditions } from '@homeward/command-handling';
import { IdempotencyKeys } from '@homeward/command-handling/idempotency';
import type { Ledger } from '@homeward/ledger';
import { PolicyNotFound } from '../domain/fund.errors';
import { versionInForce, type PolicyTerms, type PolicyVersion } from '../domain/policy/policy';
import { decide, evolve, initialState, type PolicyCommand, type PolicyEvent, type PolicyState } from '../domain/policy/policy.decider';
import type { PolicyStreams } from '../persistence/fund.streams';
import type { ReadTables } from '../persistence/read-tables';
import { authorise, officerOf } from './access/fund.access';
import { openFundAccounts } from './ledger-accounts';

/** Policies: published as versions; the version in force on a date is the one a claim is decided under. */
export class PolicyCommands {
  private readonly handler: CommandHandler<PolicyCommand, PolicyEvent, PolicyState>;

  constructor(
    private readonly streams: PolicyStreams,
    pool: Pool,
    private readonly tables: ReadTables,
    ledger: Ledger,
    committed: () => void,
  ) {
    this.handler = new CommandHandler<PolicyCommand, PolicyEvent, PolicyState>({
      decider: { decide, evolve, initialState },
      streams,
      pool,
      idempotency: new IdempotencyKeys(),
      entity: 'policy',
      committed,
      needsTransaction: () => true,
      // The versions' index and the fund's ledger accounts follow the publication, in its transaction.
      withinTransaction: async (client, _id, _after, events) => {
        for (const e of events) {
          await this.tables.savePolicy(client, e.data);
          await openFundAccounts(ledger, e.data.fundId, e.data.currency, client);
        }
      },
    });
  }

  async publish(request: {
    terms: PolicyTerms;
    expectedVersion?: number;
    principal: Principal;
    metadata: CommandMetadata;
    conditions: RequestConditions;
  }): Promise<{ version: PolicyVersion; streamVersion: number }> {
    authorise(request.principal, 'publish-policy');
    const result = await this.handler.handle({
      id: request.terms.fundId,
      command: {
        type: 'PublishPolicyVersion',
        data: {
          terms: request.terms,
          publishedBy: officerOf(request.principal),
          ...(request.expectedVersion === undefined ? {} : { expectedVersion: request.expectedVersion }),
        },
      },
      metadata: request.metadata,
      conditions: request.conditions,
    });
    return { version: result.state.versions[result.state.versions.length - 1]!, streamVersion: result.version };
  }

  /** Publishes a default policy unless the fund has a version already (npm start, the demo): idempotent. */
  async publishDefault(terms: PolicyTerms, metadata: CommandMetadata): Promise<void> {
    const { state } = await this.streams.load(terms.fundId, undefined, undefined, { personalData: false });
    if (state.versions.length > 0) return;
    // Two processes starting at once (api and relay): the second finds the version the first published.
    await this.handler
      .handle({
        id: terms.fundId,
        command: { type: 'PublishPolicyVersion', data: { terms, publishedBy: 'system/default-policies' } },
        metadata,
        conditions: {},
      })
      .catch(async (error: unknown) => {
        const again = await this.streams.load(terms.fundId, undefined, undefined, { personalData: false });
        if (again.state.versions.length === 0) throw error;
      });
  }

  async versions(fundId: string, principal: Principal): Promise<PolicyVersion[]> {
    authorise(principal, 'read-policies');
    const versions = await this.tables.policyVersions(fundId);
    if (versions.length === 0) throw new PolicyNotFound(`no policy is published for ${fundId}`);
    return versions;
  }

  async inForce(fundId: string, date: string, db?: Parameters<ReadTables['policyVersions']>[1]): Promise<PolicyVersion | undefined> {
    return versionInForce(await this.tables.policyVersions(fundId, db), date);
  }

  async version(fundId: string, version: number, db?: Parameters<ReadTables['policyVersions']>[1]): Promise<PolicyVersion | undefined> {
    return (await this.tables.policyVersions(fundId, db)).find((v) => v.version === version);
  }
}
