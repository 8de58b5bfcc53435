import { Module, type DynamicModule } from '@nestjs/common';
import type { ProjectionHost } from '@homeward/projections/host';
import type { MissionEvent } from './projection/mission.read-model';
import { MissionController } from './http/mission.controller';
import { AdminController } from './http/admin.controller';
import { MissionQueries } from './queries/mission.queries';
import { MISSION_QUERIES, MISSION_SETTINGS, PROJECTION_HOST, type MissionSettings } from './tokens';

@Module({})
export class MissionViewModule {
  static with(deps: { host: ProjectionHost<MissionEvent>; settings: MissionSettings }): DynamicModule {
    return {
      module: MissionViewModule,
      controllers: [MissionController, AdminController],
      providers: [
        { provide: PROJECTION_HOST, useValue: deps.host },
        { provide: MISSION_QUERIES, useValue: new MissionQueries(deps.host.reader) },
        { provide: MISSION_SETTINGS, useValue: deps.settings },
      ],
    };
  }
}
