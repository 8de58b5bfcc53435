import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import type { Principal } from '@homeward/auth';
import { CurrentPrincipal } from '@homeward/service-kit';
import { authorise } from '../application/access/employment.access';
import { EMPLOYMENT_APPLICATION, type EmploymentApplication } from '../application/employment.application';
import { SeekerNotFound, VacancyNotFound } from '../domain/employment.errors';
import { MATCHING_ENGINE, type MatchingEngine } from '../matching/matching.engine';
import type { components } from './generated/employment-matching.v1';

type Schemas = components['schemas'];

/** The query's limit, already checked against the OpenAPI document (1–100). */
const limitOf = (limit: string | undefined): number => (limit === undefined ? 10 : Number(limit));

/**
 * Ranking both ways (the matching engine). Only the employment office ranks: an employer is refused by the
 * access rule before anything is read, and the jurisdiction (the office's origin country) is part of the
 * query's WHERE clause, so nothing the caller may not see is ever ranked.
 */
@Controller()
export class MatchesController {
  constructor(
    @Inject(MATCHING_ENGINE) private readonly engine: MatchingEngine,
    @Inject(EMPLOYMENT_APPLICATION) private readonly app: EmploymentApplication,
  ) {}

  @Get('vacancies/:vacancyId/matches')
  async seekersForVacancy(
    @Param('vacancyId') vacancyId: string,
    @Query('limit') limit: string | undefined,
    @Query('certifiedOnly') certifiedOnly: string | undefined,
    @CurrentPrincipal() principal: Principal,
  ): Promise<Schemas['SeekerRanking']> {
    authorise(principal, 'read-seekers');
    const ranking = await this.engine.rankSeekers(vacancyId, {
      originCountry: this.app.originCountry,
      limit: limitOf(limit),
      requireCertified: certifiedOnly === 'true',
    });
    if (ranking.outcome === 'unknown_vacancy') throw new VacancyNotFound(`no vacancy ${vacancyId}`);
    const { outcome: _outcome, ...answer } = ranking;
    return answer;
  }

  @Get('job-seekers/:workerId/matches')
  async vacanciesForSeeker(
    @Param('workerId') workerId: string,
    @Query('limit') limit: string | undefined,
    @CurrentPrincipal() principal: Principal,
  ): Promise<Schemas['VacancyRanking']> {
    authorise(principal, 'read-seekers');
    const ranking = await this.engine.rankVacancies(workerId, { originCountry: this.app.originCountry, limit: limitOf(limit) });
    if (ranking.outcome === 'unknown_seeker') throw new SeekerNotFound(`no job seeker ${workerId}`);
    const { outcome: _outcome, ...answer } = ranking;
    return answer;
  }
}
