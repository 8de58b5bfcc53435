import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import type { Principal } from '@homeward/auth';
import type { ProjectionHost } from '@homeward/projections/host';
import { CurrentPrincipal } from '@homeward/service-kit';
import { Problem } from '@homeward/service-kit/problem';
import { PROJECTION_HOST } from '../tokens';
import type { AgencyEvent } from '../projection/agency.read-model';
import { assertAgencyAccess } from './access';
import type { components } from './generated/agency-view.v1';

/** The read model's builds: what serves, what is being rebuilt, and a rebuild on request. */
@Controller('admin/projection')
export class AdminController {
  constructor(@Inject(PROJECTION_HOST) private readonly host: ProjectionHost<AgencyEvent>) {}

  @Get()
  status(@CurrentPrincipal() principal: Principal) {
    assertAgencyAccess(principal, 'admin');
    return this.host.status();
  }

  @Post('rebuild')
  @HttpCode(202)
  async rebuild(@CurrentPrincipal() principal: Principal): Promise<components['schemas']['Build']> {
    assertAgencyAccess(principal, 'admin');
    try {
      const build = await this.host.requestRebuild(`requested by ${principal.subject} (${principal.organisationId})`);
      return { build: build.build, version: build.version, state: build.state, schema: build.schemaName, reason: build.reason };
    } catch (error) {
      throw Problem.conflict(error instanceof Error ? error.message : String(error));
    }
  }
}
