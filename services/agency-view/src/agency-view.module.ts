import { Module, type DynamicModule } from '@nestjs/common';
import type { ProjectionHost } from '@homeward/projections/host';
import { AgencyController } from './http/agency.controller';
import { AdminController } from './http/admin.controller';
import { AgencyQueries } from './queries/agency.queries';
import type { AgencyEvent } from './projection/agency.read-model';
import { AGENCY_QUERIES, PROJECTION_HOST } from './tokens';

@Module({})
export class AgencyViewModule {
  static with(deps: { host: ProjectionHost<AgencyEvent> }): DynamicModule {
    return {
      module: AgencyViewModule,
      controllers: [AgencyController, AdminController],
      providers: [
        { provide: PROJECTION_HOST, useValue: deps.host },
        { provide: AGENCY_QUERIES, useValue: new AgencyQueries(deps.host.reader) },
      ],
    };
  }
}
