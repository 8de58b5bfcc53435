import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Principal } from '@homeward/auth';
import { uuidv7 } from '@homeward/contracts';
import { commandMetadata } from '@homeward/command-handling/http';
import { CurrentPrincipal } from '@homeward/service-kit';
import { entityTag, requestConditions, type RequestHeaders } from '@homeward/service-kit/conditions';
import { CentreNotFound } from '../domain/skills.errors';
import { SKILLS_APPLICATION, type SkillsApplication } from '../application/skills.application';
import type { CentreRequestCommand } from '../application/centres.commands';
import type { components } from './generated/skills-certification.v1';
import { centreDto } from './skills.representation';

type Schemas = components['schemas'];

@Controller('centres')
export class CentresController {
  constructor(@Inject(SKILLS_APPLICATION) private readonly app: SkillsApplication) {}

  private async run(
    centreId: string,
    operation: string,
    body: unknown,
    command: CentreRequestCommand,
    principal: Principal,
    headers: RequestHeaders,
    reply: FastifyReply,
    resourceId = centreId,
  ): Promise<Schemas['Centre']> {
    const result = await this.app.centres.execute({
      centreId,
      command,
      principal,
      metadata: commandMetadata(principal, headers, this.app.clock(), this.app.originCountry),
      conditions: requestConditions(operation, resourceId, body, headers),
    });
    void reply.header('etag', entityTag(result.version));
    return centreDto(result.state);
  }

  @Post()
  @HttpCode(201)
  async register(
    @Body() body: Schemas['RegisterCentreRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['Centre']> {
    const centreId = uuidv7(this.app.clock().getTime());
    // With an Idempotency-Key the retry is answered from the key's record, whatever id this attempt drew.
    const dto = await this.run(
      centreId,
      'registerCentre',
      body,
      { type: 'RegisterAssessmentCentre', data: { centreId, name: body.name, subdivision: body.subdivision } },
      principal,
      headers,
      reply,
      '',
    );
    void reply.header('location', `/centres/${dto.centreId}`);
    return dto;
  }

  @Get(':centreId')
  async get(
    @Param('centreId') centreId: string,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['Centre']> {
    const result = await this.app.centres.read(centreId, principal);
    if (result.state.status === 'unregistered') throw new CentreNotFound(`no centre ${centreId}`);
    void reply.header('etag', entityTag(result.version));
    return centreDto(result.state);
  }

  @Post(':centreId/accreditations')
  @HttpCode(201)
  accredit(
    @Param('centreId') centreId: string,
    @Body() body: Schemas['AccreditAssessorRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['Centre']> {
    return this.run(
      centreId,
      'accreditAssessor',
      body,
      { type: 'AccreditAssessor', data: { accreditationId: uuidv7(this.app.clock().getTime()), ...body } },
      principal,
      headers,
      reply,
    );
  }

  @Post(':centreId/accreditations/:accreditationId/withdrawal')
  @HttpCode(201)
  withdraw(
    @Param('centreId') centreId: string,
    @Param('accreditationId') accreditationId: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['Centre']> {
    return this.run(
      centreId,
      'withdrawAccreditation',
      { accreditationId, ...(body ?? {}) },
      { type: 'WithdrawAccreditation', data: { accreditationId } },
      principal,
      headers,
      reply,
    );
  }
}
