import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { Pool } from 'pg';
import type { Kafka } from '@homeward/messaging';
import { RegisterWorkerHandler } from './application/register-worker/register-worker.handler';
import { RecordOnWorkerHandler } from './application/record-on-worker/record-on-worker.handler';
import { GetIncidentHandler } from './application/get-incident/get-incident.handler';
import { GetWorkerHandler } from './application/get-worker/get-worker.handler';
import { ListWorkersHandler } from './application/list-workers/list-workers.handler';
import { SearchWorkersHandler } from './application/search-workers/search-workers.handler';
import {
  CLOCK,
  PERSON_INDEX,
  KAFKA,
  POOL,
  REGISTRY_SETTINGS,
  VAULT,
  WORKER_COMMANDS,
  WORKER_STREAMS,
  type Clock,
  type RegistrySettings,
} from './application/tokens';
import { ErasePersonalDataHandler } from './application/erase-personal-data/erase-personal-data.handler';
import type { PersonalDataVault } from '@homeward/personal-data';
import type { PersonIndex } from './persistence/person-index';
import { WorkersController } from './http/workers.controller';
import { ImportsController } from './http/imports.controller';
import { ImportLegacyRegisterHandler } from './application/import/import-legacy-register.handler';
import { WorkerCommands } from './application/worker-command';
import type { WorkerStreams } from './persistence/worker.streams';

export interface RegistrationDependencies {
  readonly pool: Pool;
  readonly kafka: Kafka;
  readonly streams: WorkerStreams;
  readonly vault: PersonalDataVault;
  readonly personIndex: PersonIndex;
  /** Told when a command's events committed (wakes the event relay). */
  readonly committed: () => void;
  readonly clock: Clock;
  readonly settings: RegistrySettings;
}

@Module({})
export class RegistrationModule {
  static with(deps: RegistrationDependencies): DynamicModule {
    return {
      module: RegistrationModule,
      imports: [CqrsModule.forRoot()],
      controllers: [WorkersController, ImportsController],
      providers: [
        { provide: POOL, useValue: deps.pool },
        { provide: KAFKA, useValue: deps.kafka },
        { provide: WORKER_STREAMS, useValue: deps.streams },
        { provide: VAULT, useValue: deps.vault },
        { provide: PERSON_INDEX, useValue: deps.personIndex },
        { provide: WORKER_COMMANDS, useValue: new WorkerCommands(deps.streams, deps.pool, deps.personIndex, deps.committed) },
        { provide: CLOCK, useValue: deps.clock },
        { provide: REGISTRY_SETTINGS, useValue: deps.settings },
        RegisterWorkerHandler,
        RecordOnWorkerHandler,
        GetIncidentHandler,
        GetWorkerHandler,
        ListWorkersHandler,
        SearchWorkersHandler,
        ErasePersonalDataHandler,
        ImportLegacyRegisterHandler,
      ],
    };
  }
}
