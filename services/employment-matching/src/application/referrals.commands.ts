import type { Pool, PoolClient } from 'pg';
import type { Principal } from '@homeward/auth';
import { CommandHandler, type CommandMetadata, type RequestConditions } from '@homeward/command-handling';
import { IdempotencyKeys } from '@homeward/command-handling/idempotency';
import { EmploymentRuleViolation, ReferralNotFound, VacancyNotFound } from '../domain/employment.errors';
import { decide, type MakeReferral, type RecordHire, type ReferralCommand } from '../domain/referral/referral.decider';
import type { ReferralCloseReason } from '../domain/referral/referral.events';
import type { ReferralEvent } from '../domain/referral/referral.events';
import { evolve, initialState, type ReferralState } from '../domain/referral/referral.state';
import { seekerFacts } from '../domain/seeker/seeker.state';
import { vacancyFacts } from '../domain/vacancy/vacancy.state';
import type { ReferralStreams, VacancyStreams } from '../persistence/employment.streams';
import type { ReadTables } from '../persistence/read-tables';
import type { ReferralRow } from './read-model';
import { authorise, ownReferral, ownVacancy } from './access/employment.access';
import type { MatchExplainer } from './ports/match-explainer';
import type { SeekerCommands } from './seekers.commands';
import type { VacancyCommands } from './vacancies.commands';

export interface ReferralResult {
  readonly referralId: string;
  readonly state: ReferralState;
  readonly version: number;
}

/** What the API asks of a referral after it is made; the application adds what `decide` needs of the vacancy. */
export type ReferralRequestCommand =
  Exclude<ReferralCommand, MakeReferral | RecordHire> | { readonly type: 'RecordHire'; readonly data: Omit<RecordHire['data'], 'vacancy'> };

const UNIQUE_VIOLATION = '23505';

/**
 * Referrals of job seekers to vacancies, their interviews, hires and the end of placements. A referral asks
 * the matching engine for the seeker's explained score first (outside the transaction: it is a read of the
 * engine's own tables) and records it in `ReferralMade`. A hire is recorded in one transaction with what
 * follows from it: the vacancy filled when it takes the last opening (`VacancyFilled` on the vacancy's
 * stream) and the seeker leaving the register as placed (`JobSeekerLeft` on theirs).
 */
export class ReferralCommands {
  private readonly handler: CommandHandler<ReferralCommand, ReferralEvent, ReferralState>;

  constructor(
    private readonly deps: {
      readonly streams: ReferralStreams;
      readonly vacancyStreams: VacancyStreams;
      readonly vacancies: VacancyCommands;
      readonly seekers: SeekerCommands;
      readonly tables: ReadTables;
      readonly explainer: MatchExplainer;
      readonly pool: Pool;
      readonly committed: () => void;
    },
  ) {
    this.handler = new CommandHandler<ReferralCommand, ReferralEvent, ReferralState>({
      decider: { decide, evolve, initialState },
      streams: deps.streams,
      pool: deps.pool,
      idempotency: new IdempotencyKeys(),
      entity: 'referral',
      committed: deps.committed,
      // The employer's read model follows every event, in its transaction.
      needsTransaction: () => true,
      withinTransaction: async (client, _id, after, events) => {
        if (after.status !== 'none' && events.length > 0) await deps.tables.saveReferral(client, after);
      },
    });
  }

  async refer(request: {
    referralId: string;
    vacancyId: string;
    workerId: string;
    principal: Principal;
    metadata: CommandMetadata;
    conditions: RequestConditions;
  }): Promise<ReferralResult> {
    authorise(request.principal, 'refer');
    const { vacancyId, workerId } = request;
    const match = await this.deps.explainer.explain(vacancyId, workerId);
    try {
      const result = await this.handler.handle({
        id: request.referralId,
        command: async (client) => ({
          type: 'MakeReferral',
          data: {
            referralId: request.referralId,
            vacancyId,
            workerId,
            vacancy: vacancyFacts((await this.deps.vacancyStreams.load(vacancyId, undefined, client, { personalData: false })).state, 0),
            seeker: seekerFacts(workerId, await this.deps.seekers.stateIn(client, workerId)),
            liveReferralId: await this.deps.tables.liveReferral(client, vacancyId, workerId),
            match,
          },
        }),
        metadata: request.metadata,
        conditions: request.conditions,
      });
      return { referralId: result.id, state: result.state, version: result.version };
    } catch (error) {
      // Another officer referred the same seeker to the same vacancy in a transaction that committed first.
      if ((error as { code?: string }).code === UNIQUE_VIOLATION)
        throw new EmploymentRuleViolation('referral-already-live', 'workerId', 'the worker was referred to this vacancy just now');
      throw error;
    }
  }

  async execute(request: {
    referralId: string;
    command: ReferralRequestCommand;
    principal: Principal;
    metadata: CommandMetadata;
    conditions: RequestConditions;
  }): Promise<ReferralResult> {
    const { principal, referralId, command, metadata } = request;
    authorise(principal, 'record-outcome');
    const access = (state: ReferralState) => ownReferral(principal, state.status === 'none' ? undefined : state.employerId, referralId);
    if (command.type !== 'RecordHire') {
      const result = await this.handler.handle({ id: referralId, command, metadata, conditions: request.conditions, authorise: access });
      return { referralId: result.id, state: result.state, version: result.version };
    }
    let vacancyId: string | undefined;
    let workerId: string | undefined;
    const result = await this.handler.handle({
      id: referralId,
      authorise: access,
      command: async (client: PoolClient) => {
        const { state } = await this.deps.streams.load(referralId, undefined, client, { personalData: false });
        if (state.status === 'none') throw new ReferralNotFound(`no referral ${referralId}`);
        vacancyId = state.vacancyId;
        workerId = state.workerId;
        // Hires of one vacancy are counted one at a time: its row stays locked until this transaction ends.
        const hires = await this.deps.tables.lockHires(client, state.vacancyId);
        const vacancy = vacancyFacts(
          (await this.deps.vacancyStreams.load(state.vacancyId, undefined, client, { personalData: false })).state,
          hires,
        );
        if (!vacancy) throw new VacancyNotFound(`no vacancy ${state.vacancyId}`);
        return { type: 'RecordHire', data: { ...command.data, vacancy } };
      },
      metadata,
      conditions: request.conditions,
      alongside: async (client) => {
        if (vacancyId === undefined || workerId === undefined) return;
        const hires = await this.deps.tables.hired(client, vacancyId);
        const { state } = await this.deps.vacancyStreams.load(vacancyId, undefined, client, { personalData: false });
        if (state.status !== 'unposted' && hires >= state.openings) {
          await this.deps.vacancies.fillIn(client, vacancyId, metadata);
          // Every other referral still waiting is closed with the vacancy: no opening is left for it.
          await this.closeWaitingIn(client, vacancyId, 'vacancy_filled', metadata);
        }
        await this.deps.seekers.followIn(client, workerId, { type: 'LeaveRegister', data: { reason: 'placed' } }, metadata);
      },
    });
    return { referralId: result.id, state: result.state, version: result.version };
  }

  /**
   * Closes, in the caller's transaction, every referral to the vacancy that still waits for an outcome
   * (`referred`): when the vacancy is filled or withdrawn. Hired referrals go on (their placement stands).
   */
  async closeWaitingIn(client: PoolClient, vacancyId: string, reason: ReferralCloseReason, metadata: CommandMetadata): Promise<void> {
    const { rows } = await client.query<{ referral_id: string }>(
      `SELECT referral_id FROM referrals WHERE vacancy_id = $1 AND status = 'referred' ORDER BY referral_id FOR UPDATE`,
      [vacancyId],
    );
    for (const { referral_id: referralId } of rows) {
      const { state, version } = await this.deps.streams.load(referralId, undefined, client, { personalData: false });
      const events = decide({ type: 'CloseReferral', data: { reason }, metadata }, state);
      await this.deps.streams.append(referralId, version, events, metadata, { before: state, client });
      const after = events.reduce(evolve, state);
      if (after.status !== 'none') await this.deps.tables.saveReferral(client, after);
    }
  }

  async read(referralId: string, principal: Principal): Promise<ReferralResult> {
    authorise(principal, 'read-referrals');
    const { state, version } = await this.deps.streams.load(referralId, undefined, undefined, { personalData: false });
    if (state.status === 'none') throw new ReferralNotFound(`no referral ${referralId}`);
    ownReferral(principal, state.employerId, referralId);
    return { referralId, state, version };
  }

  /** The referrals to one vacancy, from the read model: an employer's own vacancy only. */
  async toVacancy(vacancyId: string, principal: Principal, page: { after?: string; limit: number }): Promise<ReferralRow[]> {
    authorise(principal, 'read-referrals');
    const { state } = await this.deps.vacancyStreams.load(vacancyId, undefined, undefined, { personalData: false });
    if (state.status === 'unposted') throw new VacancyNotFound(`no vacancy ${vacancyId}`);
    ownVacancy(principal, state.employerId, vacancyId);
    return this.deps.tables.referralsTo(vacancyId, page);
  }
}
