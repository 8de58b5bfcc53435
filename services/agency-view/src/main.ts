import { runService } from '@homeward/service-kit/main';
import { loadAgencyViewConfig } from './agency-view.config';
import { startAgencyView } from './agency-view.app';

runService(
  'agency-view',
  () => loadAgencyViewConfig(),
  (config) => startAgencyView(config),
);
