import { runService } from '@homeward/service-kit/main';
import { loadStatisticsConfig } from './statistics.config';
import { startStatistics } from './statistics.app';

runService(
  'statistics',
  () => loadStatisticsConfig(),
  (config) => startStatistics(config),
);
