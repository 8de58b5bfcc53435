import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Principal } from '@homeward/auth';
import { uuidv7 } from '@homeward/contracts';
import { commandMetadata } from '@homeward/command-handling/http';
import { CurrentPrincipal } from '@homeward/service-kit';
import { entityTag, requestConditions, type RequestHeaders } from '@homeward/service-kit/conditions';
import { EMPLOYMENT_APPLICATION, type EmploymentApplication } from '../application/employment.application';
import type { ReferralRequestCommand, ReferralResult } from '../application/referrals.commands';
import type { components } from './generated/employment-matching.v1';
import { referralDto } from './employment.representation';

type Schemas = components['schemas'];

@Controller('referrals')
export class ReferralsController {
  constructor(@Inject(EMPLOYMENT_APPLICATION) private readonly app: EmploymentApplication) {}

  private answer(result: ReferralResult, reply: FastifyReply): Schemas['Referral'] {
    void reply.header('etag', entityTag(result.version));
    return referralDto(result.state);
  }

  @Post()
  @HttpCode(201)
  async refer(
    @Body() body: Schemas['MakeReferralRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['Referral']> {
    const result = await this.app.referrals.refer({
      referralId: uuidv7(this.app.clock().getTime()),
      vacancyId: body.vacancyId,
      workerId: body.workerId,
      principal,
      metadata: commandMetadata(principal, headers, this.app.clock(), this.app.originCountry),
      conditions: requestConditions('makeReferral', '', body, headers),
    });
    void reply.header('location', `/referrals/${result.referralId}`);
    return this.answer(result, reply);
  }

  @Get(':referralId')
  async get(
    @Param('referralId') referralId: string,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['Referral']> {
    return this.answer(await this.app.referrals.read(referralId, principal), reply);
  }

  private async run(
    referralId: string,
    operation: string,
    body: unknown,
    command: ReferralRequestCommand,
    principal: Principal,
    headers: RequestHeaders,
    reply: FastifyReply,
  ): Promise<Schemas['Referral']> {
    const result = await this.app.referrals.execute({
      referralId,
      command,
      principal,
      metadata: commandMetadata(principal, headers, this.app.clock(), this.app.originCountry),
      conditions: requestConditions(operation, referralId, body, headers),
    });
    return this.answer(result, reply);
  }

  @Post(':referralId/interview')
  @HttpCode(200)
  interview(
    @Param('referralId') referralId: string,
    @Body() body: Schemas['RecordInterviewRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['Referral']> {
    const command: ReferralRequestCommand = { type: 'RecordInterview', data: { interviewedOn: body.interviewedOn, outcome: body.outcome } };
    return this.run(referralId, 'recordInterview', body, command, principal, headers, reply);
  }

  @Post(':referralId/close')
  @HttpCode(200)
  close(
    @Param('referralId') referralId: string,
    @Body() body: Schemas['CloseReferralRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['Referral']> {
    return this.run(referralId, 'closeReferral', body, { type: 'CloseReferral', data: { reason: body.reason } }, principal, headers, reply);
  }

  @Post(':referralId/hire')
  @HttpCode(200)
  hire(
    @Param('referralId') referralId: string,
    @Body() body: Schemas['RecordHireRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['Referral']> {
    const command: ReferralRequestCommand = {
      type: 'RecordHire',
      data: {
        hiredOn: body.hiredOn,
        startsOn: body.startsOn,
        contractType: body.contractType,
        ...(body.monthlyWage ? { monthlyWage: body.monthlyWage } : {}),
      },
    };
    return this.run(referralId, 'recordHire', body, command, principal, headers, reply);
  }

  @Post(':referralId/placement-end')
  @HttpCode(200)
  endPlacement(
    @Param('referralId') referralId: string,
    @Body() body: Schemas['EndPlacementRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['Referral']> {
    return this.run(
      referralId,
      'endPlacement',
      body,
      { type: 'EndPlacement', data: { endedOn: body.endedOn, reason: body.reason } },
      principal,
      headers,
      reply,
    );
  }
}
