import { runService } from '@homeward/service-kit/main';
import { loadMissionViewConfig } from './mission-view.config';
import { startMissionView } from './mission-view.app';

runService(
  'mission-view',
  () => loadMissionViewConfig(),
  (config) => startMissionView(config),
);
