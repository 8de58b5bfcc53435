import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import type { Principal } from '@homeward/auth';
import { CurrentPrincipal } from '@homeward/service-kit';
import { Problem, fieldError } from '@homeward/service-kit/problem';
import { MISSION_QUERIES, MISSION_SETTINGS, type MissionSettings } from '../tokens';
import type { MissionQueries } from '../queries/mission.queries';
import { assertMissionAccess } from './access';

const int = (raw: string | undefined, fallback: number): number => (raw === undefined ? fallback : Number(raw));

/**
 * The mission's questions. Query parameters arrive already validated against the OpenAPI document, so
 * this class only checks who asks and translates. Every answer comes from the serving build.
 */
@Controller()
export class MissionController {
  constructor(
    @Inject(MISSION_QUERIES) private readonly queries: MissionQueries,
    @Inject(MISSION_SETTINGS) private readonly settings: MissionSettings,
  ) {}

  private today(): string {
    return this.settings.clock().toISOString().slice(0, 10);
  }

  @Get('workers/present')
  present(
    @CurrentPrincipal() principal: Principal,
    @Query() query: { stage?: 'departed' | 'arrived'; occupationIsco?: string; limit?: string; cursor?: string },
  ) {
    assertMissionAccess(principal, this.settings.country);
    return this.queries.present({
      ...(query.stage ? { stage: query.stage } : {}),
      ...(query.occupationIsco ? { occupationIsco: query.occupationIsco } : {}),
      limit: int(query.limit, 100),
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
  }

  @Get('contracts/ending')
  endingContracts(@CurrentPrincipal() principal: Principal, @Query() query: { withinDays?: string; asOf?: string; limit?: string }) {
    assertMissionAccess(principal, this.settings.country);
    return this.queries.endingContracts({
      asOf: query.asOf ?? this.today(),
      withinDays: int(query.withinDays, 30),
      limit: int(query.limit, 100),
    });
  }

  @Get('incidents/open')
  openIncidents(@CurrentPrincipal() principal: Principal, @Query() query: { kind?: string; limit?: string }) {
    assertMissionAccess(principal, this.settings.country);
    return this.queries.openIncidents({ ...(query.kind ? { kind: query.kind } : {}), limit: int(query.limit, 100) });
  }

  @Get('claims')
  claims(@CurrentPrincipal() principal: Principal, @Query() query: { status?: string; limit?: string }) {
    assertMissionAccess(principal, this.settings.country);
    return this.queries.claims({ ...(query.status ? { status: query.status } : {}), limit: int(query.limit, 100) });
  }

  @Get('returns/recent')
  recentReturns(
    @CurrentPrincipal() principal: Principal,
    @Query() query: { days?: string; asOf?: string; reason?: string; limit?: string },
  ) {
    assertMissionAccess(principal, this.settings.country);
    return this.queries.recentReturns({
      asOf: query.asOf ?? this.today(),
      days: int(query.days, 30),
      ...(query.reason ? { reason: query.reason } : {}),
      limit: int(query.limit, 100),
    });
  }

  @Get('workers/:workerId')
  async worker(@CurrentPrincipal() principal: Principal, @Param('workerId') workerId: string) {
    assertMissionAccess(principal, this.settings.country);
    const worker = await this.queries.worker(workerId);
    if (!worker) {
      throw Problem.notFound(`no stay of this worker in ${this.settings.country} is known`, [
        fieldError('path', ['workerId'], 'unknown to this mission'),
      ]);
    }
    return worker;
  }
}
