import type { Pool, PoolClient } from 'pg';
import type { Principal } from '@homeward/auth';
import { CommandHandler, type CommandMetadata, type RequestConditions } from '@homeward/command-handling';
import { IdempotencyKeys } from '@homeward/command-handling/idempotency';
import { VacancyNotFound } from '../domain/employment.errors';
import { decide, type PostVacancy, type VacancyCommand } from '../domain/vacancy/vacancy.decider';
import type { VacancyEvent } from '../domain/vacancy/vacancy.events';
import { evolve, initialState, type VacancyState } from '../domain/vacancy/vacancy.state';
import type { VacancyStreams } from '../persistence/employment.streams';
import type { ReadTables } from '../persistence/read-tables';
import { AccessDenied, authorise, ownVacancy } from './access/employment.access';

export interface VacancyResult {
  readonly vacancyId: string;
  readonly state: VacancyState;
  readonly version: number;
  readonly hires: number;
}

/** What the API asks when posting: the application adds the owner and the standards the requirements name. */
export type PostVacancyRequest = Omit<PostVacancy['data'], 'standards' | 'employerId' | 'postedBy' | 'vacancyId'> & {
  /** The owner, when the employment office posts on an employer's behalf; an employer posts as itself. */
  readonly employerId?: string;
};

/** What a withdrawal does to the referrals still waiting, in its transaction (the referrals' commands do it). */
export type WaitingReferralsCloser = (client: PoolClient, vacancyId: string, metadata: CommandMetadata) => Promise<void>;

/** Vacancies: posted by employers (as themselves) and the employment office (on an employer's behalf). */
export class VacancyCommands {
  private readonly handler: CommandHandler<VacancyCommand, VacancyEvent, VacancyState>;
  private closeWaitingReferrals: WaitingReferralsCloser = async () => undefined;

  /** Wired once the referrals' commands exist (they depend on these). */
  withdrawalClosesReferralsWith(closer: WaitingReferralsCloser): void {
    this.closeWaitingReferrals = closer;
  }

  constructor(
    private readonly streams: VacancyStreams,
    private readonly pool: Pool,
    private readonly tables: ReadTables,
    committed: () => void,
  ) {
    this.handler = new CommandHandler<VacancyCommand, VacancyEvent, VacancyState>({
      decider: { decide, evolve, initialState },
      streams,
      pool,
      idempotency: new IdempotencyKeys(),
      entity: 'vacancy',
      committed,
      // The vacancies' index follows every event, in its transaction.
      needsTransaction: () => true,
      withinTransaction: async (client, _id, after, events) => {
        if (after.status === 'unposted' || events.length === 0) return;
        await this.tables.saveVacancy(client, after);
      },
    });
  }

  async post(request: {
    vacancyId: string;
    body: PostVacancyRequest;
    principal: Principal;
    metadata: CommandMetadata;
    conditions: RequestConditions;
  }): Promise<VacancyResult> {
    const { principal, body } = request;
    authorise(principal, 'post-vacancy');
    let employerId: string;
    if (principal.kind === 'employer') {
      if (body.employerId !== undefined && body.employerId !== principal.organisationId)
        throw new AccessDenied('an employer posts vacancies as its own organisation only', 'access.not-own-organisation');
      employerId = principal.organisationId;
    } else {
      if (body.employerId === undefined)
        throw new AccessDenied(
          'the employment office posts a vacancy on an employer’s behalf: employerId names it',
          'access.not-own-organisation',
        );
      employerId = body.employerId;
    }
    const { employerId: _e, ...rest } = body;
    const result = await this.handler.handle({
      id: request.vacancyId,
      command: async (client) => ({
        type: 'PostVacancy',
        data: {
          ...rest,
          vacancyId: request.vacancyId,
          employerId,
          postedBy: principal.kind === 'employer' ? 'employer' : 'employment_office',
          standards: await this.tables.standards([...rest.requiredStandards, ...rest.requiredUnits.map((u) => u.standardId)], client),
        },
      }),
      metadata: request.metadata,
      conditions: request.conditions,
    });
    return { vacancyId: result.id, state: result.state, version: result.version, hires: 0 };
  }

  async execute(request: {
    vacancyId: string;
    command: Exclude<VacancyCommand, PostVacancy | { type: 'FillVacancy' }>;
    principal: Principal;
    metadata: CommandMetadata;
    conditions: RequestConditions;
  }): Promise<VacancyResult> {
    const { principal, vacancyId } = request;
    authorise(principal, 'manage-vacancy');
    const result = await this.handler.handle({
      id: vacancyId,
      command: request.command,
      metadata: request.metadata,
      conditions: request.conditions,
      authorise: (state) => ownVacancy(principal, state.status === 'unposted' ? undefined : state.employerId, vacancyId),
      // A withdrawn vacancy's waiting referrals are closed with it, in its transaction.
      ...(request.command.type === 'WithdrawVacancy'
        ? { alongside: (client: PoolClient) => this.closeWaitingReferrals(client, vacancyId, request.metadata) }
        : {}),
    });
    return { vacancyId: result.id, state: result.state, version: result.version, hires: await this.hires(vacancyId) };
  }

  async read(vacancyId: string, principal: Principal): Promise<VacancyResult> {
    authorise(principal, 'read-vacancies');
    const { state, version } = await this.streams.load(vacancyId, undefined, undefined, { personalData: false });
    if (state.status === 'unposted') throw new VacancyNotFound(`no vacancy ${vacancyId}`);
    ownVacancy(principal, state.employerId, vacancyId);
    return { vacancyId, state, version, hires: await this.hires(vacancyId) };
  }

  private async hires(vacancyId: string): Promise<number> {
    const { rows } = await this.pool.query<{ hires: number }>(`SELECT hires FROM vacancies WHERE vacancy_id = $1`, [vacancyId]);
    return rows[0]?.hires ?? 0;
  }

  /** Records the vacancy filled in the hire's transaction (the hire that takes the last opening). */
  async fillIn(client: PoolClient, vacancyId: string, metadata: CommandMetadata): Promise<void> {
    const { state, version } = await this.streams.load(vacancyId, undefined, client, { personalData: false });
    const events = decide({ type: 'FillVacancy', data: {}, metadata }, state);
    await this.streams.append(vacancyId, version, events, metadata, { before: state, client });
    const after = events.reduce(evolve, state);
    if (after.status !== 'unposted') await this.tables.saveVacancy(client, after);
  }
}
