import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Principal } from '@homeward/auth';
import { uuidv7 } from '@homeward/contracts';
import { commandMetadata } from '@homeward/command-handling/http';
import { CurrentPrincipal } from '@homeward/service-kit';
import { entityTag, requestConditions, type RequestHeaders } from '@homeward/service-kit/conditions';
import { authorise } from '../application/access/employment.access';
import { EMPLOYMENT_APPLICATION, type EmploymentApplication } from '../application/employment.application';
import type { VacancyResult } from '../application/vacancies.commands';
import type { components } from './generated/employment-matching.v1';
import { referralSummaryDto, vacancyDto, vacancySummaryDto } from './employment.representation';

type Schemas = components['schemas'];

export const pageLimit = (raw: string | undefined): number => (raw === undefined ? 50 : Number(raw));

@Controller('vacancies')
export class VacanciesController {
  constructor(@Inject(EMPLOYMENT_APPLICATION) private readonly app: EmploymentApplication) {}

  private answer(result: VacancyResult, reply: FastifyReply): Schemas['Vacancy'] {
    void reply.header('etag', entityTag(result.version));
    return vacancyDto(result.state, result.hires);
  }

  @Post()
  @HttpCode(201)
  async post(
    @Body() body: Schemas['PostVacancyRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['Vacancy']> {
    const vacancyId = uuidv7(this.app.clock().getTime());
    const result = await this.app.vacancies.post({
      vacancyId,
      body: {
        ...(body.employerId === undefined ? {} : { employerId: body.employerId }),
        title: body.title,
        occupationIsco: body.occupationIsco,
        requiredStandards: body.requiredStandards ?? [],
        requiredUnits: body.requiredUnits ?? [],
        experienceMonths: body.experienceMonths ?? 0,
        location: body.location,
        languages: body.languages ?? [],
        monthlyWage: body.monthlyWage,
        openings: body.openings,
        closingOn: body.closingOn,
      },
      principal,
      metadata: commandMetadata(principal, headers, this.app.clock(), this.app.originCountry),
      // With an Idempotency-Key the retry is answered from the key's record, whatever id this attempt drew.
      conditions: requestConditions('postVacancy', '', body, headers),
    });
    void reply.header('location', `/vacancies/${result.vacancyId}`);
    return this.answer(result, reply);
  }

  @Get()
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query('after') after: string | undefined,
    @Query('limit') limit: string | undefined,
  ): Promise<Schemas['VacancyPage']> {
    authorise(principal, 'read-vacancies');
    const size = pageLimit(limit);
    // Jurisdiction first: an employer's page holds its own vacancies only, never another's filtered out after.
    const rows = await this.app.tables.vacancies({
      ...(principal.kind === 'employer' ? { employerId: principal.organisationId } : {}),
      ...(after ? { after } : {}),
      limit: size + 1,
    });
    const items = rows.slice(0, size).map(vacancySummaryDto);
    return { items, ...(rows.length > size ? { next: items[items.length - 1]!.vacancyId } : {}) };
  }

  @Get(':vacancyId')
  async get(
    @Param('vacancyId') vacancyId: string,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['Vacancy']> {
    return this.answer(await this.app.vacancies.read(vacancyId, principal), reply);
  }

  @Post(':vacancyId/close')
  @HttpCode(200)
  async close(
    @Param('vacancyId') vacancyId: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['Vacancy']> {
    const result = await this.app.vacancies.execute({
      vacancyId,
      command: { type: 'CloseVacancy', data: {} },
      principal,
      metadata: commandMetadata(principal, headers, this.app.clock(), this.app.originCountry),
      conditions: requestConditions('closeVacancy', vacancyId, body ?? {}, headers),
    });
    return this.answer(result, reply);
  }

  @Post(':vacancyId/withdraw')
  @HttpCode(200)
  async withdraw(
    @Param('vacancyId') vacancyId: string,
    @Body() body: Schemas['WithdrawVacancyRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['Vacancy']> {
    const result = await this.app.vacancies.execute({
      vacancyId,
      command: { type: 'WithdrawVacancy', data: { reason: body.reason } },
      principal,
      metadata: commandMetadata(principal, headers, this.app.clock(), this.app.originCountry),
      conditions: requestConditions('withdrawVacancy', vacancyId, body, headers),
    });
    return this.answer(result, reply);
  }

  @Get(':vacancyId/referrals')
  async referrals(
    @Param('vacancyId') vacancyId: string,
    @CurrentPrincipal() principal: Principal,
    @Query('after') after: string | undefined,
    @Query('limit') limit: string | undefined,
  ): Promise<Schemas['ReferralPage']> {
    const size = pageLimit(limit);
    const rows = await this.app.referrals.toVacancy(vacancyId, principal, { ...(after ? { after } : {}), limit: size + 1 });
    const items = rows.slice(0, size).map(referralSummaryDto);
    return { items, ...(rows.length > size ? { next: items[items.length - 1]!.referralId } : {}) };
  }
}
