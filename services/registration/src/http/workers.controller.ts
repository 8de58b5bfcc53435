import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import { uuidv7 } from '@homeward/contracts';
import { Problem, fieldError } from '@homeward/service-kit/problem';
import type { components } from './generated/registration.v1';
import { RegisterWorkerCommand } from '../application/register-worker/register-worker.handler';
import { RecordDepartureCommand } from '../application/record-departure/record-departure.handler';
import { RecordReturnCommand } from '../application/record-return/record-return.handler';
import { GetWorkerQuery } from '../application/get-worker/get-worker.handler';
import { ListWorkersQuery, type WorkerSummaryRow } from '../application/list-workers/list-workers.handler';
import type { WorkerCommandResult } from '../application/worker-command';
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
    @Headers('x-correlation-id') correlationId: string | undefined,
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
        this.context(correlationId),
      ),
    );
    const dto = this.present(result, reply);
    void reply.header('location', `/workers/${dto.workerId}`);
    return dto;
  }

  @Get()
  async list(
    @Query('status') status: Schemas['WorkerStatus'] | undefined,
    @Query('limit') limit: string | undefined,
  ): Promise<{ items: WorkerSummaryRow[] }> {
    const items = await this.queries.execute<ListWorkersQuery, WorkerSummaryRow[]>(
      new ListWorkersQuery(status, limit ? Number(limit) : 50),
    );
    return { items };
  }

  @Get(':workerId')
  async get(@Param('workerId') workerId: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<Schemas['Worker']> {
    return this.present(await this.queries.execute<GetWorkerQuery, WorkerCommandResult>(new GetWorkerQuery(workerId)), reply);
  }

  @Post(':workerId/departures')
  @HttpCode(201)
  async recordDeparture(
    @Param('workerId') workerId: string,
    @Body() body: Schemas['RecordDepartureRequest'],
    @Headers('x-correlation-id') correlationId: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['Worker']> {
    const result = await this.commands.execute<RecordDepartureCommand, WorkerCommandResult>(
      new RecordDepartureCommand(workerId, body, this.context(correlationId)),
    );
    return this.present(result, reply);
  }

  @Post(':workerId/returns')
  @HttpCode(201)
  async recordReturn(
    @Param('workerId') workerId: string,
    @Body() body: Schemas['RecordReturnRequest'],
    @Headers('x-correlation-id') correlationId: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['Worker']> {
    const result = await this.commands.execute<RecordReturnCommand, WorkerCommandResult>(
      new RecordReturnCommand(workerId, body, this.context(correlationId)),
    );
    return this.present(result, reply);
  }

  private present(result: WorkerCommandResult, reply: FastifyReply): Schemas['Worker'] {
    const dto = workerDto(result.state, result.version);
    if (!dto) throw Problem.notFound('no worker is registered under this id', [fieldError('path', ['workerId'], 'no such worker')]);
    void reply.header('etag', `"${result.version}"`);
    return dto;
  }

  private context(correlationId: string | undefined): CommandContext {
    const now = this.clock();
    return {
      // Until verified tokens identify the caller (JWT, next on the roadmap), the registry office
      // configured for this deployment is recorded as the actor.
      actor: { organisationId: this.settings.organisationId, kind: 'agency', userId: 'unauthenticated' },
      originCountry: this.settings.originCountry,
      correlationId: correlationId && /^[0-9a-f-]{36}$/i.test(correlationId) ? correlationId : uuidv7(now.getTime()),
      now,
    };
  }
}
