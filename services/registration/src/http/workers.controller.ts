import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import type { Principal } from '@homeward/auth';
import { uuidv7 } from '@homeward/contracts';
import { commandMetadata } from '@homeward/command-handling/http';
import { CurrentPrincipal } from '@homeward/service-kit';
import { entityTag, requestConditions as conditions, type RequestHeaders } from '@homeward/service-kit/conditions';
import { Problem, fieldError } from '@homeward/service-kit/problem';
import type { components } from './generated/registration.v1';
import { RegisterWorkerCommand } from '../application/register-worker/register-worker.handler';
import { RecordOnWorkerCommand, type StageCommand } from '../application/record-on-worker/record-on-worker.handler';
import { ErasePersonalDataCommand } from '../application/erase-personal-data/erase-personal-data.handler';
import { GetWorkerQuery } from '../application/get-worker/get-worker.handler';
import { GetIncidentQuery, type IncidentView } from '../application/get-incident/get-incident.handler';
import { ListWorkersQuery, type WorkerSummaryRow } from '../application/list-workers/list-workers.handler';
import { AccessDenied, type WorkerCommandResult } from '../application/worker-command';
import { authorise } from '../application/access/worker.access';
import { initialState } from '../domain/worker/worker.state';
import { CLOCK, PERSON_INDEX, REGISTRY_SETTINGS, type Clock, type RegistrySettings } from '../application/tokens';
import type { PersonIndex, SearchHit } from '../persistence/person-index';
import type { CommandContext } from '../persistence/worker.streams';
import { seesEmployers, workerDto } from './worker.representation';

type Schemas = components['schemas'];
type Reply = FastifyReply;

/**
 * HTTP edge of the worker resource. Bodies arrive already validated against the OpenAPI document
 * (service-kit), so this class only translates between HTTP and commands or queries.
 */
@Controller('workers')
export class WorkersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(REGISTRY_SETTINGS) private readonly settings: RegistrySettings,
    @Inject(PERSON_INDEX) private readonly personIndex: PersonIndex,
  ) {}

  @Post()
  @HttpCode(201)
  async register(
    @Body() body: Schemas['RegisterWorkerRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: Reply,
  ): Promise<Schemas['Worker']> {
    const context = this.context(principal, headers);
    const result = await this.commands.execute<RegisterWorkerCommand, WorkerCommandResult>(
      new RegisterWorkerCommand(
        {
          sex: body.sex,
          originArea: body.originArea,
          ...(body.educationIsced === undefined ? {} : { educationIsced: body.educationIsced }),
          languages: body.languages ?? [],
          personalData: body.personalData,
        },
        principal,
        context,
        conditions('registerWorker', '', body, headers),
      ),
    );
    const dto = this.present(result, principal, reply);
    void reply.header('location', `/workers/${dto.workerId}`);
    return dto;
  }

  @Get()
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query('status') status: Schemas['WorkerStatus'] | undefined,
    @Query('limit') limit: string | undefined,
  ): Promise<{ items: WorkerSummaryRow[] }> {
    const access = authorise(principal, { type: 'list' }, initialState());
    if (!access.allowed) throw new AccessDenied(access.reason, access.code);
    // Missions list only the workers whose latest cycle is in their country.
    const items = await this.queries.execute<ListWorkersQuery, WorkerSummaryRow[]>(
      new ListWorkersQuery(status, limit ? Number(limit) : 50, access.onlyCountry),
    );
    return { items };
  }

  @Get('search')
  async search(
    @CurrentPrincipal() principal: Principal,
    @Query() query: { name?: string; dateOfBirth?: string; nationalId?: string; passportNumber?: string; limit?: string },
  ): Promise<{ items: SearchHit[] }> {
    const access = authorise(principal, { type: 'search' }, initialState());
    if (!access.allowed) throw new AccessDenied(access.reason, access.code);
    const { name, dateOfBirth, nationalId, passportNumber } = query;
    if (!name && !dateOfBirth && !nationalId && !passportNumber) {
      throw Problem.validation([fieldError('query', ['name'], 'give a name, a date of birth, a national id or a passport number')]);
    }
    const items = await this.personIndex.search({
      ...(name ? { name } : {}),
      ...(dateOfBirth ? { dateOfBirth } : {}),
      ...(nationalId ? { nationalId } : {}),
      ...(passportNumber ? { passportNumber } : {}),
      limit: query.limit ? Number(query.limit) : 20,
    });
    return { items };
  }

  @Get(':workerId')
  async get(
    @Param('workerId') workerId: string,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: Reply,
  ): Promise<Schemas['Worker']> {
    return this.present(
      await this.queries.execute<GetWorkerQuery, WorkerCommandResult>(new GetWorkerQuery(workerId, principal)),
      principal,
      reply,
    );
  }

  @Get(':workerId/incidents/:incidentId')
  async incident(
    @Param('workerId') workerId: string,
    @Param('incidentId') incidentId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<Schemas['IncidentRecord']> {
    const incident = await this.queries.execute<GetIncidentQuery, IncidentView | undefined>(
      new GetIncidentQuery(workerId, incidentId, principal),
    );
    if (!incident) throw Problem.notFound('no such incident for this worker', [fieldError('path', ['incidentId'], 'no such incident')]);
    return incident;
  }

  @Post(':workerId/orientations')
  @HttpCode(201)
  orientation(
    @Param('workerId') id: string,
    @Body() b: Schemas['CompleteOrientationRequest'],
    @CurrentPrincipal() p: Principal,
    @Headers() h: RequestHeaders,
    @Res({ passthrough: true }) r: Reply,
  ) {
    return this.record(id, 'completeOrientation', b, p, h, r, (today) => ({ type: 'CompleteOrientation', data: { ...b, today } }));
  }

  @Post(':workerId/departures')
  @HttpCode(201)
  departure(
    @Param('workerId') id: string,
    @Body() b: Schemas['RecordDepartureRequest'],
    @CurrentPrincipal() p: Principal,
    @Headers() h: RequestHeaders,
    @Res({ passthrough: true }) r: Reply,
  ) {
    return this.record(id, 'recordDeparture', b, p, h, r, (today) => ({ type: 'RecordDeparture', data: { ...b, today } }));
  }

  @Post(':workerId/arrivals')
  @HttpCode(201)
  arrival(
    @Param('workerId') id: string,
    @Body() b: Schemas['RecordArrivalRequest'],
    @CurrentPrincipal() p: Principal,
    @Headers() h: RequestHeaders,
    @Res({ passthrough: true }) r: Reply,
  ) {
    return this.record(id, 'recordArrival', b, p, h, r, (today) => ({ type: 'RecordArrival', data: { ...b, today } }));
  }

  @Post(':workerId/employment-changes')
  @HttpCode(201)
  employmentChange(
    @Param('workerId') id: string,
    @Body() b: Schemas['RecordEmploymentChangeRequest'],
    @CurrentPrincipal() p: Principal,
    @Headers() h: RequestHeaders,
    @Res({ passthrough: true }) r: Reply,
  ) {
    return this.record(id, 'recordEmploymentChange', b, p, h, r, (today) => ({ type: 'RecordEmploymentChange', data: { ...b, today } }));
  }

  @Post(':workerId/skills')
  @HttpCode(201)
  skills(
    @Param('workerId') id: string,
    @Body() b: Schemas['RecordSkillsRequest'],
    @CurrentPrincipal() p: Principal,
    @Headers() h: RequestHeaders,
    @Res({ passthrough: true }) r: Reply,
  ) {
    return this.record(id, 'recordSkills', b, p, h, r, (today) => ({ type: 'RecordSkills', data: { ...b, today } }));
  }

  @Post(':workerId/incidents')
  @HttpCode(201)
  recordIncident(
    @Param('workerId') id: string,
    @Body() b: Schemas['RecordIncidentRequest'],
    @CurrentPrincipal() p: Principal,
    @Headers() h: RequestHeaders,
    @Res({ passthrough: true }) r: Reply,
  ) {
    const incidentId = uuidv7(this.clock().getTime());
    return this.record(id, 'recordIncident', b, p, h, r, (today) => ({ type: 'RecordIncident', data: { ...b, incidentId, today } }));
  }

  @Post(':workerId/returns')
  @HttpCode(201)
  recordReturn(
    @Param('workerId') id: string,
    @Body() b: Schemas['RecordReturnRequest'],
    @CurrentPrincipal() p: Principal,
    @Headers() h: RequestHeaders,
    @Res({ passthrough: true }) r: Reply,
  ) {
    return this.record(id, 'recordReturn', b, p, h, r, (today) => ({ type: 'RecordReturn', data: { ...b, today } }));
  }

  @Post(':workerId/reintegration/needs')
  @HttpCode(201)
  needs(
    @Param('workerId') id: string,
    @Body() b: Schemas['AssessReintegrationNeedsRequest'],
    @CurrentPrincipal() p: Principal,
    @Headers() h: RequestHeaders,
    @Res({ passthrough: true }) r: Reply,
  ) {
    return this.record(id, 'assessReintegrationNeeds', b, p, h, r, (today) => ({
      type: 'AssessReintegrationNeeds',
      data: { ...b, today },
    }));
  }

  @Post(':workerId/reintegration/referrals')
  @HttpCode(201)
  refer(
    @Param('workerId') id: string,
    @Body() b: Schemas['ReferForReintegrationRequest'],
    @CurrentPrincipal() p: Principal,
    @Headers() h: RequestHeaders,
    @Res({ passthrough: true }) r: Reply,
  ) {
    const referralId = uuidv7(this.clock().getTime());
    return this.record(id, 'referForReintegration', b, p, h, r, (today) => ({
      type: 'ReferForReintegration',
      data: { ...b, referralId, today },
    }));
  }

  @Post(':workerId/reintegration/referrals/:referralId/outcome')
  @HttpCode(201)
  outcome(
    @Param('workerId') id: string,
    @Param('referralId') referralId: string,
    @Body() b: Schemas['RecordReferralOutcomeRequest'],
    @CurrentPrincipal() p: Principal,
    @Headers() h: RequestHeaders,
    @Res({ passthrough: true }) r: Reply,
  ) {
    return this.record(id, 'recordReferralOutcome', { referralId, ...b }, p, h, r, (today) => ({
      type: 'RecordReferralOutcome',
      data: { ...b, referralId, today },
    }));
  }

  @Post(':workerId/corrections')
  @HttpCode(201)
  correct(
    @Param('workerId') id: string,
    @Body() b: Schemas['CorrectWorkerDetailsRequest'],
    @CurrentPrincipal() p: Principal,
    @Headers() h: RequestHeaders,
    @Res({ passthrough: true }) r: Reply,
  ) {
    return this.record(id, 'correctWorkerDetails', b, p, h, r, (today) => ({ type: 'CorrectWorkerDetails', data: { ...b, today } }));
  }

  @Post(':workerId/duplicate-decisions')
  @HttpCode(201)
  decideDuplicate(
    @Param('workerId') id: string,
    @Body() b: Schemas['ResolveDuplicateRequest'],
    @CurrentPrincipal() p: Principal,
    @Headers() h: RequestHeaders,
    @Res({ passthrough: true }) r: Reply,
  ) {
    return this.record(id, 'resolveDuplicate', b, p, h, r, (today) => ({ type: 'ResolveDuplicate', data: { ...b, today } }));
  }

  @Post(':workerId/erasure')
  @HttpCode(200)
  async erase(
    @Param('workerId') workerId: string,
    @Body() body: Schemas['ErasePersonalDataRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: Reply,
  ): Promise<Schemas['Worker']> {
    const result = await this.commands.execute<ErasePersonalDataCommand, WorkerCommandResult>(
      new ErasePersonalDataCommand(
        workerId,
        body.basis,
        principal,
        this.context(principal, headers),
        conditions('erasePersonalData', workerId, body, headers),
      ),
    );
    return this.present(result, principal, reply);
  }

  /** A stage of the cycle on an existing worker: the command is built with the caller's clock. */
  private async record(
    workerId: string,
    operation: string,
    body: unknown,
    principal: Principal,
    headers: RequestHeaders,
    reply: Reply,
    command: (today: string) => StageCommand,
  ): Promise<Schemas['Worker']> {
    const context = this.context(principal, headers);
    const result = await this.commands.execute<RecordOnWorkerCommand, WorkerCommandResult>(
      new RecordOnWorkerCommand(
        workerId,
        command(context.now.toISOString().slice(0, 10)),
        principal,
        context,
        conditions(operation, workerId, body, headers),
      ),
    );
    return this.present(result, principal, reply);
  }

  private present(result: WorkerCommandResult, principal: Principal, reply: Reply): Schemas['Worker'] {
    const dto = workerDto(result.state, result.version, { ...result, employerNames: seesEmployers(principal) });
    if (!dto) throw Problem.notFound('no worker is registered under this id', [fieldError('path', ['workerId'], 'no such worker')]);
    void reply.header('etag', entityTag(result.version));
    return dto;
  }

  private context(principal: Principal, headers: RequestHeaders): CommandContext {
    return commandMetadata(principal, headers, this.clock(), this.settings.originCountry);
  }
}
