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
import { CLOCK, REGISTRY_SETTINGS, type Clock, type RegistrySettings } from '../application/tokens';
import { SearchWorkersQuery, type SearchHit } from '../application/search-workers/search-workers.handler';
import type { CommandMetadata } from '@homeward/command-handling';
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
    const items = await this.queries.execute<SearchWorkersQuery, SearchHit[]>(
      new SearchWorkersQuery({
        ...(name ? { name } : {}),
        ...(dateOfBirth ? { dateOfBirth } : {}),
        ...(nationalId ? { nationalId } : {}),
        ...(passportNumber ? { passportNumber } : {}),
        limit: query.limit ? Number(query.limit) : 20,
      }),
    );
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
    @Param('workerId') workerId: string,
    @Body() body: Schemas['CompleteOrientationRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: Reply,
  ) {
    return this.record(workerId, 'completeOrientation', body, principal, headers, reply, (today) => ({
      type: 'CompleteOrientation',
      data: { ...body, today },
    }));
  }

  @Post(':workerId/departures')
  @HttpCode(201)
  departure(
    @Param('workerId') workerId: string,
    @Body() body: Schemas['RecordDepartureRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: Reply,
  ) {
    return this.record(workerId, 'recordDeparture', body, principal, headers, reply, (today) => ({
      type: 'RecordDeparture',
      data: { ...body, today },
    }));
  }

  @Post(':workerId/arrivals')
  @HttpCode(201)
  arrival(
    @Param('workerId') workerId: string,
    @Body() body: Schemas['RecordArrivalRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: Reply,
  ) {
    return this.record(workerId, 'recordArrival', body, principal, headers, reply, (today) => ({
      type: 'RecordArrival',
      data: { ...body, today },
    }));
  }

  @Post(':workerId/employment-changes')
  @HttpCode(201)
  employmentChange(
    @Param('workerId') workerId: string,
    @Body() body: Schemas['RecordEmploymentChangeRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: Reply,
  ) {
    return this.record(workerId, 'recordEmploymentChange', body, principal, headers, reply, (today) => ({
      type: 'RecordEmploymentChange',
      data: { ...body, today },
    }));
  }

  @Post(':workerId/skills')
  @HttpCode(201)
  skills(
    @Param('workerId') workerId: string,
    @Body() body: Schemas['RecordSkillsRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: Reply,
  ) {
    return this.record(workerId, 'recordSkills', body, principal, headers, reply, (today) => ({
      type: 'RecordSkills',
      data: { ...body, today },
    }));
  }

  @Post(':workerId/incidents')
  @HttpCode(201)
  recordIncident(
    @Param('workerId') workerId: string,
    @Body() body: Schemas['RecordIncidentRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: Reply,
  ) {
    const incidentId = uuidv7(this.clock().getTime());
    return this.record(workerId, 'recordIncident', body, principal, headers, reply, (today) => ({
      type: 'RecordIncident',
      data: { ...body, incidentId, today },
    }));
  }

  @Post(':workerId/returns')
  @HttpCode(201)
  recordReturn(
    @Param('workerId') workerId: string,
    @Body() body: Schemas['RecordReturnRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: Reply,
  ) {
    return this.record(workerId, 'recordReturn', body, principal, headers, reply, (today) => ({
      type: 'RecordReturn',
      data: { ...body, today },
    }));
  }

  @Post(':workerId/reintegration/needs')
  @HttpCode(201)
  needs(
    @Param('workerId') workerId: string,
    @Body() body: Schemas['AssessReintegrationNeedsRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: Reply,
  ) {
    return this.record(workerId, 'assessReintegrationNeeds', body, principal, headers, reply, (today) => ({
      type: 'AssessReintegrationNeeds',
      data: { ...body, today },
    }));
  }

  @Post(':workerId/reintegration/referrals')
  @HttpCode(201)
  refer(
    @Param('workerId') workerId: string,
    @Body() body: Schemas['ReferForReintegrationRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: Reply,
  ) {
    const referralId = uuidv7(this.clock().getTime());
    return this.record(workerId, 'referForReintegration', body, principal, headers, reply, (today) => ({
      type: 'ReferForReintegration',
      data: { ...body, referralId, today },
    }));
  }

  @Post(':workerId/reintegration/referrals/:referralId/outcome')
  @HttpCode(201)
  outcome(
    @Param('workerId') workerId: string,
    @Param('referralId') referralId: string,
    @Body() body: Schemas['RecordReferralOutcomeRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: Reply,
  ) {
    return this.record(workerId, 'recordReferralOutcome', { referralId, ...body }, principal, headers, reply, (today) => ({
      type: 'RecordReferralOutcome',
      data: { ...body, referralId, today },
    }));
  }

  @Post(':workerId/corrections')
  @HttpCode(201)
  correct(
    @Param('workerId') workerId: string,
    @Body() body: Schemas['CorrectWorkerDetailsRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: Reply,
  ) {
    return this.record(workerId, 'correctWorkerDetails', body, principal, headers, reply, (today) => ({
      type: 'CorrectWorkerDetails',
      data: { ...body, today },
    }));
  }

  @Post(':workerId/duplicate-decisions')
  @HttpCode(201)
  decideDuplicate(
    @Param('workerId') workerId: string,
    @Body() body: Schemas['ResolveDuplicateRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: Reply,
  ) {
    return this.record(workerId, 'resolveDuplicate', body, principal, headers, reply, (today) => ({
      type: 'ResolveDuplicate',
      data: { ...body, today },
    }));
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

  private context(principal: Principal, headers: RequestHeaders): CommandMetadata {
    return commandMetadata(principal, headers, this.clock(), this.settings.originCountry);
  }
}
