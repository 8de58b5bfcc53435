import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import { uuidv7 } from '@homeward/contracts';
import { Scopes, type Principal } from '@homeward/auth';
import { CurrentPrincipal } from '@homeward/service-kit';
import { Problem, fieldError } from '@homeward/service-kit/problem';
import type { components } from './generated/registration.v1';
import { RegisterWorkerCommand } from '../application/register-worker/register-worker.handler';
import { RecordDepartureCommand } from '../application/record-departure/record-departure.handler';
import { RecordReturnCommand } from '../application/record-return/record-return.handler';
import { ErasePersonalDataCommand } from '../application/erase-personal-data/erase-personal-data.handler';
import { GetWorkerQuery } from '../application/get-worker/get-worker.handler';
import { ListWorkersQuery, type WorkerSummaryRow } from '../application/list-workers/list-workers.handler';
import type { RequestConditions, WorkerCommandResult } from '../application/worker-command';
import { createHash } from 'node:crypto';
import { CLOCK, REGISTRY_SETTINGS, type Clock, type RegistrySettings } from '../application/tokens';
import type { CommandContext } from '../persistence/worker.streams';
import { workerDto } from './worker.representation';

type Schemas = components['schemas'];

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
    @Headers('x-correlation-id') correlationId: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['Worker']> {
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
        this.context(principal, correlationId),
        conditions('registerWorker', '', body, idempotencyKey, ifMatch),
      ),
    );
    const dto = this.present(result, reply);
    void reply.header('location', `/workers/${dto.workerId}`);
    return dto;
  }

  @Get()
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query('status') status: Schemas['WorkerStatus'] | undefined,
    @Query('limit') limit: string | undefined,
  ): Promise<{ items: WorkerSummaryRow[] }> {
    const items = await this.queries.execute<ListWorkersQuery, WorkerSummaryRow[]>(
      new ListWorkersQuery(status, limit ? Number(limit) : 50, this.listScope(principal)),
    );
    return { items };
  }

  @Get(':workerId')
  async get(
    @Param('workerId') workerId: string,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['Worker']> {
    return this.present(await this.queries.execute<GetWorkerQuery, WorkerCommandResult>(new GetWorkerQuery(workerId, principal)), reply);
  }

  @Post(':workerId/departures')
  @HttpCode(201)
  async recordDeparture(
    @Param('workerId') workerId: string,
    @Body() body: Schemas['RecordDepartureRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers('x-correlation-id') correlationId: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['Worker']> {
    const result = await this.commands.execute<RecordDepartureCommand, WorkerCommandResult>(
      new RecordDepartureCommand(
        workerId,
        body,
        principal,
        this.context(principal, correlationId),
        conditions('recordDeparture', workerId, body, idempotencyKey, ifMatch),
      ),
    );
    return this.present(result, reply);
  }

  @Post(':workerId/returns')
  @HttpCode(201)
  async recordReturn(
    @Param('workerId') workerId: string,
    @Body() body: Schemas['RecordReturnRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers('x-correlation-id') correlationId: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['Worker']> {
    const result = await this.commands.execute<RecordReturnCommand, WorkerCommandResult>(
      new RecordReturnCommand(
        workerId,
        body,
        principal,
        this.context(principal, correlationId),
        conditions('recordReturn', workerId, body, idempotencyKey, ifMatch),
      ),
    );
    return this.present(result, reply);
  }

  @Post(':workerId/erasure')
  @HttpCode(200)
  async erase(
    @Param('workerId') workerId: string,
    @Body() body: Schemas['ErasePersonalDataRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers('x-correlation-id') correlationId: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['Worker']> {
    const result = await this.commands.execute<ErasePersonalDataCommand, WorkerCommandResult>(
      new ErasePersonalDataCommand(
        workerId,
        body.basis,
        principal,
        this.context(principal, correlationId),
        conditions('erasePersonalData', workerId, body, idempotencyKey, ifMatch),
      ),
    );
    return this.present(result, reply);
  }

  private present(result: WorkerCommandResult, reply: FastifyReply): Schemas['Worker'] {
    const dto = workerDto(result.state, result.version, result.personalData);
    if (!dto) throw Problem.notFound('no worker is registered under this id', [fieldError('path', ['workerId'], 'no such worker')]);
    void reply.header('etag', `"${result.version}"`);
    return dto;
  }

  /** Missions list only their country's workers; a principal without the read scope lists nothing. */
  private listScope(principal: Principal): string | undefined {
    if (!principal.scopes.has(Scopes.workersRead)) throw Problem.forbidden(`the ${Scopes.workersRead} scope is required`);
    return principal.kind === 'mission' ? principal.country : undefined;
  }

  private context(principal: Principal, correlationId: string | undefined): CommandContext {
    const now = this.clock();
    return {
      actor: { organisationId: principal.organisationId, kind: principal.kind, userId: principal.subject },
      originCountry: this.settings.originCountry,
      correlationId: correlationId && /^[0-9a-f-]{36}$/i.test(correlationId) ? correlationId : uuidv7(now.getTime()),
      now,
    };
  }
}

/**
 * If-Match and Idempotency-Key as the command sees them. The fingerprint identifies the request a key
 * was first used for: the operation, the worker and the body, with object keys in a canonical order.
 */
function conditions(
  operation: string,
  workerId: string,
  body: unknown,
  idempotencyKey: string | undefined,
  ifMatch: string | undefined,
): RequestConditions {
  const version = ifMatch === undefined ? undefined : /^(?:W\/)?"(\d+)"$/.exec(ifMatch.trim())?.[1];
  if (ifMatch !== undefined && version === undefined) {
    throw Problem.validation([fieldError('header', ['If-Match'], 'must be an ETag this API gave out, such as "3"')]);
  }
  return {
    ...(version === undefined ? {} : { ifMatch: Number(version) }),
    ...(idempotencyKey === undefined
      ? {}
      : {
          idempotency: {
            key: idempotencyKey,
            fingerprint: createHash('sha256')
              .update(canonical([operation, workerId, body]))
              .digest('hex'),
          },
        }),
  };
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
