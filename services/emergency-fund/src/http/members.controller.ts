import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Principal } from '@homeward/auth';
import { commandMetadata } from '@homeward/command-handling/http';
import { CurrentPrincipal } from '@homeward/service-kit';
import { entityTag, requestConditions, type RequestHeaders } from '@homeward/service-kit/conditions';
import { FUND_APPLICATION, type FundApplication } from '../application/fund.application';
import type { components } from './generated/emergency-fund.v1';
import { memberDto } from './fund.representation';

type Schemas = components['schemas'];

@Controller('members')
export class MembersController {
  constructor(@Inject(FUND_APPLICATION) private readonly app: FundApplication) {}

  @Post(':workerId/contributions')
  @HttpCode(201)
  async contribute(
    @Param('workerId') workerId: string,
    @Body() body: Schemas['ContributionRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['Member']> {
    const result = await this.app.members.contribute({
      workerId,
      ...body,
      principal,
      metadata: commandMetadata(principal, headers, this.app.clock(), this.app.originCountry),
      conditions: requestConditions('recordContribution', workerId, body, headers),
    });
    void reply.header('etag', entityTag(result.version));
    return memberDto(workerId, result.state);
  }

  @Get(':workerId')
  async get(@Param('workerId') workerId: string, @CurrentPrincipal() principal: Principal): Promise<Schemas['Member']> {
    const { state } = await this.app.members.read(workerId, principal);
    return memberDto(workerId, state);
  }
}
