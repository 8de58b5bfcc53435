import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { Scopes, type Principal } from '@homeward/auth';
import { CurrentPrincipal } from '@homeward/service-kit';
import { Problem, fieldError } from '@homeward/service-kit/problem';
import { normaliseName } from '@homeward/names';
import { AGENCY_QUERIES } from '../tokens';
import type { AgencyQueries, PipelineQuery, WorkerSearch } from '../queries/agency.queries';
import { assertAgencyAccess, refused } from './access';

const int = (raw: string | undefined, fallback: number): number => (raw === undefined ? fallback : Number(raw));
const given = <K extends string>(q: Partial<Record<K, string>>, keys: readonly K[]) =>
  Object.fromEntries(keys.filter((k) => q[k] !== undefined && q[k] !== '').map((k) => [k, q[k]])) as Partial<Record<K, string>>;

const normalisedLength = (name: string): number => normaliseName(name).replace(/ /g, '').length;

const unknownWorker = () => Problem.notFound('no such worker in the agency view', [fieldError('path', ['workerId'], 'unknown worker')]);

/**
 * The agency's questions. Query parameters arrive already validated against the OpenAPI document, so this
 * class only checks who asks and translates. Every answer comes from the serving build.
 */
@Controller()
export class AgencyController {
  constructor(@Inject(AGENCY_QUERIES) private readonly queries: AgencyQueries) {}

  @Get('workers')
  search(@CurrentPrincipal() principal: Principal, @Query() query: Record<string, string | undefined>) {
    assertAgencyAccess(principal);
    const showIdentity = principal.scopes.has(Scopes.personalDataRead);
    const byIdentity = given(query, ['name', 'passportNumber', 'nationalId', 'dateOfBirth'] as const);
    const [first] = Object.keys(byIdentity);
    if (first && !showIdentity)
      throw refused({ code: 'access.scope-required', reason: `searching by ${first} needs the ${Scopes.personalDataRead} scope` }, [
        fieldError('query', [first], `needs the ${Scopes.personalDataRead} scope`),
      ]);
    const criteria: WorkerSearch = {
      ...byIdentity,
      ...given(query, ['workerId', 'originArea', 'destinationCountry', 'occupationIsco', 'sex', 'status', 'cursor'] as const),
      showIdentity,
      includeMerged: query.includeMerged === 'true',
      limit: int(query.limit, 100),
    };
    if (criteria.name !== undefined && normalisedLength(criteria.name) < 2)
      throw Problem.validation([fieldError('query', ['name'], 'needs at least two letters or digits')]);
    return this.queries.search(criteria);
  }

  @Get('returnees')
  pipeline(@CurrentPrincipal() principal: Principal, @Query() query: Record<string, string | undefined>) {
    assertAgencyAccess(principal);
    const returnedFrom = query.returnedFrom!;
    const returnedTo = query.returnedTo!;
    if (returnedFrom > returnedTo) throw Problem.validation([fieldError('query', ['returnedTo'], 'must not be before returnedFrom')]);
    const criteria: PipelineQuery = {
      returnedFrom,
      returnedTo,
      ...given(query, ['sex', 'originArea', 'fromCountry', 'reason', 'assistance', 'occupationIsco', 'cursor'] as const),
      ...(query.certified === undefined ? {} : { certified: query.certified === 'true' }),
      stage: query.stage === 'placed' ? 'placed' : 'waiting',
      limit: int(query.limit, 100),
    };
    return this.queries.pipeline(criteria);
  }

  @Get('workers/:workerId')
  async profile(@CurrentPrincipal() principal: Principal, @Param('workerId') workerId: string) {
    assertAgencyAccess(principal);
    const profile = await this.queries.profile(workerId, principal.scopes.has(Scopes.personalDataRead));
    if (!profile) throw unknownWorker();
    return profile;
  }

  @Get('workers/:workerId/timeline')
  async timeline(@CurrentPrincipal() principal: Principal, @Param('workerId') workerId: string) {
    assertAgencyAccess(principal);
    const items = await this.queries.timeline(workerId);
    if (!items) throw unknownWorker();
    return { workerId, items };
  }
}
