import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Put, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Principal } from '@homeward/auth';
import { commandMetadata } from '@homeward/command-handling/http';
import { CurrentPrincipal } from '@homeward/service-kit';
import { entityTag, requestConditions, type RequestHeaders } from '@homeward/service-kit/conditions';
import { EMPLOYMENT_APPLICATION, type EmploymentApplication } from '../application/employment.application';
import type { SeekerResult } from '../application/seekers.commands';
import type { components } from './generated/employment-matching.v1';
import { seekerDto } from './employment.representation';

type Schemas = components['schemas'];

@Controller('job-seekers')
export class SeekersController {
  constructor(@Inject(EMPLOYMENT_APPLICATION) private readonly app: EmploymentApplication) {}

  private answer(result: SeekerResult, reply: FastifyReply): Schemas['JobSeeker'] {
    void reply.header('etag', entityTag(result.version));
    return seekerDto(result.state);
  }

  @Post()
  @HttpCode(201)
  async register(
    @Body() body: Schemas['RegisterJobSeekerRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['JobSeeker']> {
    const result = await this.app.seekers.execute({
      workerId: body.workerId,
      command: { type: 'RegisterJobSeeker', data: { workerId: body.workerId } },
      principal,
      metadata: commandMetadata(principal, headers, this.app.clock(), this.app.originCountry),
      conditions: requestConditions('registerJobSeeker', body.workerId, body, headers),
    });
    void reply.header('location', `/job-seekers/${result.workerId}`);
    return this.answer(result, reply);
  }

  @Get(':workerId')
  async get(
    @Param('workerId') workerId: string,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['JobSeeker']> {
    return this.answer(await this.app.seekers.read(workerId, principal), reply);
  }

  @Put(':workerId/preferences')
  @HttpCode(200)
  async preferences(
    @Param('workerId') workerId: string,
    @Body() body: Schemas['SetPreferencesRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['JobSeeker']> {
    const result = await this.app.seekers.execute({
      workerId,
      command: {
        type: 'SetPreferences',
        data: {
          occupations: body.occupations,
          areas: body.areas,
          willingToRelocate: body.willingToRelocate,
          ...(body.availableFrom === undefined ? {} : { availableFrom: body.availableFrom }),
        },
      },
      principal,
      metadata: commandMetadata(principal, headers, this.app.clock(), this.app.originCountry),
      conditions: requestConditions('setJobSeekerPreferences', workerId, body, headers),
    });
    return this.answer(result, reply);
  }

  @Post(':workerId/leave')
  @HttpCode(200)
  async leave(
    @Param('workerId') workerId: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['JobSeeker']> {
    const result = await this.app.seekers.execute({
      workerId,
      command: { type: 'LeaveRegister', data: { reason: 'on_request' } },
      principal,
      metadata: commandMetadata(principal, headers, this.app.clock(), this.app.originCountry),
      conditions: requestConditions('leaveJobSeekerRegister', workerId, body ?? {}, headers),
    });
    return this.answer(result, reply);
  }
}
