import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Principal } from '@homeward/auth';
import { commandMetadata } from '@homeward/command-handling/http';
import { CurrentPrincipal } from '@homeward/service-kit';
import { entityTag, requestConditions, type RequestHeaders } from '@homeward/service-kit/conditions';
import { StandardNotFound } from '../domain/skills.errors';
import { SKILLS_APPLICATION, type SkillsApplication } from '../application/skills.application';
import type { components } from './generated/skills-certification.v1';
import { standardDto, versionDto } from './skills.representation';

type Schemas = components['schemas'];

@Controller('standards')
export class StandardsController {
  constructor(@Inject(SKILLS_APPLICATION) private readonly app: SkillsApplication) {}

  @Post()
  @HttpCode(201)
  async publish(
    @Body() body: Schemas['PublishStandardRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['Standard']> {
    const { standardId } = body;
    const result = await this.app.standards.execute({
      standardId,
      command: { type: 'PublishCompetencyStandard', data: body },
      principal,
      metadata: commandMetadata(principal, headers, this.app.clock(), this.app.originCountry),
      conditions: requestConditions('publishStandard', standardId, body, headers),
    });
    void reply.header('etag', entityTag(result.version)).header('location', `/standards/${standardId}`);
    return standardDto(result.standardId, result.state);
  }

  @Get(':standardId')
  async get(
    @Param('standardId') standardId: string,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['Standard']> {
    const result = await this.app.standards.read(standardId, principal);
    if (result.state.status === 'unpublished') throw new StandardNotFound(`no standard ${standardId}`);
    void reply.header('etag', entityTag(result.version));
    return standardDto(standardId, result.state);
  }

  @Post(':standardId/revisions')
  @HttpCode(201)
  async revise(
    @Param('standardId') standardId: string,
    @Body() body: Schemas['StandardContent'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['Standard']> {
    const result = await this.app.standards.execute({
      standardId,
      command: { type: 'ReviseCompetencyStandard', data: body },
      principal,
      metadata: commandMetadata(principal, headers, this.app.clock(), this.app.originCountry),
      conditions: requestConditions('reviseStandard', standardId, body, headers),
    });
    void reply.header('etag', entityTag(result.version));
    return standardDto(result.standardId, result.state);
  }

  @Get(':standardId/versions')
  async versions(@Param('standardId') standardId: string, @CurrentPrincipal() principal: Principal) {
    const result = await this.app.standards.read(standardId, principal);
    if (result.state.status === 'unpublished') throw new StandardNotFound(`no standard ${standardId}`);
    return { standardId, items: result.state.versions.map(versionDto) };
  }
}
