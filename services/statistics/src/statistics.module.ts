import { Module, type DynamicModule } from '@nestjs/common';
import type { ReportJobs } from './application/report-jobs';
import { REPORTS_SETTINGS, REPORT_JOBS, ReportsController, type ReportsSettings } from './http/reports.controller';

export interface StatisticsDependencies {
  readonly jobs: ReportJobs;
  readonly settings: ReportsSettings;
}

@Module({})
export class StatisticsModule {
  static with(deps: StatisticsDependencies): DynamicModule {
    return {
      module: StatisticsModule,
      controllers: [ReportsController],
      providers: [
        { provide: REPORT_JOBS, useValue: deps.jobs },
        { provide: REPORTS_SETTINGS, useValue: deps.settings },
      ],
    };
  }
}
